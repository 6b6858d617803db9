import Foundation

/// The parents of commits, as git's commit-graph file records them
/// (`objects/info/commit-graph`, or a split chain under
/// `objects/info/commit-graphs/`), read without inflating a single object.
///
/// A walk that knows a commit's parents before reading it can hand them to
/// another reader at once: on a straight line of history, with no merges to
/// widen the frontier, two readers then still read side by side. git writes
/// the file on `gc` and `fetch` by default; without one, walks learn parents
/// by reading each commit, as before. An object's parents never change, so an
/// entry is right as long as the file is intact; a walk still reads each
/// commit's own parents and follows them too.
struct CommitGraph: @unchecked Sendable {
    /// One file of the chain, base first.
    struct Layer {
        /// The file, mapped: read through a pointer, no `Data` closure per lookup.
        var file: MappedFile
        var data: UnsafeRawBufferPointer { file.bytes }
        var count: Int
        /// Positions of this layer's commits start here in the whole chain.
        var base: Int
        var fanout: Int
        var oids: Int
        var commitData: Int
        var extraEdges: Int?
    }

    private var layers: [Layer] = []
    /// The file git rewrites whenever it writes the graph: the single file,
    /// or the chain file that names the layers.
    let source: String

    /// How many commits the graph holds, all layers together.
    var count: Int { layers.reduce(0) { $0 + $1.count } }

    init(layers: [Layer], source: String) {
        self.layers = layers
        self.source = source
    }

    /// The graph of the repository whose common git directory is `directory`;
    /// nil when there is none, or it is not one this reader understands.
    init?(commonDirectory directory: String) {
        let info = directory + "/objects/info"
        var files: [String] = []
        if FileManager.default.fileExists(atPath: info + "/commit-graph") {
            source = info + "/commit-graph"
            files = [source]
        } else {
            source = info + "/commit-graphs/commit-graph-chain"
            if let chain = try? String(contentsOfFile: source, encoding: .utf8) {
                files = chain.split(whereSeparator: \.isNewline).map { info + "/commit-graphs/graph-\($0).graph" }
            }
        }
        guard !files.isEmpty else { return nil }
        var base = 0
        for file in files {
            // Mapped, not read: counting the commits touches the header alone.
            guard let mapped = MappedFile(path: file), let layer = Self.layer(mapped, base: base) else { return nil }
            layers.append(layer)
            base += layer.count
        }
    }

    static func layer(_ file: MappedFile, base: Int) -> Layer? {
        let data = file.bytes
        // Header: CGPH, version 1, hash version 1 (SHA-1), chunk count, base count.
        guard data.count >= 8, data.starts(with: "CGPH".utf8), data[4] == 1, data[5] == 1 else { return nil }
        let chunks = Int(data[6])
        guard data.count >= 8 + (chunks + 1) * 12 else { return nil }
        var offsets: [String: Int] = [:]
        for chunk in 0..<chunks {
            let entry = 8 + chunk * 12
            let id = String(decoding: data[entry..<(entry + 4)], as: UTF8.self)
            offsets[id] = Int(SortedObjectIDs.bigEndian(data, entry + 4)) << 32 | Int(SortedObjectIDs.bigEndian(data, entry + 8))
        }
        guard let fanout = offsets["OIDF"], let oids = offsets["OIDL"], let commitData = offsets["CDAT"],
              fanout >= 0, fanout + 1024 <= data.count else { return nil }
        // A fan-out that decreases would send a search out of the file.
        guard let count = SortedObjectIDs.count(in: data, fanout: fanout, ids: oids),
              commitData >= 0, commitData + count * 36 <= data.count else { return nil }
        return Layer(file: file, count: count, base: base, fanout: fanout, oids: oids, commitData: commitData,
                     extraEdges: offsets["EDGE"])
    }

    /// The parents of `id`, or nil when the graph does not hold it.
    func parents(of id: ObjectID) -> [ObjectID]? {
        guard let position = position(of: id) else { return nil }
        var positions: [Int32] = []
        guard parentPositions(at: position, into: &positions) else { return nil }
        var parents: [ObjectID] = []
        parents.reserveCapacity(positions.count)
        for parent in positions {
            guard let parentID = self.id(at: parent) else { return nil }
            parents.append(parentID)
        }
        return parents
    }

    /// Where `id` is in the whole chain, or nil when the graph does not hold it.
    func position(of id: ObjectID) -> Int32? {
        for layer in layers.reversed() {
            if let index = SortedObjectIDs.position(of: id, in: layer.data, fanout: layer.fanout, ids: layer.oids) {
                return Int32(layer.base + index)
            }
        }
        return nil
    }

    /// Replaces `positions` with those of the parents of the commit at
    /// `position`, first parent first: a walk over positions reads no id
    /// and searches for none. False when the file is damaged there.
    func parentPositions(at position: Int32, into positions: inout [Int32]) -> Bool {
        positions.removeAll(keepingCapacity: true)
        guard let layer = layer(holding: position) else { return false }
        let index = Int(position) - layer.base
        let raw = layer.data
        let entry = layer.commitData + index * 36 + 20
        let first = SortedObjectIDs.bigEndian(raw, entry)
        let second = SortedObjectIDs.bigEndian(raw, entry + 4)
        let none: UInt32 = 0x7000_0000
        if first != none { positions.append(Int32(first)) }
        guard second != none else { return true }
        guard second & 0x8000_0000 != 0 else {
            positions.append(Int32(second))
            return true
        }
        // An octopus merge: the rest of its parents are in the extra-edge list.
        guard let edges = layer.extraEdges, edges >= 0 else { return false }
        var edge = Int(second & 0x7FFF_FFFF)
        while true {
            guard edges + edge * 4 + 4 <= raw.count else { return false }
            let value = SortedObjectIDs.bigEndian(raw, edges + edge * 4)
            positions.append(Int32(value & 0x7FFF_FFFF))
            if value & 0x8000_0000 != 0 { return true }
            edge += 1
        }
    }

    /// One layer's sorted ids, for a pass over all of them in order.
    struct IDTable {
        let ids: UnsafeRawPointer
        let count: Int
        /// Positions of this layer's commits start here in the whole chain.
        let base: Int
        fileprivate let data: UnsafeRawBufferPointer
        fileprivate let fanout: Int, offset: Int

        /// The index of `id` in this layer, or nil.
        func position(of id: ObjectID) -> Int? {
            SortedObjectIDs.position(of: id, in: data, fanout: fanout, ids: offset)
        }
    }

    /// Each layer's ids, base first.
    var sortedIDTables: [IDTable] {
        layers.map { IDTable(ids: $0.data.baseAddress! + $0.oids, count: $0.count, base: $0.base, data: $0.data,
                             fanout: $0.fanout, offset: $0.oids) }
    }

    /// The commit at a position of the whole chain.
    func id(at position: Int32) -> ObjectID? {
        guard let layer = layer(holding: position) else { return nil }
        return ObjectID(rawBytes: layer.data.baseAddress! + layer.oids + (Int(position) - layer.base) * 20)
    }

    private func layer(holding position: Int32) -> Layer? {
        // Almost always one layer: the last is looked at first only when there are more.
        if layers.count == 1 { return position >= 0 && Int(position) < layers[0].count ? layers[0] : nil }
        guard let layer = layers.last(where: { $0.base <= Int(position) }), Int(position) - layer.base < layer.count else { return nil }
        return layer
    }
}

/// A file mapped read-only for as long as this lives, or bytes built in
/// memory in a file's format.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    init?(path: String) {
        guard let bytes = PackFiles.map(path) else { return nil }
        self.bytes = bytes
        isMapped = true
    }

    /// Takes `bytes` over: deallocated with this.
    init(owning bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = UnsafeRawBufferPointer(bytes)
        isMapped = false
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        }
    }
}

extension ObjectID {
    /// The 20 bytes at `bytes`.
    init(rawBytes bytes: UnsafeRawPointer) {
        self.init(words: (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                          bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                          bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
    }
}
