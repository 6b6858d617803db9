import Attribution

/// Commits to insert, encoded by the thread that classified them: every
/// text column end to end in one byte buffer, every number in one array.
///
/// A scan's storing thread is as busy as each of its readers; with one
/// `CommitRecord` per commit it also retained, copied and finally freed a
/// dozen strings a row. Encoded, a batch is three allocations, and the
/// storing thread binds each value straight from its buffer.
public struct EncodedCommits: Sendable, Equatable {
    /// Text columns, in `Self.textColumns` order, row after row.
    var bytes: [UInt8] = []
    /// Per text value: where it starts in `bytes` and its length (-1: NULL).
    var spans: [Span] = []
    /// Integer columns, in `Self.integerColumns` order, row after row (`Self.null`: NULL).
    var integers: [Int64] = []

    public private(set) var count = 0

    struct Span: Sendable, Equatable {
        var start: Int32
        var length: Int32
    }

    package static let textColumns = ["sha", "class", "confidence", "mode", "tools", "evidence", "author_name", "author_email",
                              "committer_name", "committer_email", "subject", "person_name", "person_email"]
    package static let integerColumns = ["repository_id", "authored_at", "author_offset", "committed_at", "committer_offset",
                                 "parent_count", "lines_added", "lines_deleted", "ai_lines", "human_lines", "reachable"]
    static let null = Int64.min
    /// Where `tools` is among the text columns (rows with tools get `commit_tool` rows).
    static let toolsColumn = 4

    public init() {}

    public init(_ records: [CommitRecord]) {
        reserve(records.count)
        for record in records { append(record) }
    }

    public var isEmpty: Bool { count == 0 }

    /// True once the batch holds 64 MiB of text: hand it over then, whatever
    /// its count (hostile histories have megabyte names; offsets are 32-bit).
    public var isFull: Bool { bytes.count >= Self.fullBytes }
    static let fullBytes = 64 << 20

    public mutating func reserve(_ rows: Int) {
        bytes.reserveCapacity(rows * 200)
        spans.reserveCapacity(rows * Self.textColumns.count)
        integers.reserveCapacity(rows * Self.integerColumns.count)
    }

    /// Appends a commit as `CommitRecord(repositoryId:sha:verdict:…)` would
    /// hold it, without making the record: what a scan's readers call for
    /// every commit.
    public mutating func append(repositoryId: Int64, sha: String, verdict: Verdict, authorName: String, authorEmail: String,
                                authoredAt: Int64, authorOffset: Int, committerName: String, committerEmail: String,
                                committedAt: Int64, committerOffset: Int, subject: String, parentCount: Int, reachable: Bool) {
        text(sha); text(verdict.commitClass.rawValue); text(verdict.confidence?.rawValue); text(verdict.mode?.rawValue)
        text(verdict.tools.joined(separator: ","))
        text(CommitRecord.encode(verdict.evidence)); text(authorName); text(authorEmail); text(committerName)
        text(committerEmail); text(subject); text(verdict.person?.name)
        if let email = verdict.person?.email { lowercasedText(email) } else { text(nil) }
        numbers(repositoryId: repositoryId, authoredAt: authoredAt, authorOffset: authorOffset, committedAt: committedAt,
                committerOffset: committerOffset, parentCount: parentCount, linesAdded: nil, linesDeleted: nil,
                aiLines: verdict.aiLines, humanLines: verdict.humanLines, reachable: reachable)
    }

    public mutating func append(_ record: CommitRecord) {
        text(record.sha); text(record.class); text(record.confidence); text(record.mode); text(record.tools)
        text(record.evidence); text(record.authorName); text(record.authorEmail); text(record.committerName)
        text(record.committerEmail); text(record.subject); text(record.personName); text(record.personEmail)
        numbers(repositoryId: record.repositoryId, authoredAt: record.authoredAt, authorOffset: record.authorOffset,
                committedAt: record.committedAt, committerOffset: record.committerOffset, parentCount: record.parentCount,
                linesAdded: record.linesAdded, linesDeleted: record.linesDeleted, aiLines: record.aiLines,
                humanLines: record.humanLines, reachable: record.reachable)
    }

    /// A row's integer columns, in `Self.integerColumns` order; the last step of a row.
    private mutating func numbers(repositoryId: Int64, authoredAt: Int64, authorOffset: Int, committedAt: Int64,
                                  committerOffset: Int, parentCount: Int, linesAdded: Int?, linesDeleted: Int?,
                                  aiLines: Int?, humanLines: Int?, reachable: Bool) {
        integers.append(repositoryId)
        integers.append(authoredAt)
        integers.append(Int64(authorOffset))
        integers.append(committedAt)
        integers.append(Int64(committerOffset))
        integers.append(Int64(parentCount))
        integers.append(linesAdded.map(Int64.init) ?? Self.null)
        integers.append(linesDeleted.map(Int64.init) ?? Self.null)
        integers.append(aiLines.map(Int64.init) ?? Self.null)
        integers.append(humanLines.map(Int64.init) ?? Self.null)
        integers.append(reachable ? 1 : 0)
        count += 1
    }

    private mutating func text(_ value: String?) {
        guard let value else {
            spans.append(Span(start: 0, length: -1))
            return
        }
        let start = bytes.count
        if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: value.utf8)
        }
        spans.append(Span(start: Int32(start), length: Int32(bytes.count - start)))
    }

    /// `text(value.lowercased())`, without the new string when `value` is ASCII.
    private mutating func lowercasedText(_ value: String) {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return text(value.lowercased()) }
        let start = bytes.count
        for byte in value.utf8 { bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
        spans.append(Span(start: Int32(start), length: Int32(bytes.count - start)))
    }

    /// Each row's value of text column `column` (of `textColumns`) as its
    /// bytes, nil for NULL: for a backend that writes them to the wire itself.
    package func forEachText(column: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        let textCount = Self.textColumns.count
        bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<count {
                let span = spans[row * textCount + column]
                body(span.length < 0 ? nil : UnsafeBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.start + span.length)]))
            }
        }
    }

    /// Each row's value of integer column `column` (of `integerColumns`), nil for NULL.
    package func forEachInteger(column: Int, _ body: (Int64?) -> Void) {
        let integerCount = Self.integerColumns.count
        for row in 0..<count {
            let value = integers[row * integerCount + column]
            body(value == Self.null ? nil : value)
        }
    }
}
