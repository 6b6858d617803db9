import Attribution
import CensusStore
import GitHistory

/// What one classifying thread of a scan keeps: the verdicts it has made and
/// not yet handed to the store, and what it counted.
///
/// Each thread has its own sink (and its own mailmap cache), so classifying
/// takes no lock; a full batch goes to the storing thread through `writes`.
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
    }

    /// What a sink hands to the storing thread.
    enum Write {
        case insert(EncodedCommits)
        case replaceVerdicts([(sha: String, verdict: Verdict)])
    }

    /// Rows a sink gathers before handing them over: a quarter of a
    /// transaction, so that little is left to store once the readers are
    /// done (the storing thread joins whatever is waiting into one transaction).
    private var handOff: Int { max(1, context.batchSize / 4) }

    private let context: Context
    private let mailmap: Mailmap
    private let identities = IdentityCache()
    /// New commits, encoded here so that the storing thread only binds them.
    private var batch = EncodedCommits()
    private var reclassified: [(sha: String, verdict: Verdict)] = []
    private(set) var merges: [(parents: [ObjectID], evidence: Evidence)] = []
    private(set) var newCommits = 0
    private(set) var reclassifiedCount = 0
    /// Every commit consumed, when the context asks for them.
    private(set) var walked: [String] = []
    /// Commits with a signature git shows empty, and why: named in a notice.
    private(set) var malformed: [(sha: String, problem: String)] = []

    init(_ context: Context, mailmap: Mailmap) {
        self.context = context
        self.mailmap = mailmap
        batch.reserve(handOff)
    }

    func consume(_ commit: Commit, sha: String, notes: [String: String]) {
        var commit = commit
        if let problem = commit.malformed {
            malformed.append((sha, problem))
            commit.dateUnreadableSignature()
        }
        let classifier = context.classifier
        if context.keepWalked { walked.append(sha) }
        let parsed = ParsedMessage(commit.message)
        if commit.isMerge, let evidence = classifier.branchEvidence(forMergeSubject: parsed.subject) {
            merges.append((commit.parents, evidence))
        }
        if !context.stored.isEmpty && context.stored.contains(sha) {
            if context.catalogueChanged || !notes.isEmpty {
                reclassified.append((sha, HistoryScanner.derive(commit, parsed: parsed, notes: notes, classifier: classifier, mailmap: mailmap, identities: identities)))
                if reclassified.count >= handOff { flush(force: false) }
            }
            return
        }
        let verdict = HistoryScanner.derive(commit, parsed: parsed, notes: notes, classifier: classifier, mailmap: mailmap, identities: identities)
        let identity = mailmap.resolve(name: commit.author.name, email: commit.author.email)
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
