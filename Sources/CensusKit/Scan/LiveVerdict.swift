import Attribution
import Foundation
import GitHistory

/// A commit's verdict derived now, from the repository, by the scan's
/// attributing stage (`Attributor`): the same facts, its notes, its
/// `.mailmap` person, the evidence of an AI tool's branch whose merge
/// brought it in, the Agent Trace records HEAD holds and the Entire
/// checkpoint its trailer names. `census explain`
/// uses it for a commit that is not in the store, so it never tells another
/// story than the scan would.
public struct LiveVerdict {
    public var commit: Commit
    public var verdict: Verdict
    /// Where the repository is filed (see `HistoryScanner.location(of:)`).
    public var location: String

    /// Finds `revision` (an id or a unique prefix) in the repository at
    /// `path` (a folder inside a work tree is fine) and derives its verdict.
    public static func derive(_ revision: String, inRepositoryAt path: String, classifier: Classifier) throws -> LiveVerdict {
        var repository = try Repository(at: path, searchParents: true)
        if repository.isLinkedWorktree { repository = try Repository(at: repository.commonDirectory) }
        let id = try repository.resolve(revision)
        let commit = try repository.commit(id)
        // The history a scan reads: HEAD's, or the branch a scan falls back to.
        let head = try repository.head() ?? repository.fallbackBranch()?.tip
        let notes = ScanNotes(repository, refs: classifier.catalogue.notesRefs, head: head)
        let branches = commit.isMerge ? [] : try head.map { try branchEvidence(bringing: id, from: $0, in: repository, classifier: classifier) } ?? []
        let traced = head.map { HistoryScanner.agentTraces(repository, head: $0, classifier: classifier)[id] ?? [] } ?? []
        let verdict = Attributor(classifier: classifier, mailmap: Mailmap(for: repository),
                                 checkpoints: EntireCheckpoints(repository, classifier: classifier))
            .verdict(for: commit, parsed: ParsedMessage(commit.message),
                     notes: ScanNotes.notes(of: id, in: try notes.index(), reading: repository), branches: branches, sessions: traced)
        return LiveVerdict(commit: commit, verdict: verdict, location: HistoryScanner.location(of: repository))
    }

    /// The branch evidence of every merge in the history from `head` that
    /// brought `id` in: reachable from a merged side and not from the
    /// mainline, as the scan's branch pass finds it.
    static func branchEvidence(bringing id: ObjectID, from head: ObjectID, in repository: Repository, classifier: Classifier) throws -> [Evidence] {
        func reaches(_ tip: ObjectID) -> Bool { tip == id || repository.isDescendant(tip, of: id) }
        var found: [Evidence] = []
        try repository.walk(from: [head]) { commit in
            if let evidence = Attributor.branchEvidence(ofMerge: commit, classifier: classifier), !reaches(commit.parents[0]), commit.parents.dropFirst().contains(where: reaches) {
                found.append(evidence)
            }
            return true
        }
        return found
    }
}
