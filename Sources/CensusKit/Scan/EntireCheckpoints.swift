import Attribution
import Foundation
import GitHistory

/// The Entire checkpoints a repository keeps (see `EntireCheckpoint`), looked
/// up by id as the attributing stage meets `Entire-Checkpoint` trailers —
/// which few commits carry — and remembered.
///
/// The attributing threads share it: it reads through a handle of its own,
/// under a lock.
final class EntireCheckpoints: @unchecked Sendable {
    private let repository: Repository
    private let classifier: Classifier
    /// Tips of the git-branch store present (local first, then origin's copy).
    private let branchTips: [ObjectID]
    private let hasRefs: Bool
    private let lock = NSLock()
    private var known: [String: [Evidence]] = [:]

    /// Nil when the repository keeps no checkpoint: no `entire/checkpoints/v1`
    /// branch and no `refs/entire/checkpoints/*` ref.
    init?(_ repository: Repository, classifier: Classifier) {
        let tips = EntireCheckpoint.branches.compactMap { repository.referenceTip($0) }
        let hasRefs = repository.hasReference(matching: "refs/entire/checkpoints/*")
        guard !tips.isEmpty || hasRefs, let own = try? Repository(at: repository.gitDirectory) else { return nil }
        self.repository = own
        self.classifier = classifier
        branchTips = tips
        self.hasRefs = hasRefs
    }

    /// The state of the repository's checkpoint stores: the branches' tips
    /// and every checkpoint ref, as one digest; empty when there is none. A
    /// change means checkpoints arrived (fetched after their commits).
    static func fingerprint(_ repository: Repository) -> String {
        var state = EntireCheckpoint.branches.compactMap { ref in repository.referenceTip(ref).map { "\(ref)=\($0.hex)" } }
        state += repository.references(matching: "refs/entire/checkpoints/*").map { "\($0.name)=\($0.target.hex)" }
        guard !state.isEmpty else { return "" }
        return "entire=" + String(StableHash.fnv1a(state.joined(separator: "\n").utf8), radix: 16)
    }

    /// What checkpoint `id` says; empty when the repository does not have it.
    func evidence(for id: String) -> [Evidence] {
        lock.withLock {
            if let found = known[id] { return found }
            let found = documents(of: id).map { EntireCheckpoint.evidence(id: id, agents: EntireCheckpoint.agents(in: $0), classifier: classifier) } ?? []
            known[id] = found
            return found
        }
    }

    /// The metadata documents of checkpoint `id`: from its ref, else from the
    /// first branch that has its folder; nil when neither does.
    private func documents(of id: String) -> [[UInt8]]? {
        if hasRefs, let tip = repository.referenceTip(EntireCheckpoint.refName(of: id)) {
            let found = read(EntireCheckpoint.metadataFiles, in: tip)
            if !found.isEmpty { return found }
        }
        let folder = EntireCheckpoint.branchFolder(of: id)
        for tip in branchTips {
            let found = read(EntireCheckpoint.metadataFiles.map { folder + $0 }, in: tip)
            if !found.isEmpty { return found }
        }
        return nil
    }

    /// The files of `paths` that commit `tip`'s tree has (small ones only: metadata, not transcripts).
    private func read(_ paths: [String], in tip: ObjectID) -> [[UInt8]] {
        paths.compactMap { try? repository.file(at: $0, in: tip, limit: 1 << 20) }
    }
}
