import Attribution
import Foundation
import GitHistory

/// The reading stage of a scan: walks the history a `ScanPlan` names and
/// hands each commit, with its notes, to the attributing stage. It also
/// notes the merges of AI tools' branches on the `BranchEvidenceBoard`
/// before the commits they brought in are read — all of them before the
/// walk when the commit-graph lists the merges, else as the walks read them
/// (a merge first) — because finding what a merge brought in needs the repository.
enum HistoryReading {
    /// A full walk (a first scan, rewritten history, a catalogue change):
    /// two readers, each attributing what it reads with a sink of its own.
    static func readAll(_ repository: Repository, plan: ScanPlan, context: ClassifyingSink.Context,
                        failure: FirstError) throws -> [ClassifyingSink] {
        // Which commits have notes is known before the walk; each reader reads the notes themselves.
        let notesByRef = try plan.notes.index()
        let readers = ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        let sinks = (0..<readers).map { _ in ClassifyingSink(context, mailmap: Mailmap(for: repository)) }
        let classifier = context.classifier
        defer { sinks.forEach { $0.flush(force: true) } }
        let branchesKnown = try noteBranchesFirst(repository, head: plan.head, classifier: classifier, board: context.branches)
        try repository.walkInParallel(from: [plan.head], readers: readers) { commit, handle, reader in
            if failure.value != nil { return false }
            if !branchesKnown { try noteBranch(commit, classifier: classifier, board: context.branches, handle: handle) }
            let sha = commit.id.hex
            let notes = plan.needsNotes(sha) ? ScanNotes.notes(of: commit.id, in: notesByRef, reading: handle) : [:]
            sinks[reader].consume(commit, sha: sha, notes: notes)
            return true
        }
        return sinks
    }

    /// An incremental walk (HEAD moved ahead of the last scan's): short, so
    /// this thread reads through libgit2 (the repository handle stays on it)
    /// and one more attributes.
    static func readNew(_ repository: Repository, plan: ScanPlan, context: ClassifyingSink.Context,
                        failure: FirstError) throws -> [ClassifyingSink] {
        let chunkSize = 512
        let commitsPipe = BoundedPipe<[(Commit, String, [String: String])]>(capacity: 8)
        let sink = ClassifyingSink(context, mailmap: Mailmap(for: repository))
        let attributing = Stage("census-classify") {
            while let chunk = commitsPipe.pop() {
                for (commit, sha, notes) in chunk { sink.consume(commit, sha: sha, notes: notes) }
            }
            sink.flush(force: true)
        }
        defer {
            commitsPipe.close()
            attributing.join()
        }
        var chunk: [(Commit, String, [String: String])] = []
        chunk.reserveCapacity(chunkSize)
        let notesByRef = try plan.notes.index()
        try repository.walk(from: [plan.head], hiding: plan.previousHead.map { [$0] } ?? []) { commit in
            if failure.value != nil { return false }
            try noteBranch(commit, classifier: context.classifier, board: context.branches, handle: repository)
            let sha = commit.id.hex
            let notes = plan.needsNotes(sha) ? ScanNotes.notes(of: commit.id, in: notesByRef, reading: repository) : [:]
            chunk.append((commit, sha, notes))
            if chunk.count >= chunkSize {
                guard commitsPipe.push(chunk) else { return false }
                chunk.removeAll(keepingCapacity: true)
            }
            return true
        }
        if !chunk.isEmpty { commitsPipe.push(chunk) }
        return [sink]
    }

    /// Every merge of an AI tool's branch that HEAD reaches goes on the board
    /// before any commit is read, when the commit-graph lists the merges
    /// without reading the history: the readers then never meet a commit
    /// before the merge that brought it in (which two readers could, for a
    /// commit also reachable another way). False without a commit-graph: the
    /// walk notes merges as it reads them.
    private static func noteBranchesFirst(_ repository: Repository, head: ObjectID, classifier: Classifier,
                                          board: BranchEvidenceBoard) throws -> Bool {
        guard let merges = repository.reachableMerges(from: head) else { return false }
        for id in merges { try noteBranch(repository.commit(id), classifier: classifier, board: board, handle: repository) }
        return true
    }

    /// A merge of an AI tool's branch goes on the board, with the commits it brought in.
    private static func noteBranch(_ commit: Commit, classifier: Classifier, board: BranchEvidenceBoard,
                                   handle: Repository) throws {
        guard let evidence = Attributor.branchEvidence(ofMerge: commit, classifier: classifier) else { return }
        try board.register(merge: commit, evidence: evidence, reading: handle)
    }
}
