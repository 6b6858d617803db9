import Foundation
import Synchronization

extension Repository {
    /// Calls `body` for every commit reachable from `tips`, each once, on up to
    /// `readers` threads at a time, in no particular order.
    ///
    /// Reading a commit (inflating its object) is the largest part of a scan
    /// that one thread cannot share: here the commits waiting to be read are
    /// one frontier, and each reader takes the next from it, reads it with a
    /// repository handle of its own, and adds its parents. Histories with
    /// merges keep the frontier wide; a straight line of commits keeps one
    /// reader busy and the others waiting. A second reader starts only once
    /// the first has read `warmUp` commits, so a small repository costs no
    /// extra thread or handle.
    ///
    /// `body` runs on the reader threads, concurrently: it gets the reader's
    /// index (0 is the calling thread) and that reader's repository handle,
    /// the one to use for anything else it reads. It may stop the walk by
    /// returning false; the first error thrown, by `body` or a read, ends the
    /// walk and is rethrown here.
    public func walkInParallel(
        from tips: [ObjectID],
        readers: Int,
        warmUp: Int = 512,
        _ body: @escaping @Sendable (Commit, Repository, Int) throws -> Bool
    ) throws {
        let boundary = shallowBoundary
        let (graph, counts, kept) = topologicalOrder(from: tips, boundary: boundary, readers: readers)
        let frontier = Frontier(tips: tips, graph: graph, counts: counts)
        // One mapping of the packs for all readers, each with its own inflater.
        let locations = graph.flatMap { graph in packedObjects.map { CommitLocations(graph: graph, packs: $0.files) } }

        onReaders(readers) { repository, reader, started in
            var count = 0
            var started = started
            var run: [Frontier.Link]? = nil
            var chain: [Frontier.Link] = []
            chain.reserveCapacity(Frontier.chainLength)
            while frontier.next(finishing: run, into: &chain) {
                run = []
                for var link in chain {
                    do {
                        var commit = try Self.read(link, from: repository, kept: kept, locations: locations)
                        if boundary.contains(link.id) { commit.parents = [] }
                        // Handed in once `body` is done with the run (see Frontier.next).
                        link.parents = commit.parents
                        run!.append(link)
                        if try !body(commit, repository, reader) {
                            frontier.stop(nil)
                            break
                        }
                    } catch {
                        frontier.stop(error)
                        break
                    }
                    // Another reader stopped the walk: the rest of this run is not read.
                    if frontier.isStopped { break }
                    count += 1
                    if count == warmUp, let start = started {
                        started = nil
                        start()
                    }
                }
            }
        }
        if let error = frontier.error { throw error }
    }

    /// The commit `link` names: kept in memory, or read at its location (or found).
    private static func read(_ link: Frontier.Link, from repository: Repository, kept: KeptCommits?,
                             locations: CommitLocations?) throws(GitError) -> Commit {
        let id = link.id
        if let kept, let commit = kept.withObject(at: link.position, { (raw: UnsafeRawBufferPointer) -> Commit? in
            CommitObject.parse(id: id, raw)
        }) {
            return commit
        }
        return try repository.readCommit(id.gitOID, at: locations?.location(at: link.position))
    }

    /// Runs `read` on this thread with this handle, and on `readers - 1`
    /// more threads, each with a handle of its own over the same mapped
    /// packs, once `read` calls the closure it is given (nil for the others,
    /// or when there are none); returns when all are done.
    private func onReaders(_ readers: Int, _ read: @escaping @Sendable (Repository, Int, (() -> Void)?) -> Void) {
        let gitDirectory = self.gitDirectory
        nonisolated(unsafe) let first = self
        let packFiles = packedObjects?.files
        let finished = DispatchGroup()
        let startOthers: (() -> Void)? = readers < 2 ? nil : {
            for reader in 1..<readers {
                finished.enter()
                let thread = Thread {
                    defer { finished.leave() }
                    // A reader that cannot open its handle leaves the work to the others.
                    guard let handle = try? Repository(at: gitDirectory) else { return }
                    if let packFiles { handle.packedObjects = PackedObjects(files: packFiles) }
                    read(handle, reader, nil)
                }
                thread.name = "census-read-\(reader)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
        read(first, 0, startOthers)
        finished.wait()
    }

    /// The parents of every commit `tips` reach, read from each commit's
    /// header on up to `readers` threads, in no particular order (commits in
    /// `boundary` have none), and the raw objects, up to `keeping` bytes of
    /// them; nil when a commit cannot be read.
    func parentLists(from tips: [ObjectID], boundary: Set<ObjectID>, readers: Int, keeping budget: Int,
                     warmUp: Int = 512) -> [ParentLists]? {
        let frontier = Frontier(tips: tips, graph: nil, counts: nil)
        let lists = Mutex<[ParentLists]>([])
        let room = Atomic<Int>(budget)
        onReaders(readers) { repository, _, started in
            var found = ParentLists(), parents: [ObjectID] = []
            var started = started
            var run: [Frontier.Link]? = nil
            var chain: [Frontier.Link] = []
            while frontier.next(finishing: run, into: &chain) {
                run = []
                for var link in chain {
                    var kept: Range<Int>?
                    let read = repository.readParents(of: link.id, into: &parents) { raw in
                        guard raw.count <= ParentLists.largestKept, room.subtract(raw.count, ordering: .relaxed).newValue >= 0 else { return }
                        kept = found.keep(raw)
                    }
                    // Only stops the readers: the walk without a graph meets the same commit and says what is wrong.
                    guard read else { return frontier.stop(GitError(kind: .missingObject, message: "", path: "")) }
                    if boundary.contains(link.id) { parents.removeAll() }
                    found.append(link.id, parents: parents, raw: kept)
                    link.parents = parents
                    run!.append(link)
                }
                if found.ids.count >= warmUp, let start = started {
                    started = nil
                    start()
                }
            }
            lists.withLock { $0.append(found) }
        }
        return frontier.error == nil ? lists.withLock { $0 } : nil
    }

    /// The graph a walk from `tips` reads in and each commit's count of
    /// children: git's commit-graph, or, where git wrote none (or ignores
    /// it: a shallow clone), one built from the commits' headers, with the
    /// commits kept from that reading. Nil for all only when a commit cannot
    /// be read (the walk says which).
    fileprivate func topologicalOrder(from tips: [ObjectID], boundary: Set<ObjectID>,
                                      readers: Int) -> (CommitGraph?, ChildCounts?, KeptCommits?) {
        if boundary.isEmpty, let graph = commitGraph, let counts = ChildCounts(from: tips, graph: graph, in: self) {
            return (graph, counts, nil)
        }
        guard let built = CommitGraph.built(reachableFrom: tips, in: self, boundary: boundary, readers: readers,
                                            keeping: Self.keptCommitBytes),
              let counts = ChildCounts(from: tips, graph: built.graph, in: self) else { return (nil, nil, nil) }
        return (built.graph, counts, built.kept)
    }

    /// How much of the raw commits read to build a graph is kept for the walk
    /// that follows (the rest are inflated again).
    nonisolated(unsafe) static var keptCommitBytes = 64 << 20
}

/// Commits and their parents, as one reader read them, and the raw objects it kept.
struct ParentLists {
    private(set) var ids: [ObjectID] = []
    /// How many parents each commit has: its parents follow the previous commits' in `parents`.
    private(set) var counts: [UInt32] = []
    private(set) var parents: [ObjectID] = []
    /// Where each commit's raw object is in `raw` (empty: not kept).
    private(set) var spans: [Range<Int>] = []
    private(set) var raw: [UInt8] = []
    /// Larger objects are read again (a kept span's length has 16 bits).
    static let largestKept = 0xFFFF

    mutating func keep(_ object: UnsafeRawBufferPointer) -> Range<Int> {
        let start = raw.count
        raw.append(contentsOf: object)
        return start..<raw.count
    }

    /// Keeps only what `KeptCommits` needs.
    mutating func forgetParents() {
        ids = []
        counts = []
        parents = []
    }

    mutating func append(_ id: ObjectID, parents more: [ObjectID], raw span: Range<Int>?) {
        ids.append(id)
        counts.append(UInt32(more.count))
        parents += more
        spans.append(span ?? 0..<0)
    }
}

/// The commits a parallel walk has still to read, and those it has met.
///
/// With a commit-graph, a commit is read only after all its children have
/// been (a topological order, as `git log --topo-order`): each waits until
/// its count of children, taken from the graph before the walk, runs out. A
/// merge is then read before every commit it brought in, even one also
/// reachable another way. Without one — reading the parents to build one
/// (`parentLists`), or a history with a commit no reader can read, which
/// the walk then reports — a commit is read once any child has.
private final class Frontier: @unchecked Sendable {
    /// A commit to read: its place in the commit-graph (-1 when not there),
    /// whether its first parent was taken with it, and, once read, its parents.
    struct Link {
        let id: ObjectID
        let position: Int32
        var firstParentTaken = false
        var parents: [ObjectID] = []
    }

    private let condition = NSCondition()
    private let graph: CommitGraph?
    private var pending: [Link] = []
    /// Without a commit-graph: the commits met so far.
    private var seen = Set<ObjectID>(minimumCapacity: 4096)
    /// With one: the children of each commit not yet read (or taken with it, for a first parent).
    private var counts: ChildCounts?
    private var positions: [Int32] = []
    /// Readers holding a commit whose parents are not in `pending` yet: while
    /// one does, an empty frontier may still grow.
    private var busy = 0
    /// Set under the lock, and read without it too: a reader in the middle
    /// of a run looks between its commits.
    private let stopped = Atomic<Bool>(false)
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
    private(set) var error: (any Error)?

    init(tips: [ObjectID], graph: CommitGraph?, counts: ChildCounts?) {
        self.graph = graph
        self.counts = counts
        for tip in tips where seen.insert(tip).inserted {
            let link = Link(id: tip, position: graph?.position(of: tip) ?? -1)
            // A tip another tip reaches waits for its children like any commit.
            if counts?.left(link) ?? 0 == 0 { pending.append(link) }
        }
    }

    /// Commits a reader takes at once when the commit-graph knows their parents.
    static let chainLength = 64

    /// Hands in the commits the reader read last (nil on its first call),
    /// and puts the next commits to read in `chain`: false when none is left
    /// for anyone, or the walk stopped.
    ///
    /// Without a commit-graph that is one commit, whose parents are known
    /// once it is read. With one, it is a run of first parents (up to
    /// `chainLength`, each the last of its children to be taken), the first
    /// parent of the run's last commit put out for the other reader at once:
    /// on a straight line of history the readers then read alternate runs
    /// side by side instead of passing one commit to and fro.
    ///
    /// A merge's other parents are put out only when the reader hands in
    /// its run, after `body` has seen the merge: a commit that a merge
    /// brought in is read after that merge (a scan gives it the evidence of
    /// an AI tool's branch as it reads it).
    func next(finishing run: [Link]?, into chain: inout [Link]) -> Bool {
        chain.removeAll(keepingCapacity: true)
        condition.lock()
        defer { condition.unlock() }
        if let run {
            busy -= 1
            for link in run { putOutParents(of: link) }
        }
        // A waiting reader wakes when there is work for it, or none for anyone.
        defer { if !pending.isEmpty || busy == 0 { condition.broadcast() } }
        while true {
            if isStopped { return false }
            if let link = pending.popLast() {
                busy += 1
                chain.append(link)
                extend(&chain)
                return true
            }
            if busy == 0 {
                return false
            }
            condition.wait()
        }
    }

    /// The parents of a commit read, those not taken with it, that are now to be read.
    private func putOutParents(of link: Link) {
        // Most commits have one parent, taken with them already.
        if link.firstParentTaken && link.parents.count < 2 { return }
        guard let graph, counts != nil, link.position >= 0, graph.parentPositions(at: link.position, into: &positions) else {
            // Reversed, so that the first parent is read next (depth first, as git does).
            for parent in link.parents.dropFirst(link.firstParentTaken ? 1 : 0).reversed() {
                let next = Link(id: parent, position: graph?.position(of: parent) ?? -1)
                if isReady(next) { pending.append(next) }
            }
            return
        }
        for position in positions.dropFirst(link.firstParentTaken ? 1 : 0).reversed() {
            guard let id = graph.id(at: position) else { continue }
            let next = Link(id: id, position: position)
            if isReady(next) { pending.append(next) }
        }
    }

    /// Adds the first parents the graph knows to a one-commit `chain`, while
    /// each is ready; the first that would make it too long goes to `pending`.
    private func extend(_ chain: inout [Link]) {
        guard let graph else { return }
        while true {
            let last = chain[chain.count - 1]
            guard last.position >= 0, let position = firstParent(at: last.position, graph: graph),
                  let id = graph.id(at: position) else { return }
            chain[chain.count - 1].firstParentTaken = true
            let first = Link(id: id, position: position)
            guard isReady(first) else { return }
            guard chain.count < Self.chainLength else { return pending.append(first) }
            chain.append(first)
        }
    }

    /// The first parent of the commit at `position`: as counted, or from the graph.
    private func firstParent(at position: Int32, graph: CommitGraph) -> Int32? {
        if let counts { return counts.firstParent(at: position) }
        return graph.parentPositions(at: position, into: &positions) ? positions.first : nil
    }

    /// Notes that a child of `link` was read (or taken): true when it is now to be read.
    private func isReady(_ link: Link) -> Bool {
        guard counts != nil else { return seen.insert(link.id).inserted }
        return counts!.release(link)
    }

    func stop(_ error: (any Error)?) {
        condition.lock()
        if !isStopped {
            stopped.store(true, ordering: .relaxed)
            self.error = error
        }
        condition.broadcast()
        condition.unlock()
    }
}

/// How many children each commit a walk reaches has among the commits it
/// reaches, counted through the commit-graph by position (no id is hashed
/// or searched for) before the walk; a commit written after the graph is
/// read for its parents. Nil when the graph is damaged somewhere the walk goes.
private struct ChildCounts {
    private var byPosition: [Int32]
    private var byID: [ObjectID: Int32] = [:]
    /// Each counted commit's first parent (-1: none), so that a run is extended without the graph.
    private var firstParents: [Int32]

    init?(from tips: [ObjectID], graph: CommitGraph, in repository: Repository) {
        byPosition = Array(repeating: 0, count: graph.count)
        firstParents = Array(repeating: -1, count: graph.count)
        var visited = [Bool](repeating: false, count: graph.count)
        var seenIDs = Set<ObjectID>()
        var positions: [Int32] = [], ids: [ObjectID] = []
        func reach(_ position: Int32) {
            if !visited[Int(position)] { visited[Int(position)] = true; positions.append(position) }
        }
        func reach(_ id: ObjectID) {
            if let position = graph.position(of: id) { return reach(position) }
            if seenIDs.insert(id).inserted { ids.append(id) }
        }
        for tip in tips { reach(tip) }
        var parents: [Int32] = []
        while true {
            if let position = positions.popLast() {
                guard graph.parentPositions(at: position, into: &parents) else { return nil }
                if let first = parents.first { firstParents[Int(position)] = first }
                for parent in parents where Int(parent) < byPosition.count {
                    byPosition[Int(parent)] += 1
                    reach(parent)
                }
            } else if let id = ids.popLast() {
                // Not in the graph: its parents are read (a commit that cannot be read has none; the walk says why).
                for parent in (try? repository.commit(id).parents) ?? [] {
                    if let position = graph.position(of: parent) {
                        byPosition[Int(position)] += 1
                        reach(position)
                    } else {
                        byID[parent, default: 0] += 1
                        if seenIDs.insert(parent).inserted { ids.append(parent) }
                    }
                }
            } else {
                return
            }
        }
    }

    /// The first parent of the commit at `position`, a commit the count reached.
    func firstParent(at position: Int32) -> Int32? {
        let first = firstParents[Int(position)]
        return first >= 0 ? first : nil
    }

    /// The children of `link` not yet read.
    func left(_ link: Frontier.Link) -> Int32 {
        link.position >= 0 ? byPosition[Int(link.position)] : byID[link.id] ?? 0
    }

    /// One child of `link` read: true when that was the last.
    mutating func release(_ link: Frontier.Link) -> Bool {
        if link.position >= 0 {
            byPosition[Int(link.position)] -= 1
            return byPosition[Int(link.position)] == 0
        }
        guard let index = byID.index(forKey: link.id) else { return false }
        byID.values[index] -= 1
        return byID.values[index] == 0
    }
}
