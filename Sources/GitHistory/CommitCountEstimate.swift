internal import CLibGit2
import Foundation

/// About how many commits a repository holds, for the ETA of a scan's
/// progress.
///
/// The commit-graph, when git wrote one, counts them exactly, and what was
/// written after it is estimated as below and added. Without one
/// (a fresh clone: `git clone` writes none), the total is not known before a
/// walk ends, so it is estimated from a sample of the object database:
/// objects spread evenly through each pack index — ids are uniformly random,
/// so that is a random sample — have their type read from the pack (a
/// delta's from its base), and the share of commits is scaled to the pack's
/// object count; loose objects likewise through libgit2. No object is
/// inflated: a few bytes of each are read with pread (see `HeaderReader`).
/// At least 1,024 objects a pack are read, up to 16,384 until 400 commits are
/// met (the error is about one over the square root of the commits met,
/// 5%): 25-45 ms on git/git's 500 MB pack during a scan, deltas' chains
/// followed to their base included.
///
/// Either way it counts every ref's commits, not only those reachable from
/// HEAD (a mirror with pull-request refs holds many more): an ETA from it
/// errs long rather than short. Object folders named as alternates (a
/// `git clone --shared` or `--reference`) are counted with the repository's own.
///
/// It opens what it reads itself, so any thread may use it while another
/// walks the repository (a scan asks from its storing thread).
public struct CommitCountEstimate: Sendable {
    /// The git directory holding the objects (a linked worktree's main one).
    public let commonDirectory: String

    public init(_ repository: Repository) {
        commonDirectory = repository.commonDirectory
    }

    /// The estimate; nil when nothing is known (no objects, or none readable).
    public func commits(samplesPerPack: Int = 1024) -> Int? {
        // The graph holds what git had when it wrote it (gc does, after
        // repacking): what came since in the repository's own folder — a
        // fetch's pack, new loose commits — is sampled and added. Without a
        // graph, every object folder is sampled whole.
        let graph = CommitGraph(commonDirectory: commonDirectory).flatMap { graph in
            FileTimes.modified(graph.source).map { (count: graph.count, written: $0) }
        }
        var total = graph?.count ?? 0
        var known = graph != nil
        for folder in graph == nil ? objectFolders() : [commonDirectory + "/objects"] {
            if let packed = PackFiles(objectsDirectory: folder, modifiedAfter: graph?.written)?.estimatedCommitCount(samplesPerPack: samplesPerPack) {
                total += packed
                known = true
            }
            if let loose = looseCommits(in: folder, samples: 256, modifiedAfter: graph?.written) {
                total += loose
                known = true
            }
        }
        return known ? total : nil
    }

    /// The repository's object folder and those its alternates name, as git
    /// reads them: one path a line, `#` for comments, relative to the folder
    /// naming them, followed five deep; each folder once.
    func objectFolders() -> [String] {
        var folders: [String] = []
        var seen = Set<String>()
        func visit(_ folder: String, depth: Int) {
            let canonical = URL(fileURLWithPath: folder).resolvingSymlinksInPath().standardizedFileURL.path
            guard depth <= 5, seen.insert(canonical).inserted else { return }
            folders.append(canonical)
            guard let text = try? String(contentsOfFile: canonical + "/info/alternates", encoding: .utf8) else { return }
            for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty && !line.hasPrefix("#") {
                let path = String(line)
                visit(path.hasPrefix("/") ? path : canonical + "/" + path, depth: depth + 1)
            }
        }
        visit(commonDirectory + "/objects", depth: 0)
        return folders
    }

    /// Loose objects are counted by name (only those written after
    /// `modifiedAfter`, when given); the share of commits among them is read
    /// from up to `samples` of their headers (libgit2 inflates only the
    /// header of a loose object).
    private func looseCommits(in folder: String, samples: Int, modifiedAfter: timespec? = nil) -> Int? {
        var ids: [ObjectID] = []
        for byte in 0..<256 {
            let prefix = String(format: "%02x", byte)
            guard let directory = opendir(folder + "/" + prefix) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name.utf8.count == 38, let id = ObjectID(hex: prefix + name) else { continue }
                if let modifiedAfter, let written = FileTimes.modified(folder + "/" + prefix + "/" + name),
                   !FileTimes.isLater(written, than: modifiedAfter) { continue }
                ids.append(id)
            }
        }
        guard !ids.isEmpty else { return nil }
        var database: OpaquePointer?
        guard git_odb_open(&database, folder) == 0, let database else { return nil }
        defer { git_odb_free(database) }
        let sampled = ids.count <= samples ? Array(ids.indices) : (0..<samples).map { $0 * ids.count / samples }
        var commits = 0, read = 0
        for index in sampled {
            var oid = ids[index].gitOID
            var size = 0
            var type = GIT_OBJECT_INVALID
            guard git_odb_read_header(&size, &type, database, &oid) == 0 else { continue }
            read += 1
            if type == GIT_OBJECT_COMMIT { commits += 1 }
        }
        guard read > 0 else { return nil }
        return Int((Double(ids.count) * Double(commits) / Double(read)).rounded())
    }
}

extension Repository {
    /// About how many commits this repository holds: see `CommitCountEstimate`.
    public func estimatedCommitCount(samplesPerPack: Int = 1024) -> Int? {
        CommitCountEstimate(self).commits(samplesPerPack: samplesPerPack)
    }
}

extension PackFiles {
    /// The commits in all packs, estimated from at least `samplesPerPack`
    /// objects of each, and more (up to sixteen times as many) while fewer than
    /// `commitsWanted` commits were met: a sample's error is about one over
    /// the square root of the commits it meets, so a pack of mostly files (a
    /// monorepo, commits touching many files) needs more objects read. A pack
    /// no larger than `samplesPerPack` is read whole: then the count is exact.
    /// Nil when no sampled object's type could be read.
    func estimatedCommitCount(samplesPerPack: Int, commitsWanted: Int = 400) -> Int? {
        let reader = HeaderReader(packs: packs)
        var total = 0.0
        var known = false
        for pack in packs where pack.count > 0 {
            let whole = pack.count <= samplesPerPack
            let most = whole ? pack.count : samplesPerPack * 16
            var commits = 0, read = 0, sample = 0
            while sample < most && (whole || sample < samplesPerPack || commits < commitsWanted) {
                // Every object of a small pack; in a large one, positions by
                // the golden ratio, evenly spread however many are taken.
                let position = whole ? sample : Int((Double(sample) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1) * Double(pack.count))
                sample += 1
                guard let offset = Self.offset(in: pack, at: position), let type = objectType(in: pack, at: offset, reader) else { continue }
                read += 1
                if type == PackedObjects.objectCommit { commits += 1 }
            }
            guard read > 0 else { continue }
            known = true
            total += Double(pack.count) * Double(commits) / Double(read)
        }
        return known ? Int(total.rounded()) : nil
    }

    /// The type of the object at `offset` (1 commit, 2 tree, 3 blob, 4 tag),
    /// following deltas to their base without inflating anything; nil when
    /// the pack is damaged there or the chain is too long.
    private func objectType(in pack: Pack, at offset: Int, _ reader: HeaderReader) -> Int? {
        var pack = pack
        var offset = offset
        for _ in 0...PackedObjects.maxDeltaDepth {
            guard let bytes = reader.header(of: pack, at: offset), let header = PackedObjects.header(bytes, at: 0) else { return nil }
            switch header.type {
            case 1...4:
                return header.type
            case PackedObjects.objectOffsetDelta:
                var cursor = header.dataStart
                guard let distance = PackedObjects.deltaDistance(bytes, at: &cursor), distance < offset else { return nil }
                offset -= distance
            case PackedObjects.objectReferenceDelta:
                guard header.dataStart + 20 <= bytes.count - 20,
                      let base = locate(ObjectID(rawBytes: bytes.baseAddress! + header.dataStart)) else { return nil }
                (pack, offset) = base
            default:
                return nil
            }
        }
        return nil
    }
}

/// Reads the first bytes of packed objects with pread rather than through
/// the mapping: a sample jumps about the pack, and every page fault on the
/// mapping would bring the 64 KiB around it into this process's memory
/// (the kernel's fault-around) for a few bytes read — 10 to 20 MB more at
/// the peak of a scan of git/git.
private final class HeaderReader {
    /// Enough for a header (at most 10 bytes) and an offset (10) or a base id (20).
    static let headerBytes = 64
    /// Each pack's file, by where the pack is mapped.
    private var descriptors: [UnsafeRawPointer: Int32] = [:]
    /// The bytes read, and 20 more that stand for the pack's checksum: the
    /// parsers stop 20 bytes before the end of what they are given.
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: headerBytes + 20, alignment: 8)

    init(packs: [PackFiles.Pack]) {
        for pack in packs {
            let descriptor = open(pack.dataPath, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 { descriptors[pack.data.baseAddress!] = descriptor }
        }
    }

    deinit {
        for descriptor in descriptors.values { close(descriptor) }
        buffer.deallocate()
    }

    /// The bytes of the object at `offset`, followed by 20 that are not the
    /// pack's, valid until the next read; nil when they cannot be read.
    func header(of pack: PackFiles.Pack, at offset: Int) -> UnsafeRawBufferPointer? {
        guard let descriptor = descriptors[pack.data.baseAddress!] else { return nil }
        let wanted = min(Self.headerBytes, pack.data.count - 20 - offset)
        guard wanted > 0 else { return nil }
        let read = pread(descriptor, buffer, wanted, off_t(offset))
        guard read > 0 else { return nil }
        return UnsafeRawBufferPointer(start: buffer, count: read + 20)
    }
}
