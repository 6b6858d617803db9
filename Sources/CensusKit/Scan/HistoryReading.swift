import Attribution
import Foundation
import GitHistory

/// The reading stage of a scan: walks the history a `ScanPlan` names and
/// hands each commit, with its notes, to the attributing stage. It also
/// notes the merges of AI tools' branches on the `BranchEvidenceBoard` as
/// it reads them, because finding what a merge brought in needs the
/// repository. Both walks read a merge before the commits it brought in
/// (children before parents: both are topological — the full one through
/// git's commit-graph, or one built in memory where git wrote none), so a
/// verdict is stored once, with all its evidence.
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
        try repository.walkInParallel(from: [plan.head], readers: readers) { commit, handle, reader in
            if failure.value != nil { return false }
            try noteBranch(commit, classifier: classifier, board: context.branches, handle: handle)
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

    /// A merge of an AI tool's branch goes on the board, with the commits it brought in.
    private static func noteBranch(_ commit: Commit, classifier: Classifier, board: BranchEvidenceBoard,
                                   handle: Repository) throws {
        guard let evidence = Attributor.branchEvidence(ofMerge: commit, classifier: classifier) else { return }
        try board.register(merge: commit, evidence: evidence, reading: handle)
    }
}
