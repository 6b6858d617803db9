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
        let frontier = Frontier(tips: tips)
        let boundary = shallowBoundary
        // git ignores the commit-graph in a shallow clone, and so does this walk.
        let graph = boundary.isEmpty ? commitGraph : nil
        let gitDirectory = self.gitDirectory
        nonisolated(unsafe) let first = self
        // One mapping of the packs for all readers, each with its own inflater.
        let packFiles = packedObjects?.files
        let finished = DispatchGroup()

        @Sendable func read(_ repository: Repository, reader: Int, started: (() -> Void)?) {
            var count = 0
            var started = started
            var parents: [ObjectID]? = nil
            var chain: [ObjectID] = []
            chain.reserveCapacity(Frontier.chainLength)
            while frontier.next(finishing: parents, graph: graph, into: &chain) {
                parents = []
                for id in chain {
                    do {
                        var commit = try repository.commit(id)
                        if boundary.contains(id) { commit.parents = [] }
                        // Handed in once `body` is done with the run (see Frontier.next).
                        parents! += commit.parents
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

        let startOthers: (() -> Void)? = readers < 2 ? nil : {
            for reader in 1..<readers {
                finished.enter()
                let thread = Thread {
                    defer { finished.leave() }
                    // A reader that cannot open its handle leaves the work to the others.
                    guard let handle = try? Repository(at: gitDirectory) else { return }
                    if let packFiles { handle.packedObjects = PackedObjects(files: packFiles) }
                    read(handle, reader: reader, started: nil)
                }
                thread.name = "census-read-\(reader)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
        read(first, reader: 0, started: startOthers)
        finished.wait()
        if let error = frontier.error { throw error }
    }
}

/// The commits a parallel walk has still to read, and those it has met.
private final class Frontier: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [ObjectID] = []
    private var seen = Set<ObjectID>(minimumCapacity: 4096)
    /// Readers holding a commit whose parents are not in `pending` yet: while
    /// one does, an empty frontier may still grow.
    private var busy = 0
    /// Set under the lock, and read without it too: a reader in the middle
    /// of a run looks between its commits.
    private let stopped = Atomic<Bool>(false)
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
    private(set) var error: (any Error)?

    init(tips: [ObjectID]) {
        for tip in tips where seen.insert(tip).inserted { pending.append(tip) }
    }

    /// Commits a reader takes at once when the commit-graph knows their parents.
    static let chainLength = 64

    /// Hands in the parents of the commit the reader took last (nil on its
    /// first call), and puts the next commits to read in `chain`: false when
    /// none is left for anyone, or the walk stopped.
    ///
    /// Without a commit-graph that is one commit, whose parents are known
    /// once it is read. With one, it is a run of first parents the graph
    /// already knows (up to `chainLength`), the first parent of the run's
    /// last commit put out for the other reader at once: on a straight line
    /// of history the readers then read alternate runs side by side instead
    /// of passing one commit to and fro.
    ///
    /// A merge's other parents are put out only when the reader hands in
    /// the parents of its run, after `body` has seen the merge: a commit that
    /// only a merge brought in is then read after that merge (a scan gives it
    /// the evidence of an AI tool's branch as it reads it).
    func next(finishing parents: [ObjectID]?, graph: CommitGraph?, into chain: inout [ObjectID]) -> Bool {
        chain.removeAll(keepingCapacity: true)
        condition.lock()
        defer { condition.unlock() }
        if let parents {
            busy -= 1
            // Reversed, so that the first parent is read next (depth first, as git does).
            for parent in parents.reversed() where seen.insert(parent).inserted { pending.append(parent) }
        }
        // A waiting reader wakes when there is work for it, or none for anyone.
        defer { if !pending.isEmpty || busy == 0 { condition.broadcast() } }
        while true {
            if isStopped { return false }
            if let id = pending.popLast() {
                busy += 1
                chain.append(id)
                guard let graph else { return true }
                var current = id
                while let known = graph.parents(of: current) {
                    var firstParent: ObjectID?
                    if let first = known.first, seen.insert(first).inserted {
                        if chain.count < Self.chainLength { firstParent = first } else { pending.append(first) }
                    }
                    guard let next = firstParent else { break }
                    chain.append(next)
                    current = next
                }
                return true
            }
            if busy == 0 {
                return false
            }
            condition.wait()
        }
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
