import Foundation

extension CommitGraph {
    /// The commit-graph of the commits reachable from `tips`, built in memory
    /// by reading each commit's parent lines: for a repository git has written
    /// no graph for (a fresh clone, until `git gc` or `git maintenance`), or a
    /// shallow clone, whose file git ignores. Commits in `boundary` (a shallow
    /// clone's) are roots. Nil when a commit cannot be read: the walk then
    /// reads the history without one and reports that commit.
    ///
    /// With a graph a walk reads every commit after all its children: a merge
    /// before anything it brought in, so the evidence of an AI tool's branch
    /// is known before a verdict is stored. The graph is the bytes git would
    /// write (`gitformat-commit-graph`), parsed by the same code as a file:
    /// no second reader of positions. It costs reading every commit before
    /// the walk starts (on two threads where the history is wide) and 56
    /// bytes per commit.
    ///
    /// It comes with the raw objects of the commits read for it, up to
    /// `budget` bytes of them: a walk then reads those from memory instead
    /// of inflating them again (as `git log --topo-order` keeps each
    /// commit's buffer between its two passes).
    static func built(reachableFrom tips: [ObjectID], in repository: Repository, boundary: Set<ObjectID>,
                      readers: Int, keeping budget: Int) -> (graph: CommitGraph, kept: KeptCommits)? {
        guard var lists = repository.parentLists(from: tips, boundary: boundary, readers: readers, keeping: budget),
              let (file, ranks) = GraphFile.write(lists) else { return nil }
        for index in lists.indices { lists[index].forgetParents() }
        guard let layer = Self.layer(MappedFile(owning: file), base: 0) else { return nil }
        return (CommitGraph(layers: [layer], source: ""), KeptCommits(lists, ranks: ranks))
    }
}

/// Raw commit objects kept from the reading that built a graph, by graph position.
final class KeptCommits: @unchecked Sendable {
    private let arenas: [[UInt8]]
    /// By position: the arena (upper 8 bits), the start (40 bits) and the length (16 bits); 0 for none.
    private let entries: [UInt64]

    init(_ lists: [ParentLists], ranks: [Int32]) {
        var entries = [UInt64](repeating: 0, count: ranks.count)
        var original = 0
        for (arena, list) in lists.enumerated() {
            for span in list.spans {
                if !span.isEmpty, arena < 256 {
                    entries[Int(ranks[original])] = UInt64(arena) << 56 | UInt64(span.lowerBound) << 16 | UInt64(span.count)
                }
                original += 1
            }
        }
        self.entries = entries
        arenas = lists.map(\.raw)
    }

    /// Calls `body` with the raw object of the commit at `position`; nil when it was not kept.
    func withObject<Result>(at position: Int32, _ body: (UnsafeRawBufferPointer) -> Result?) -> Result? {
        guard position >= 0, Int(position) < entries.count, entries[Int(position)] != 0 else { return nil }
        let entry = entries[Int(position)]
        let start = Int(entry >> 16 & (1 << 40 - 1)), count = Int(entry & 0xFFFF)
        return arenas[Int(entry >> 56)].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }
}

/// The commit-graph file of commits read with their parents: the chunks
/// `OIDF`, `OIDL`, `CDAT` and, for octopus merges, `EDGE`; trees,
/// generations and times are zero (no walk here reads them).
private enum GraphFile {
    /// The file, and each commit's position in it by the order read; nil when
    /// a parent was not read (the readers stopped short) or the commits are
    /// too many for a graph. Parents are found in the file's own sorted ids,
    /// as a walk finds them: no table of a million ids besides.
    static func write(_ lists: [ParentLists]) -> (UnsafeMutableRawBufferPointer, ranks: [Int32])? {
        var ids = lists.flatMap(\.ids)
        guard ids.count < 0x7000_0000 else { return nil }
        let edgeCount = lists.reduce(0) { $0 + $1.counts.reduce(0) { $0 + ($1 > 2 ? Int($1) - 1 : 0) } }
        var writer = GraphFileWriter(chunks: [("OIDF", 1024), ("OIDL", ids.count * 20), ("CDAT", ids.count * 36)]
                                     + (edgeCount == 0 ? [] : [("EDGE", edgeCount * 4)]))
        var ranks = [Int32](repeating: 0, count: ids.count)
        do {
            let order = ids.indices.sorted { ids[$0] < ids[$1] }
            for (position, original) in order.enumerated() { ranks[original] = Int32(position) }
            var fanout = [UInt32](repeating: 0, count: 256)
            for id in ids { fanout[Int(id.firstByte)] += 1 }
            var total: UInt32 = 0
            for byte in 0..<256 { total += fanout[byte]; writer.append(total) }
            for original in order { writer.append(ids[original]) }
        }
        ids = []
        let table = writer.chunkOffsets
        var original = 0, edge = 0
        var positions: [UInt32] = []
        for list in lists {
            var next = 0
            for count in list.counts {
                positions.removeAll(keepingCapacity: true)
                for parent in list.parents[next..<(next + Int(count))] {
                    guard let position = SortedObjectIDs.position(of: parent, in: UnsafeRawBufferPointer(writer.bytes),
                                                                  fanout: table[0], ids: table[1]) else {
                        writer.bytes.deallocate()
                        return nil
                    }
                    positions.append(UInt32(position))
                }
                next += Int(count)
                writer.commitData(at: table[2] + Int(ranks[original]) * 36, parents: positions, edges: table.count > 3 ? table[3] : 0,
                                  edge: &edge)
                original += 1
            }
        }
        return (writer.bytes, ranks)
    }
}

/// Writes a commit-graph file's header, table of contents and then its chunks' bytes, in order.
private struct GraphFileWriter {
    let bytes: UnsafeMutableRawBufferPointer
    private var cursor = 0

    init(chunks: [(id: String, size: Int)]) {
        let header = 8 + (chunks.count + 1) * 12
        let size = header + chunks.reduce(0) { $0 + $1.size }
        bytes = .allocate(byteCount: size, alignment: 8)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
        for (index, byte) in Array("CGPH".utf8).enumerated() { bytes[index] = byte }
        bytes[4] = 1 // version
        bytes[5] = 1 // SHA-1
        bytes[6] = UInt8(chunks.count)
        cursor = 8
        var offset = header
        for chunk in chunks {
            for byte in chunk.id.utf8 { bytes[cursor] = byte; cursor += 1 }
            append(UInt64(offset))
            chunkOffsets.append(offset)
            offset += chunk.size
        }
        // The table ends with a zero id and the offset where the last chunk ends.
        cursor += 4
        append(UInt64(offset))
    }

    mutating func append(_ value: UInt32) {
        bytes.storeBytes(of: value.bigEndian, toByteOffset: cursor, as: UInt32.self)
        cursor += 4
    }

    mutating func append(_ value: UInt64) {
        append(UInt32(truncatingIfNeeded: value >> 32))
        append(UInt32(truncatingIfNeeded: value))
    }

    mutating func append(_ id: ObjectID) {
        id.withRawBytes { for byte in $0 { bytes[cursor] = byte; cursor += 1 } }
    }

    /// Where each chunk starts, in the order given.
    private(set) var chunkOffsets: [Int] = []

    /// A commit's `CDAT` entry at `offset`: its first two parents, or its
    /// first and where the rest are in the `EDGE` chunk at `edges` (from
    /// entry `edge` on, which moves past them).
    func commitData(at offset: Int, parents: [UInt32], edges: Int, edge: inout Int) {
        let none: UInt32 = 0x7000_0000
        store(parents.first ?? none, at: offset + 20)
        guard parents.count > 2 else { return store(parents.count > 1 ? parents[1] : none, at: offset + 24) }
        store(0x8000_0000 | UInt32(edge), at: offset + 24)
        for (index, parent) in parents.dropFirst().enumerated() {
            store(parent | (index == parents.count - 2 ? 0x8000_0000 : 0), at: edges + edge * 4)
            edge += 1
        }
    }

    private func store(_ value: UInt32, at offset: Int) {
        bytes.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}
