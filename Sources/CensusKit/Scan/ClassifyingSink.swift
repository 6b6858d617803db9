import Attribution
import CensusStore
import GitHistory

/// The attributing stage as one thread runs it: each commit read becomes a
/// verdict (through `Attributor`, with the branch evidence known for it) and
/// a row, gathered until a batch goes to the writing stage through `writes`.
///
/// Each thread has its own sink (its own mailmap and identity cache), so
/// attributing takes no lock.
final class ClassifyingSink: @unchecked Sendable {
    struct Context: @unchecked Sendable {
        var classifier: Classifier
        var repositoryID: Int64
        /// Commits of the repository stored before this scan.
        var stored: Set<String>
        var catalogueChanged: Bool
        var batchSize: Int
        /// New rows are visible at once: a first scan, whose repository stays
        /// out of every report until the scan completes.
        var insertVisible: Bool
        /// Keep the sha of every commit consumed (what a walk shows, or finds reachable).
        var keepWalked: Bool
        var writes: BoundedPipe<Write>
        /// The AI branches' merges met so far, and the commits they brought in.
        var branches: BranchEvidenceBoard
        /// What the AI tools' session logs say their agents committed (`SessionEvidence`).
        var sessions: [ObjectID: [Evidence]] = [:]
        /// The repository's Entire checkpoints, when it keeps any.
        var checkpoints: EntireCheckpoints?
        /// Stored commits attributed again because their Entire checkpoints arrived.
        var checkpointed: Set<ObjectID> = []
    }

    /// What a sink hands to the storing thread.
    enum Write {
        case insert(EncodedCommits)
        case replaceVerdicts([(sha: String, verdict: Verdict)])
    }

    /// Rows a sink gathers before handing them over: a quarter of a
    /// transaction, so that little is left to store once the readers are
    /// done (the storing thread joins whatever is waiting into one transaction).
    private var handOff: Int { Self.handOff(batchSize: context.batchSize) }

    /// Rows a sink hands over at once for a given transaction size.
    static func handOff(batchSize: Int) -> Int { max(1, batchSize / 4) }

    private let context: Context
    private let attributor: Attributor
    /// New commits, encoded here so that the storing thread only binds them.
    private var batch = EncodedCommits()
    private var reclassified: [(sha: String, verdict: Verdict)] = []
    /// Commits attributed with branch evidence, and how many pieces they got.
    private(set) var branchAttributed: [ObjectID: Int] = [:]
    private(set) var newCommits = 0
    private(set) var reclassifiedCount = 0
    /// Every commit consumed, when the context asks for them.
    private(set) var walked: [String] = []
    /// Commits with a signature git shows empty, and why: named in a notice.
    private(set) var malformed: [(sha: String, problem: String)] = []

    init(_ context: Context, mailmap: Mailmap) {
        self.context = context
        attributor = Attributor(classifier: context.classifier, mailmap: mailmap, checkpoints: context.checkpoints)
        batch.reserve(handOff)
    }

    func consume(_ commit: Commit, sha: String, notes: [String: String]) {
        var commit = commit
        if let problem = commit.malformed {
            malformed.append((sha, problem))
            commit.dateUnreadableSignature()
        }
        if context.keepWalked { walked.append(sha) }
        let stored = !context.stored.isEmpty && context.stored.contains(sha)
        let sessions = context.sessions.isEmpty ? [] : context.sessions[commit.id] ?? []
        // A stored verdict stands unless its inputs changed: the rules, notes, session logs or checkpoints that arrived.
        if stored && !context.catalogueChanged && notes.isEmpty && sessions.isEmpty
            && (context.checkpointed.isEmpty || !context.checkpointed.contains(commit.id)) { return }
        let parsed = ParsedMessage(commit.message)
        let branches = context.branches.evidence(for: commit.id)
        if !branches.isEmpty { branchAttributed[commit.id] = branches.count }
        let verdict = attributor.verdict(for: commit, parsed: parsed, notes: notes, branches: branches, sessions: sessions)
        if stored {
            reclassified.append((sha, verdict))
            if reclassified.count >= handOff { flush(force: false) }
            return
        }
        let identity = attributor.author(of: commit)
        batch.append(
            repositoryId: context.repositoryID, sha: sha, verdict: verdict,
            authorName: identity.name, authorEmail: identity.email,
            authoredAt: commit.author.time, authorOffset: commit.author.offsetMinutes,
            committerName: commit.committer.name, committerEmail: commit.committer.email,
            committedAt: commit.committer.time, committerOffset: commit.committer.offsetMinutes,
            subject: parsed.subject.utf8.count <= 500 ? parsed.subject : String(parsed.subject.prefix(500)),
            parentCount: commit.parents.count,
            reachable: context.insertVisible)
        if batch.count >= handOff || batch.isFull { flush(force: false) }
    }

    /// Hands what is gathered to the store: full batches, or everything with `force`.
    func flush(force: Bool) {
        if !batch.isEmpty && (force || batch.count >= handOff || batch.isFull) {
            newCommits += batch.count
            context.writes.push(.insert(batch))
            batch = EncodedCommits()
            batch.reserve(handOff)
        }
        if !reclassified.isEmpty && (force || reclassified.count >= handOff) {
            reclassifiedCount += reclassified.count
            context.writes.push(.replaceVerdicts(reclassified))
            reclassified.removeAll(keepingCapacity: true)
        }
    }
}

extension Commit {
    /// A signature git could not read shows no date; a report still needs
    /// one, and the other signature's is the nearest truth (not 1970).
    mutating func dateUnreadableSignature() {
        if unreadableSignatures.contains(.author) {
            author.time = committer.time
            author.offsetMinutes = committer.offsetMinutes
        } else if unreadableSignatures.contains(.committer) {
            committer.time = author.time
            committer.offsetMinutes = author.offsetMinutes
        }
    }
}
