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
    init?(reachableFrom tips: [ObjectID], in repository: Repository, boundary: Set<ObjectID>, readers: Int = 1) {
        guard let built = Self.built(reachableFrom: tips, in: repository, boundary: boundary, readers: readers, keeping: 0) else { return nil }
        self = built.graph
    }

    /// The graph, and the raw objects of the commits read for it, up to
    /// `budget` bytes of them: a walk then reads those from memory instead
    /// of inflating them again (as `git log --topo-order` keeps each
    /// commit's buffer between its two passes).
    static func built(reachableFrom tips: [ObjectID], in repository: Repository, boundary: Set<ObjectID>,
                      readers: Int, keeping budget: Int) -> (graph: CommitGraph, kept: KeptCommits)? {
        guard let lists = repository.parentLists(from: tips, boundary: boundary, readers: readers, keeping: budget),
              let reached = ReachedCommits(lists),
              let layer = Self.layer(MappedFile(owning: reached.commitGraphFile()), base: 0) else { return nil }
        return (CommitGraph(layers: [layer], source: ""), KeptCommits(lists, ranks: reached.ranks))
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

/// Every commit some readers read and its parents, by position in the order read.
private struct ReachedCommits {
    private(set) var ids: [ObjectID] = []
    /// Parents as indexes into `ids`: the first two of each commit (-1: none), and the rest of an octopus's.
    private var firstParents: [Int32] = []
    private var secondParents: [Int32] = []
    private var moreParents: [Int32: [Int32]] = [:]
    /// Each commit's position in the graph (its rank by id), by the order read.
    private(set) var ranks: [Int32] = []
    /// The commits by id: indexes into `ids`.
    private var order: [Int] = []

    /// Nil when a parent was not read (the readers stopped short), or the commits are too many for a graph.
    init?(_ lists: [ParentLists]) {
        ids = lists.flatMap(\.ids)
        guard ids.count < 0x7000_0000 else { return nil }
        var index: [ObjectID: Int32] = [:]
        index.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() { index[id] = Int32(position) }
        firstParents.reserveCapacity(ids.count)
        secondParents.reserveCapacity(ids.count)
        for list in lists {
            var next = 0
            for (commit, count) in zip(list.ids, list.counts) {
                var positions: [Int32] = []
                for parent in list.parents[next..<(next + Int(count))] {
                    guard let position = index[parent] else { return nil }
                    positions.append(position)
                }
                next += Int(count)
                firstParents.append(positions.first ?? -1)
                secondParents.append(positions.count > 1 ? positions[1] : -1)
                if positions.count > 2 { moreParents[index[commit]!] = Array(positions.dropFirst(2)) }
            }
        }
        order = ids.indices.sorted { ids[$0] < ids[$1] }
        ranks = [Int32](repeating: 0, count: ids.count)
        for (position, original) in order.enumerated() { ranks[original] = Int32(position) }
    }

    /// The commit-graph file of these commits: the chunks `OIDF`, `OIDL`,
    /// `CDAT` and, for octopus merges, `EDGE`; trees, generations and times
    /// are zero (no walk here reads them).
    func commitGraphFile() -> UnsafeMutableRawBufferPointer {
        let rank = ranks
        var edges: [UInt32] = []
        let chunks: [(String, Int)] = [("OIDF", 1024), ("OIDL", ids.count * 20), ("CDAT", ids.count * 36)]
            + (moreParents.isEmpty ? [] : [("EDGE", moreParents.values.reduce(0) { $0 + ($1.count + 1) * 4 })])
        var writer = GraphFileWriter(chunks: chunks)
        var fanout = [UInt32](repeating: 0, count: 256)
        for id in ids { fanout[Int(id.firstByte)] += 1 }
        var total: UInt32 = 0
        for byte in 0..<256 { total += fanout[byte]; writer.append(total) }
        for original in order { writer.append(ids[original]) }
        for original in order {
            writer.skip(20)
            let first = firstParents[original], second = secondParents[original]
            writer.append(first >= 0 ? UInt32(rank[Int(first)]) : 0x7000_0000)
            if let more = moreParents[Int32(original)] {
                writer.append(0x8000_0000 | UInt32(edges.count))
                let rest = [second] + more
                for (index, parent) in rest.enumerated() {
                    edges.append(UInt32(rank[Int(parent)]) | (index == rest.count - 1 ? 0x8000_0000 : 0))
                }
            } else {
                writer.append(second >= 0 ? UInt32(rank[Int(second)]) : 0x7000_0000)
            }
            writer.skip(8)
        }
        for edge in edges { writer.append(edge) }
        return writer.bytes
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

    mutating func skip(_ count: Int) { cursor += count }
}
