import Foundation

/// Where each commit of a commit-graph lies in the packs, by graph position,
/// found before a walk in one ordered pass over each pack index.
///
/// Looking each commit up as the walk meets it is a search in the pack
/// index at a random place: over a million commits that touches nearly every
/// page of a 200 MB index, and the pages stay resident (they are most of
/// such a scan's peak memory). The graph's ids and the index's are both
/// sorted, so one merge of the two finds every commit's offset while reading
/// each page once, in order, and gives the pages back behind it.
struct CommitLocations: Sendable {
    /// By graph position: the pack's number in the upper 16 bits, the offset
    /// below; `missing` for a commit no pack holds (loose, or a pack this
    /// reader does not map).
    private let entries: [UInt64]
    private static let missing = UInt64.max
    private static let offsetBits: UInt64 = 48

    /// Resident index pages behind the pass are given back every this many bytes.
    static let trimInterval = 4 << 20

    init(graph: CommitGraph, packs: PackFiles) {
        var entries = [UInt64](repeating: Self.missing, count: graph.count)
        // The first pack that holds a commit is the one it is read from, as `PackFiles.locate` does.
        for (number, pack) in packs.packs.enumerated() where number < 1 << 16 {
            for layer in graph.sortedIDTables {
                if pack.count >= layer.count / 8 {
                    Self.merge(layer, pack, number: number, into: &entries)
                } else {
                    Self.lookUp(pack, in: layer, number: number, into: &entries)
                }
            }
            PackFiles.giveBack(pack.index, from: 0, to: pack.index.count)
        }
        self.entries = entries
    }

    /// The pack and offset of the commit at graph position `position`; nil when unknown.
    func location(at position: Int32) -> (pack: Int, offset: Int)? {
        guard position >= 0, Int(position) < entries.count else { return nil }
        let entry = entries[Int(position)]
        guard entry != Self.missing else { return nil }
        return (Int(entry >> Self.offsetBits), Int(entry & ((1 << Self.offsetBits) - 1)))
    }

    /// Walks the layer's ids and the pack's side by side, both in order.
    private static func merge(_ layer: CommitGraph.IDTable, _ pack: PackFiles.Pack, number: Int, into entries: inout [UInt64]) {
        let graphIDs = layer.ids, packIDs = pack.index.baseAddress! + pack.ids
        var trimmed = pack.ids
        var j = 0
        for i in 0..<layer.count where entries[layer.base + i] == Self.missing {
            let id = graphIDs + i * 20
            let key = prefix(id)
            while j < pack.count, prefix(packIDs + j * 20) < key { j += 1 }
            // Equal first eight bytes: the rest decides (almost never needed past one entry).
            var k = j
            while k < pack.count, prefix(packIDs + k * 20) == key {
                if memcmp(packIDs + k * 20 + 8, id + 8, 12) == 0 {
                    if let offset = PackFiles.offset(in: pack, at: k), offset < 1 << offsetBits {
                        entries[layer.base + i] = UInt64(number) << offsetBits | UInt64(offset)
                    }
                    break
                }
                k += 1
            }
            let passed = pack.ids + j * 20
            if passed - trimmed >= trimInterval {
                PackFiles.giveBack(pack.index, from: trimmed, to: passed)
                // The 4-byte offsets of the same entries (20-byte ids: a fifth as many bytes).
                PackFiles.giveBack(pack.index, from: pack.offsets + (trimmed - pack.ids) / 5, to: pack.offsets + (passed - pack.ids) / 5)
                trimmed = passed
            }
        }
    }

    /// A pack far smaller than the layer (a fetch's): each of its ids is looked up in the layer.
    private static func lookUp(_ pack: PackFiles.Pack, in layer: CommitGraph.IDTable, number: Int, into entries: inout [UInt64]) {
        let packIDs = pack.index.baseAddress! + pack.ids
        for k in 0..<pack.count {
            let id = ObjectID(rawBytes: packIDs + k * 20)
            guard let index = layer.position(of: id), entries[layer.base + index] == Self.missing,
                  let offset = PackFiles.offset(in: pack, at: k), offset < 1 << offsetBits else { continue }
            entries[layer.base + index] = UInt64(number) << offsetBits | UInt64(offset)
        }
    }

    /// The first eight bytes of the id at `pointer`, as a number that sorts as the id does.
    @inline(__always)
    private static func prefix(_ pointer: UnsafeRawPointer) -> UInt64 {
        UInt64(bigEndian: pointer.loadUnaligned(as: UInt64.self))
    }
}
