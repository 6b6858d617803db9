/// Commits to insert, encoded by the thread that classified them: every
/// text column end to end in one byte buffer, every number in one array.
///
/// A scan's storing thread is as busy as each of its readers; with one
/// `CommitRecord` per commit it also retained, copied and finally freed a
/// dozen strings a row. Encoded, a batch is three allocations, and the
/// storing thread binds each value straight from its buffer.
public struct EncodedCommits: Sendable {
    /// Text columns, in `Self.textColumns` order, row after row.
    var bytes: [UInt8] = []
    /// Per text value: where it starts in `bytes` and its length (-1: NULL).
    var spans: [(start: Int32, length: Int32)] = []
    /// Integer columns, in `Self.integerColumns` order, row after row (`Self.null`: NULL).
    var integers: [Int64] = []

    public private(set) var count = 0

    static let textColumns = ["sha", "class", "confidence", "mode", "tools", "evidence", "author_name", "author_email",
                              "committer_name", "committer_email", "subject", "person_name", "person_email"]
    static let integerColumns = ["repository_id", "authored_at", "author_offset", "committed_at", "committer_offset",
                                 "parent_count", "lines_added", "lines_deleted", "ai_lines", "reachable"]
    static let null = Int64.min
    /// Where `tools` is among the text columns (rows with tools get `commit_tool` rows).
    static let toolsColumn = 4

    public init() {}

    public init(_ records: [CommitRecord]) {
        reserve(records.count)
        for record in records { append(record) }
    }

    public var isEmpty: Bool { count == 0 }

    public mutating func reserve(_ rows: Int) {
        bytes.reserveCapacity(rows * 200)
        spans.reserveCapacity(rows * Self.textColumns.count)
        integers.reserveCapacity(rows * Self.integerColumns.count)
    }

    public mutating func append(_ record: CommitRecord) {
        text(record.sha); text(record.class); text(record.confidence); text(record.mode); text(record.tools)
        text(record.evidence); text(record.authorName); text(record.authorEmail); text(record.committerName)
        text(record.committerEmail); text(record.subject); text(record.personName); text(record.personEmail)
        integers.append(record.repositoryId)
        integers.append(record.authoredAt)
        integers.append(Int64(record.authorOffset))
        integers.append(record.committedAt)
        integers.append(Int64(record.committerOffset))
        integers.append(Int64(record.parentCount))
        integers.append(record.linesAdded.map(Int64.init) ?? Self.null)
        integers.append(record.linesDeleted.map(Int64.init) ?? Self.null)
        integers.append(record.aiLines.map(Int64.init) ?? Self.null)
        integers.append(record.reachable ? 1 : 0)
        count += 1
    }

    private mutating func text(_ value: String?) {
        guard let value else {
            spans.append((0, -1))
            return
        }
        let start = bytes.count
        if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: value.utf8)
        }
        spans.append((Int32(start), Int32(bytes.count - start)))
    }
}
