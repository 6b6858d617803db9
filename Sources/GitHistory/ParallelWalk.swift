import Foundation

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
            while let id = frontier.next(finishing: parents) {
                // Parents known before reading: the other reader can go on at once.
                if let early = graph?.parents(of: id) { frontier.offer(early) }
                do {
                    var commit = try repository.commit(id)
                    if boundary.contains(id) { commit.parents = [] }
                    parents = commit.parents
                    if try !body(commit, repository, reader) { frontier.stop(nil) }
                } catch {
                    frontier.stop(error)
                }
                count += 1
                if count == warmUp, let start = started {
                    started = nil
                    start()
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
    private var stopped = false
    private(set) var error: (any Error)?

    init(tips: [ObjectID]) {
        for tip in tips where seen.insert(tip).inserted { pending.append(tip) }
    }

    /// Hands in the parents of the commit the reader took last (nil on its
    /// first call), and takes the next commit: nil when none is left for
    /// anyone, or the walk stopped.
    func next(finishing parents: [ObjectID]?) -> ObjectID? {
        condition.lock()
        defer { condition.unlock() }
        if let parents {
            busy -= 1
            let before = pending.count
            // Reversed, so that the first parent is read next (depth first, as git does).
            for parent in parents.reversed() where seen.insert(parent).inserted { pending.append(parent) }
            if pending.count > before + 1 || busy == 0 { condition.broadcast() }
        }
        while true {
            if stopped { return nil }
            if let id = pending.popLast() {
                busy += 1
                return id
            }
            if busy == 0 {
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
    }

    /// Adds parents learnt before their child was read (see `CommitGraph`).
    func offer(_ parents: [ObjectID]) {
        condition.lock()
        defer { condition.unlock() }
        let before = pending.count
        for parent in parents.reversed() where seen.insert(parent).inserted { pending.append(parent) }
        if pending.count > before { condition.broadcast() }
    }

    func stop(_ error: (any Error)?) {
        condition.lock()
        if !stopped {
            stopped = true
            self.error = error
        }
        condition.broadcast()
        condition.unlock()
    }
}
