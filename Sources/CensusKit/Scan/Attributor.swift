import Attribution
import GitHistory

/// The attributing stage of a scan: the one place that turns a commit, its
/// notes, the repository's `.mailmap`, the AI branches whose merges brought
/// it in, the AI tools' session logs that claim it and the Entire checkpoint
/// its trailer names into a verdict. Pure given those inputs: the scan and
/// `census explain` both call it, so they cannot disagree.
///
/// One per thread: the mailmap and the identity cache are not shared.
struct Attributor {
    let classifier: Classifier
    let mailmap: Mailmap
    /// The repository's Entire checkpoints, when it keeps any.
    let checkpoints: EntireCheckpoints?
    private let identities = IdentityCache()

    init(classifier: Classifier, mailmap: Mailmap, checkpoints: EntireCheckpoints? = nil) {
        self.classifier = classifier
        self.mailmap = mailmap
        self.checkpoints = checkpoints
    }

    /// The verdict for `commit`, its person folded by .mailmap, with the
    /// evidence of each AI branch that brought it in.
    func verdict(for commit: Commit, parsed: ParsedMessage, notes: [String: String],
                 branches: [Evidence] = [], sessions: [Evidence] = []) -> Verdict {
        var verdict = classifier.classify(Self.facts(commit, notes: notes), parsed: parsed, cache: identities)
        if let person = verdict.person {
            let resolved = mailmap.resolve(name: person.name, email: person.email)
            verdict.person = Person(name: resolved.name, email: resolved.email)
        }
        for evidence in branches { verdict = classifier.adding(evidence, to: verdict) }
        for evidence in sessions { verdict = classifier.adding(session: evidence, to: verdict) }
        if let checkpoints {
            for id in EntireCheckpoint.ids(in: verdict) { verdict = classifier.adding(checkpoint: checkpoints.evidence(for: id), to: verdict) }
        }
        return verdict
    }

    /// The evidence a merge of an AI tool's branch gives the commits it
    /// brought in; nil for any other commit (only a merge's subject is parsed).
    static func branchEvidence(ofMerge commit: Commit, classifier: Classifier) -> Evidence? {
        commit.isMerge ? classifier.branchEvidence(forMergeSubject: ParsedMessage(commit.message).subject) : nil
    }

    /// The author as the store files it: folded by .mailmap.
    func author(of commit: Commit) -> (name: String, email: String) {
        mailmap.resolve(name: commit.author.name, email: commit.author.email)
    }

    static func facts(_ commit: Commit, notes: [String: String] = [:]) -> CommitFacts {
        CommitFacts(authorName: commit.author.name, authorEmail: commit.author.email,
                    committerName: commit.committer.name, committerEmail: commit.committer.email,
                    message: commit.message, parentCount: commit.parents.count, notes: notes)
    }
}

/// The notes of a repository's notes refs (git-ai and the like): which
/// commits have one is read once, on first use; a note itself only when
/// its commit is attributed.
final class ScanNotes: @unchecked Sendable {
    let refs: [String]
    /// `ref=tip,…` of every notes ref present: a change means notes arrived.
    let tip: String
    private let repository: Repository
    /// The history the notes are read for; nil leaves notes where they are attached.
    private let head: ObjectID?
    private var loaded: [String: [ObjectID: ObjectID]]?

    init(_ repository: Repository, refs: [String], head: ObjectID?) {
        self.repository = repository
        self.refs = refs
        self.head = head
        tip = refs.compactMap { ref in repository.notesTip(ref).map { "\(ref)=\($0.hex)" } }.joined(separator: ",")
    }

    var isEmpty: Bool { tip.isEmpty }

    /// Commit → note blob, per notes ref; a note of a commit that a rebase
    /// or an amend left unreachable from HEAD also stands for its one copy
    /// HEAD reaches (the same patch id), when that copy has none of its own.
    /// Read on the thread that owns the repository handle.
    func index() throws -> [String: [ObjectID: ObjectID]] {
        if isEmpty { return [:] }
        if let loaded { return loaded }
        var index: [String: [ObjectID: ObjectID]] = [:]
        for ref in refs { index[ref] = try repository.notesIndex(ref) }
        for (original, copy) in try rewrittenCopies(of: Set(index.values.flatMap(\.keys))) {
            for ref in refs where index[ref]?[copy] == nil {
                if let blob = index[ref]?[original] { index[ref]?[copy] = blob }
            }
        }
        loaded = index
        return index
    }

    /// The copies HEAD reaches of the noted commits that neither HEAD nor any
    /// branch reaches any more (a rebase or an amend left them behind; their
    /// objects still here), by original. A commit of a branch not merged yet
    /// is not lost, and is not looked for. At most `rewrittenLimit` originals are.
    private func rewrittenCopies(of noted: Set<ObjectID>) throws -> [ObjectID: ObjectID] {
        guard let head else { return [:] }
        let present = noted.filter { repository.containsCommit($0) }
        guard !present.isEmpty else { return [:] }
        let branches = ["refs/heads/*", "refs/remotes/*"].flatMap { repository.references(matching: $0).map(\.target) }
        let lost = repository.unreachable(present, from: [head] + branches.filter(repository.containsCommit))
        guard !lost.isEmpty, lost.count <= Self.rewrittenLimit else { return [:] }
        let originals = lost.compactMap { try? repository.commit($0) }
        return try repository.rewrittenCopies(of: originals, head: head)
    }

    static let rewrittenLimit = 1_000

    /// The notes of `id` under each ref of `index`, read with `handle` (the reading thread's).
    static func notes(of id: ObjectID, in index: [String: [ObjectID: ObjectID]], reading handle: Repository) -> [String: String] {
        var found: [String: String] = [:]
        for (ref, byCommit) in index {
            if let blob = byCommit[id], let text = handle.noteText(blob) { found[ref] = text }
        }
        return found
    }
}
