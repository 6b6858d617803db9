internal import CDeflate
import Foundation

/// The pack files of one object database, mapped read-only: shared by every
/// reader thread of a walk (each reads through its own `PackedObjects`).
final class PackFiles: @unchecked Sendable {
    struct Pack {
        let index: UnsafeRawBufferPointer
        let data: UnsafeRawBufferPointer
        /// Where the 20-byte ids, the 4-byte offsets and the 8-byte offsets start in `index`.
        let ids: Int, offsets: Int, largeOffsets: Int
        /// The pack file's path, for reads that should not go through the mapping.
        let dataPath: String
        /// Objects in the pack: 24 bytes of id and CRC each come before the offsets.
        var count: Int { (offsets - ids) / 24 }
    }

    let packs: [Pack]

    /// Maps the packs in `objectsDirectory/pack` (only those written after
    /// `modifiedAfter`, when given); nil when there are none.
    init?(objectsDirectory: String, modifiedAfter: timespec? = nil) {
        let folder = objectsDirectory + "/pack"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        var packs: [Pack] = []
        for name in names.sorted() where name.hasPrefix("pack-") && name.hasSuffix(".idx") {
            let stem = folder + "/" + name.dropLast(4)
            if let modifiedAfter, let written = FileTimes.modified(stem + ".pack"), !FileTimes.isLater(written, than: modifiedAfter) { continue }
            if let pack = Self.open(index: stem + ".idx", data: stem + ".pack") { packs.append(pack) }
        }
        guard !packs.isEmpty else { return nil }
        self.packs = packs
    }

    deinit {
        for pack in packs {
            munmap(UnsafeMutableRawPointer(mutating: pack.index.baseAddress), pack.index.count)
            munmap(UnsafeMutableRawPointer(mutating: pack.data.baseAddress), pack.data.count)
        }
    }

    /// Gives the mapped pack pages back: they stay in the page cache, but no
    /// longer count in this process's resident memory, so a scan of a large
    /// pack stays within its memory budget (libgit2 caps its pack windows for
    /// the same reason). Pages are only read, so another thread reading them
    /// meanwhile just maps them in again.
    func trimResidentPages() {
        for pack in packs { Self.giveBack(pack.data, from: 0, to: pack.data.count) }
    }

    /// Gives back the resident pages of `mapping` wholly inside `start..<end`
    /// (see `trimResidentPages`).
    static func giveBack(_ mapping: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (start + page - 1) / page * page, last = min(end, mapping.count) / page * page
        guard last > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: mapping.baseAddress! + first), last - first, MADV_DONTNEED)
    }

    /// The pack holding `id` and the object's offset in it.
    func locate(_ id: ObjectID) -> (Pack, Int)? {
        for pack in packs {
            guard let position = SortedObjectIDs.position(of: id, in: pack.index, fanout: 8, ids: pack.ids) else { continue }
            guard let offset = Self.offset(in: pack, at: position) else { return nil }
            return (pack, offset)
        }
        return nil
    }

    static func offset(in pack: Pack, at position: Int) -> Int? {
        let small = SortedObjectIDs.bigEndian(pack.index, pack.offsets + position * 4)
        var offset: Int
        if small & 0x8000_0000 == 0 {
            offset = Int(small)
        } else {
            let large = pack.largeOffsets + Int(small & 0x7fff_ffff) * 8
            guard large + 8 <= pack.index.count - 40 else { return nil }
            offset = Int(SortedObjectIDs.bigEndian(pack.index, large)) << 32 | Int(SortedObjectIDs.bigEndian(pack.index, large + 4))
        }
        // 12 bytes of pack header before the first object, 20 of checksum after the last.
        guard offset >= 12, offset < pack.data.count - 20 else { return nil }
        return offset
    }
}

/// Reads commit objects straight from a repository's pack files.
///
/// A first scan reads every commit once, and reading is most of its cost.
/// Through libgit2 each read takes the process-wide lock of its pack window
/// cache and allocates an inflate state and a copy of the object; with two
/// reader threads the lock alone cost a tenth of the scan. Here each reader
/// thread owns one of these over the shared `PackFiles`: an id is found in
/// the pack's index (version 2, see `SortedObjectIDs`), and the object is inflated by
/// libdeflate (twice zlib's speed on whole buffers, which mapped packs are)
/// into one reused buffer. Delta objects (commits rarely are) are rebuilt
/// from their bases.
///
/// Anything this reader does not handle — loose objects, alternates, index
/// version 1, a damaged pack — is a miss, and the caller asks libgit2, which
/// reads it or says precisely what is wrong.
final class PackedObjects {
    private typealias Pack = PackFiles.Pack
    let files: PackFiles
    private var packs: [Pack] { files.packs }
    private let decompressor: OpaquePointer
    /// Inflated objects land here; grown as needed, reused for every read.
    private var buffer: UnsafeMutableRawPointer
    private var capacity = 64 << 10
    /// Compressed bytes read since the mapped pages were last given back.
    private var bytesSinceTrim = 0

    /// Larger objects are left to libgit2 (no commit is near this; a damaged header may say so).
    private static let maxObjectSize = 1 << 28
    /// A delta chain longer than this is left to libgit2 (git's own limit is 4095).
    static let maxDeltaDepth = 64
    static let objectCommit = 1, objectOffsetDelta = 6, objectReferenceDelta = 7

    init(files: PackFiles) {
        self.files = files
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        // Only fails when out of memory.
        decompressor = libdeflate_alloc_decompressor()!
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        buffer.deallocate()
    }

    /// Calls `body` with the raw commit object `id` (as `git cat-file commit`
    /// prints it), valid only during the call; nil when `id` is not a commit
    /// this reader can read from the packs.
    /// `location`, when given, is where `CommitLocations` found it: no search.
    func withCommit<Result>(_ id: ObjectID, at location: (pack: Int, offset: Int)? = nil,
                            _ body: (UnsafeRawBufferPointer) -> Result?) -> Result? {
        guard let (pack, offset) = location.map({ (files.packs[$0.pack], $0.offset) }) ?? files.locate(id) else { return nil }
        guard let (type, size) = read(pack: pack, offset: offset, depth: 0), type == Self.objectCommit else { return nil }
        return body(UnsafeRawBufferPointer(start: buffer, count: size))
    }

    // MARK: Finding an object

    // MARK: Reading an object

    /// Reads the object at `offset` into `buffer`: its type and size, or nil.
    private func read(pack: Pack, offset: Int, depth: Int) -> (type: Int, size: Int)? {
        guard depth <= Self.maxDeltaDepth, let header = Self.header(pack.data, at: offset) else { return nil }
        switch header.type {
        case 1...4:
            guard inflate(pack.data, from: header.dataStart, into: 0, size: header.size) else { return nil }
            return (header.type, header.size)
        case Self.objectOffsetDelta, Self.objectReferenceDelta:
            var cursor = header.dataStart
            let baseOffset: Int
            if header.type == Self.objectOffsetDelta {
                guard let distance = Self.deltaDistance(pack.data, at: &cursor), distance < offset else { return nil }
                baseOffset = offset - distance
            } else {
                guard cursor + 20 <= pack.data.count else { return nil }
                let base = ObjectID(rawBytes: pack.data.baseAddress! + cursor)
                cursor += 20
                // A base in another pack: left to libgit2.
                guard let (basePack, found) = files.locate(base), basePack.data.baseAddress == pack.data.baseAddress else { return nil }
                baseOffset = found
            }
            guard let (type, baseSize) = read(pack: pack, offset: baseOffset, depth: depth + 1) else { return nil }
            // The base sits at the start of the buffer; the delta is inflated after it.
            guard inflate(pack.data, from: cursor, into: baseSize, size: header.size) else { return nil }
            guard let size = applyDelta(baseSize: baseSize, deltaSize: header.size) else { return nil }
            return (type, size)
        default:
            return nil
        }
    }

    /// Inflates `size` bytes from the zlib stream at `start` into `buffer` at `position`.
    private func inflate(_ data: UnsafeRawBufferPointer, from start: Int, into position: Int, size: Int) -> Bool {
        let available = data.count - 20 - start
        // DEFLATE expands at most 1032 to 1: a header announcing more than the
        // pack could hold is damaged, and must not make this allocate it.
        guard available > 0, size <= Self.maxObjectSize, size <= available * 1032 + 64 else { return false }
        reserve(position + size)
        var consumed = 0
        // With exactly `size` bytes of room, an object of any other length is an error.
        let status = libdeflate_zlib_decompress_ex(decompressor, data.baseAddress! + start, available,
                                                   buffer + position, size, nil, &consumed)
        guard status == LIBDEFLATE_SUCCESS else { return false }
        // Each reader trims after its own 4 MiB: no counter shared between threads.
        bytesSinceTrim += consumed
        if bytesSinceTrim > 4 << 20 {
            bytesSinceTrim = 0
            files.trimResidentPages()
        }
        return true
    }

    /// Builds the delta's result from the base at the start of `buffer` and
    /// the delta right after it, then moves the result to the start.
    private func applyDelta(baseSize: Int, deltaSize: Int) -> Int? {
        let delta = UnsafeRawBufferPointer(start: buffer + baseSize, count: deltaSize)
        var cursor = 0
        guard Self.deltaSize(delta, at: &cursor) == baseSize, let resultSize = Self.deltaSize(delta, at: &cursor),
              resultSize <= Self.maxObjectSize else { return nil }
        let resultStart = baseSize + deltaSize
        reserve(resultStart + resultSize)
        // `reserve` may have moved the buffer.
        let base = UnsafeRawBufferPointer(start: buffer, count: baseSize)
        let instructions = UnsafeRawBufferPointer(start: buffer + baseSize, count: deltaSize)
        var written = 0
        while cursor < instructions.count {
            let op = instructions[cursor]
            cursor += 1
            if op & 0x80 != 0 {
                var copyOffset = 0, copySize = 0
                for bit in 0..<4 where op & (1 << bit) != 0 {
                    guard cursor < instructions.count else { return nil }
                    copyOffset |= Int(instructions[cursor]) << (8 * bit)
                    cursor += 1
                }
                for bit in 0..<3 where op & (0x10 << bit) != 0 {
                    guard cursor < instructions.count else { return nil }
                    copySize |= Int(instructions[cursor]) << (8 * bit)
                    cursor += 1
                }
                if copySize == 0 { copySize = 0x10000 }
                guard copyOffset + copySize <= base.count, written + copySize <= resultSize else { return nil }
                (buffer + resultStart + written).copyMemory(from: base.baseAddress! + copyOffset, byteCount: copySize)
                written += copySize
            } else if op != 0 {
                let count = Int(op)
                guard cursor + count <= instructions.count, written + count <= resultSize else { return nil }
                (buffer + resultStart + written).copyMemory(from: instructions.baseAddress! + cursor, byteCount: count)
                cursor += count
                written += count
            } else {
                return nil
            }
        }
        guard written == resultSize else { return nil }
        buffer.copyMemory(from: buffer + resultStart, byteCount: resultSize)
        return resultSize
    }

    private func reserve(_ bytes: Int) {
        guard bytes > capacity else { return }
        var grown = capacity
        while grown < bytes { grown *= 2 }
        let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        larger.copyMemory(from: buffer, byteCount: capacity)
        buffer.deallocate()
        buffer = larger
        capacity = grown
    }

    // MARK: Formats

    /// An object's type, inflated size, and where its data starts.
    static func header(_ data: UnsafeRawBufferPointer, at offset: Int) -> (type: Int, size: Int, dataStart: Int)? {
        var cursor = offset
        let end = data.count - 20
        guard cursor < end else { return nil }
        var byte = data[cursor]
        cursor += 1
        let type = Int(byte >> 4) & 7
        var size = Int(byte & 0x0f)
        var shift = 4
        while byte & 0x80 != 0 {
            guard cursor < end, shift < 57 else { return nil }
            byte = data[cursor]
            cursor += 1
            size |= Int(byte & 0x7f) << shift
            shift += 7
        }
        return (type, size, cursor)
    }

    /// An offset delta's distance back to its base.
    static func deltaDistance(_ data: UnsafeRawBufferPointer, at cursor: inout Int) -> Int? {
        let end = data.count - 20
        guard cursor < end else { return nil }
        var byte = data[cursor]
        cursor += 1
        var distance = Int(byte & 0x7f)
        while byte & 0x80 != 0 {
            guard cursor < end, distance < Int.max >> 8 else { return nil }
            byte = data[cursor]
            cursor += 1
            distance = ((distance + 1) << 7) | Int(byte & 0x7f)
        }
        return distance
    }

    /// A size at the start of a delta (little-endian groups of seven bits).
    private static func deltaSize(_ delta: UnsafeRawBufferPointer, at cursor: inout Int) -> Int? {
        var size = 0, shift = 0
        while true {
            guard cursor < delta.count, shift < 57 else { return nil }
            let byte = delta[cursor]
            cursor += 1
            size |= Int(byte & 0x7f) << shift
            shift += 7
            if byte & 0x80 == 0 { return size }
        }
    }

}

extension PackFiles {
    /// Maps an index (version 2) and its pack; nil for anything else.
    fileprivate static func open(index indexPath: String, data dataPath: String) -> Pack? {
        guard let index = map(indexPath) else { return nil }
        guard let data = map(dataPath) else {
            munmap(UnsafeMutableRawPointer(mutating: index.baseAddress), index.count)
            return nil
        }
        func reject() -> Pack? {
            munmap(UnsafeMutableRawPointer(mutating: index.baseAddress), index.count)
            munmap(UnsafeMutableRawPointer(mutating: data.baseAddress), data.count)
            return nil
        }
        // Index: magic "\377tOc", version 2, 256 fan-out entries, then ids, CRCs, offsets.
        guard index.count >= 8 + 1024 + 40, SortedObjectIDs.bigEndian(index, 0) == 0xff74_4f63, SortedObjectIDs.bigEndian(index, 4) == 2 else { return reject() }
        let ids = 8 + 1024
        // A fan-out that decreases would send a search out of the index.
        guard let count = SortedObjectIDs.count(in: index, fanout: 8, ids: ids) else { return reject() }
        let offsets = ids + count * 24
        let largeOffsets = offsets + count * 4
        guard largeOffsets + 40 <= index.count else { return reject() }
        // Pack: "PACK", version 2 or 3, the object count the index has.
        guard data.count >= 32, SortedObjectIDs.bigEndian(data, 0) == 0x5041_434b, [2, 3].contains(SortedObjectIDs.bigEndian(data, 4)),
              Int(SortedObjectIDs.bigEndian(data, 8)) == count else { return reject() }
        return Pack(index: index, data: data, ids: ids, offsets: offsets, largeOffsets: largeOffsets, dataPath: dataPath)
    }

    static func map(_ path: String) -> UnsafeRawBufferPointer? {
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        return UnsafeRawBufferPointer(start: address, count: size)
    }
}

/// File modification times, to the nanosecond.
enum FileTimes {
    static func modified(_ path: String) -> timespec? {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mtim : nil
    }

    static func isLater(_ a: timespec, than b: timespec) -> Bool {
        a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec
    }
}
