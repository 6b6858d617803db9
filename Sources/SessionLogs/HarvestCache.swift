import Foundation

/// What earlier harvests read of each log file, kept on this machine so that
/// a harvest reads only the files that changed since (a new session, one
/// still being written): Claude Code's and Codex's folders grow to thousands
/// of sessions. A file is known by its path, inode, size and modification
/// time; the first difference makes it read again whole.
///
/// Kept per file: its counts and dates, the commit claims (tool, session
/// id, time, commit id, the folder worked in), the edited files' paths and
/// their added lines as hashes under this cache's own random key — never a
/// prompt, a command or a line of code. The file is the collector's (mode 0600), never the store's, and
/// holds only the files the last harvest found.
public final class HarvestCache: @unchecked Sendable {
    struct Entry: Codable {
        var inode: UInt64
        var size: UInt64
        /// Milliseconds since 1970.
        var modified: Double
        var summary: CachedSummary
    }

    struct Contents: Codable {
        /// A cache of another version (another hash, another layout) is read as empty.
        static let currentVersion = 2
        var version = Self.currentVersion
        var key: [UInt8]
        var files: [String: Entry] = [:]
    }

    private let path: String?
    private let lock = NSLock()
    private var contents: Contents
    private var found: [String: Entry] = [:]
    /// Files read this harvest, and files whose earlier reading was used.
    public private(set) var read = 0
    public private(set) var reused = 0

    /// The cache at `path` (nil: none, as for a read that must not leave a
    /// file behind); a missing or unreadable one starts empty. The added
    /// lines' hash key becomes the cache's.
    public init(path: String?) {
        self.path = path
        let loaded = path.flatMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
            .flatMap { try? JSONDecoder().decode(Contents.self, from: $0) }
        contents = loaded.flatMap { $0.version == Contents.currentVersion && $0.key.count == 16 ? $0 : nil }
            ?? Contents(key: AddedLine.key.withLock { $0 })
        let key = contents.key
        AddedLine.key.withLock { $0 = key }
    }

    /// What `file` holds: the earlier reading when the file has not changed, else `read()`'s.
    static func summary(of file: String, in cache: HarvestCache?, read: () -> SessionLogSummary) -> SessionLogSummary {
        cache.map { $0.summary(of: file, read: read) } ?? read()
    }

    func summary(of file: String, read: () -> SessionLogSummary) -> SessionLogSummary {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value,
              let size = (attributes[.size] as? NSNumber)?.uint64Value,
              // Milliseconds: what every file system and Foundation's round trip of a Date keep.
              let modified = (attributes[.modificationDate] as? Date).map({ ($0.timeIntervalSince1970 * 1000).rounded() }) else {
            return read()
        }
        if let known = lock.withLock({ contents.files[file] }), known.inode == inode, known.size == size, known.modified == modified {
            lock.withLock {
                found[file] = known
                reused += 1
            }
            return known.summary.summary
        }
        let fresh = read()
        // A file that could not be read is tried again next time.
        guard fresh.unreadFiles == 0 else { return fresh }
        lock.withLock {
            found[file] = Entry(inode: inode, size: size, modified: modified, summary: CachedSummary(fresh))
            self.read += 1
        }
        return fresh
    }

    /// Writes what this harvest found (files gone since are dropped), readable by its owner only.
    public func save() {
        guard let path else { return }
        let saved = lock.withLock { Contents(key: contents.key, files: found) }
        guard let data = try? JSONEncoder().encode(saved) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}

/// A file's `SessionLogSummary` as the cache keeps it.
struct CachedSummary: Codable {
    var tool: SessionTool
    var location: String
    var files: Int
    var sessions: Int
    var oldest: Date?
    var newest: Date?
    var edits: Int
    var claims: [CommitClaim]
    var editEvents: [CachedEdit]
    var unreadFiles: Int
    var skippedLines: Int

    struct CachedEdit: Codable {
        var tool: SessionTool
        var session: String
        var time: Date?
        var path: String
        /// The hashes, 8 bytes each (little-endian): half the size of decimal numbers in JSON.
        var lines: Data

        static func pack(_ lines: Set<Int>) -> Data {
            var data = Data(capacity: lines.count * 8)
            for line in lines { withUnsafeBytes(of: UInt64(bitPattern: Int64(line)).littleEndian) { data.append(contentsOf: $0) } }
            return data
        }

        var unpacked: Set<Int> {
            var found = Set<Int>(minimumCapacity: lines.count / 8)
            lines.withUnsafeBytes { bytes in
                for offset in stride(from: 0, to: bytes.count - 7, by: 8) {
                    found.insert(Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))))
                }
            }
            return found
        }
    }

    init(_ summary: SessionLogSummary) {
        tool = summary.tool
        location = summary.location
        files = summary.files
        sessions = summary.sessions
        oldest = summary.oldest
        newest = summary.newest
        edits = summary.edits
        claims = summary.claims
        editEvents = summary.editEvents.map { CachedEdit(tool: $0.tool, session: $0.session, time: $0.time, path: $0.path, lines: CachedEdit.pack($0.lines)) }
        unreadFiles = summary.unreadFiles
        skippedLines = summary.skippedLines
    }

    var summary: SessionLogSummary {
        var summary = SessionLogSummary(tool: tool, location: location)
        summary.files = files
        summary.sessions = sessions
        summary.oldest = oldest
        summary.newest = newest
        summary.edits = edits
        summary.claims = claims
        summary.editEvents = editEvents.map { EditEvent(tool: $0.tool, session: $0.session, time: $0.time, path: $0.path, lines: $0.unpacked) }
        summary.unreadFiles = unreadFiles
        summary.skippedLines = skippedLines
        return summary
    }
}
