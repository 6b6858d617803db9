import Attribution
import Foundation
import GitHistory
import Synchronization

/// The merges of AI tools' branches a scan has met, and the commits each
/// brought in (reachable from a merged side, not from the mainline): shared
/// by the reading threads, so that a commit read after its merge — as the
/// walks read them — is attributed with the branch's evidence the first time.
final class BranchEvidenceBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var brought: [ObjectID: [Evidence]] = [:]
    /// Read without the lock on every commit: most histories have no such merge.
    private let isEmpty = Atomic<Bool>(true)

    /// At most this many commits per merge are looked for (as git's own
    /// walks of a huge side branch would be cut short).
    static let limit = 10_000

    /// Notes a merge of an AI tool's branch, read with `handle` (the reading
    /// thread's): the commits it brought in get `evidence`.
    func register(merge commit: Commit, evidence: Evidence, reading handle: Repository) throws {
        guard commit.parents.count >= 2 else { return }
        var commits: [ObjectID] = []
        for side in commit.parents.dropFirst() {
            try handle.walk(from: [side], hiding: [commit.parents[0]]) { found in
                if !found.isMerge { commits.append(found.id) }
                return commits.count < Self.limit
            }
        }
        lock.withLock {
            for id in commits { brought[id, default: []].append(evidence) }
            if !commits.isEmpty { isEmpty.store(false, ordering: .releasing) }
        }
    }

    /// The branch evidence known for `id` so far.
    func evidence(for id: ObjectID) -> [Evidence] {
        if isEmpty.load(ordering: .acquiring) { return [] }
        return lock.withLock { brought[id] ?? [] }
    }

    /// Every commit with branch evidence, once the walk is over.
    var all: [ObjectID: [Evidence]] { lock.withLock { brought } }
}
