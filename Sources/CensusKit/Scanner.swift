import Attribution
import CensusStore
import Foundation
import GitHistory
import SessionLogs

/// Scans one repository into the store, in three stages along the data's
/// path: reading history (`HistoryReading`, on GitHistory) → attributing
/// (`ClassifyingSink` and `Attributor`: commit, notes, .mailmap and AI
/// branches in, verdict out) → writing (`ScanWriter`, through the store
/// seam). A `ScanPlan` decides first what there is to read; line counts are
/// a stage of their own after the walk (`LineCounting.swift`).
///
/// A verdict is stored once, with everything it rests on: the notes are
/// indexed before the walk, and the walks read a merge of an AI tool's
/// branch before the commits it brought in. Stored verdicts are derived
/// again only when their inputs change: the catalogue, or notes that
/// arrived after their commits.
///
/// Correctness under interruption: a repository's `scanned_head` moves only
/// when its whole history is stored, and every batch is one transaction, so a
/// scan killed at any point leaves a consistent store, and the next scan walks
/// again from HEAD, skips what is stored, and completes it.
public final class HistoryScanner {
    public let store: any CommitStore
    private let rules: ScanRules
    /// Commits a transaction stores. Every transaction rewrites most pages
    /// of the sha index (shas come in random order), so fewer, larger ones
    /// store a history faster: 10,000 took git/git's store time from 1.7 s
    /// to 0.8 s against 2,000. A long scan's transactions grow to four
    /// batches (`ScanWriter.transactionRows`); a killed scan loses at most one
    /// transaction.
    /// `CENSUS_SCAN_BATCH` sets another size (tests kill scans between many small batches).
    /// A scan that stores at least this many commits checkpoints the store
    /// while its last batches are written (see `CommitStore.checkpointWhileWriting`);
    /// below it, the close's own checkpoint is small.
    public var checkpointAfter = 20_000
    public var batchSize = ProcessInfo.processInfo.environment["CENSUS_SCAN_BATCH"].flatMap(Int.init).map { max(1, $0) } ?? 10_000
    public var progress: (@Sendable (ScanProgress) -> Void)?
    /// Seconds a scan runs before its progress estimates the total (see
    /// `CommitCountEstimate`): a scan shorter than this needs no ETA. Tests set 0.
    public static let estimateAfter: TimeInterval = {
        ProcessInfo.processInfo.environment["CENSUS_ESTIMATE_AFTER"].flatMap(TimeInterval.init) ?? 0.5
    }()
    /// Asked after every stored batch; true stops the scan there, with what is
    /// stored kept and the rest left for the next scan (a daemon shutting down).
    public var shouldStop: (@Sendable () -> Bool)?

    /// Thrown when `shouldStop` ended a scan early.
    public struct Stopped: Error, CustomStringConvertible {
        public var description: String { "scan stopped before it finished; the next scan completes it" }
    }

    public convenience init(store: any CommitStore, classifier: Classifier) {
        self.init(store: store, rules: ScanRules(classifier))
    }

    init(store: any CommitStore, rules: ScanRules) {
        self.store = store
        self.rules = rules
    }

    /// The classifier; built when a scan first has a commit to attribute.
    public var classifier: Classifier {
        get throws { try rules.classifier() }
    }

    /// What stored verdicts were derived with: the catalogue's fingerprint and
    /// the version of what the scanner derives from a commit. Any change makes
    /// the next scan derive every stored commit again.
    public var stateVersion: String { rules.summary.fingerprint + "/scan-4" }

    /// What counts lines: git itself when it is installed (see `GitNumstat`:
    /// git's own rename detection, so the counts are git's), else libgit2.
    /// `CENSUS_LINES_WITH_LIBGIT2=1` makes libgit2 count even with git there.
    public var lineCounter: GitNumstat? =
        ProcessInfo.processInfo.environment["CENSUS_LINES_WITH_LIBGIT2"] == "1" ? nil : GitNumstat.installed()

    /// What the AI tools' session logs say their agents committed and edited
    /// (`census scan --session-logs`), read once for a batch of scans; empty: logs are not used.
    var sessionHarvest = SessionHarvest()

    /// Commits whose line counts the last scan could not compute (objects missing).
    public internal(set) var lineStatsSkipped = 0

    /// Scans the repository at `path` (a work tree or a git directory).
    public func scan(repositoryAt path: String, searchParents: Bool = false, lines: Bool = false) throws -> ScanOutcome {
        var repository = try Repository(at: path, searchParents: searchParents)
        var notice: String?
        if repository.isLinkedWorktree {
            // A linked worktree shares its repository's history: counted once,
            // as that repository's HEAD, whichever of the two a scan meets first.
            let main = try Repository(at: repository.commonDirectory)
            let worktreeBranch = repository.headBranch.map { "branch \($0)" } ?? "a detached HEAD"
            let mainBranch = main.headBranch.map { " (\($0))" } ?? ""
            notice = "linked worktree on \(worktreeBranch) of \(main.location): census counts that repository's HEAD\(mainBranch); "
                + "commits only on \(worktreeBranch) count once they reach it"
            repository = main
        }
        var outcome = try scan(repository, lines: lines)
        if let notice { outcome.notices.insert(notice, at: 0) }
        return outcome
    }

    public func scan(_ repository: Repository, lines: Bool) throws -> ScanOutcome {
        var outcome = ScanOutcome(path: Self.location(of: repository), status: .scanned)
        var record = try storedRecord(for: repository, outcome: &outcome)
        guard let repositoryID = record.id else { return outcome }
        let lease: ScanLease?
        if !store.sharedByCollectors {
            lease = nil
        } else {
            switch try ScanLease.take(store, repositoryID: repositoryID) {
            case .failure(let held):
                outcome.status = .scannedElsewhere
                outcome.notices.append("being scanned by \(held.holder): skipped (another collector takes it over if that one stops renewing its lease)")
                return outcome
            case .success(let taken):
                lease = taken
                // What the last holder published before the lease was ours.
                record = try store.repository(at: record.path, name: record.name, isBare: record.isBare, isShallow: record.isShallow)
            }
        }
        defer { lease?.release() }
        let stop = shouldStop
        shouldStop = { lease?.lost != nil || stop?() == true }
        defer { shouldStop = stop }
        do {
            try scan(repository, record: record, repositoryID: repositoryID, lines: lines, outcome: &outcome)
        } catch let stopped as Stopped {
            throw stopped
        } catch {
            // Remember the failure for `census repos`; what was stored stays.
            try? store.recordFailure(repositoryID: repositoryID, message: String(describing: error))
            throw error
        }
        return outcome
    }

    private func scan(_ repository: Repository, record: RepositoryRecord, repositoryID: Int64, lines: Bool,
                      outcome: inout ScanOutcome) throws {
        if repository.isShallow {
            outcome.notices.append("shallow clone: history before the shallow boundary is not there to count")
        }
        let clone = Self.cloneName(outcome.path)
        guard let plan = try ScanPlan.make(repository, record: record, clone: clone, stateVersion: stateVersion,
                                           notesRefs: rules.summary.notesRefs, store: store, notices: &outcome.notices) else {
            outcome.status = .empty
            outcome.notices.append("empty repository: no commits to scan")
            try store.completeScan(repositoryID: repositoryID, head: nil, headBranch: nil, catalogueVersion: stateVersion,
                                   notesTip: nil, reachable: [], newlyReachable: [], scannedFrom: clone)
            return
        }
        if plan.behindAnotherClone {
            outcome.status = .upToDate
            return
        }
        try AdoptionFinding.update(repository, plan: plan, record: record, repositoryID: repositoryID,
                                   agentConfigurations: rules.summary.agentConfigurationPaths, store: store)
        var harvested = sessionHarvest.isEmpty ? [:] : SessionEvidence.evidence(sessionHarvest, repository: repository)
        // The same HEAD and rules as the last scan: its Agent Trace records are in the stored verdicts already.
        if !plan.upToDate {
            for (id, evidence) in Self.agentTraces(repository, head: plan.head, classifier: try classifier) { harvested[id, default: []] += evidence }
        }
        if plan.upToDate {
            outcome.status = .upToDate
        } else {
            let sessions = try sessionEvidence(harvested, plan: plan, repositoryID: repositoryID)
            try readAttributeWrite(repository, plan: plan, repositoryID: repositoryID, sessions: sessions, outcome: &outcome)
        }
        outcome.reclassified += try addSessionEvidence(harvested, repositoryID: repositoryID)
        if lines {
            lineStatsSkipped = 0
            outcome.lineStatsComputed = try computeLineStats(repository, head: plan.head, repositoryID: repositoryID, path: outcome.path)
            if lineStatsSkipped > 0 {
                outcome.notices.append("line counts skipped for \(lineStatsSkipped) commits whose files are not in this clone (partial clone?)")
            }
        }
    }

    /// The three stages over what `plan` says is new, then the scan published.
    ///
    /// A full walk (first scan, rewritten history) reads on two threads,
    /// each attributing what it reads, and a third stores; an incremental
    /// walk is short and runs as one reader feeding one attributing thread.
    private func readAttributeWrite(_ repository: Repository, plan: ScanPlan, repositoryID: Int64,
                                    sessions: [ObjectID: [Evidence]], outcome: inout ScanOutcome) throws {
        // A report never sees half a scan: a first scan's commits are stored
        // visible in a repository kept out of reports until the scan
        // completes; any other scan's new commits are stored hidden and shown
        // together when it completes.
        if plan.firstScan { try store.beginFirstScan(repositoryID: repositoryID) }
        let failure = FirstError()
        let writer = ScanWriter(store: store, repositoryID: repositoryID, batchSize: batchSize, failure: failure, shouldStop: shouldStop,
                                progress: commitProgress(repository, plan: plan, repositoryID: repositoryID, path: outcome.path))
        let board = BranchEvidenceBoard()
        let classifier = try self.classifier
        // The plan has looked for checkpoint stores already: none, no lookup.
        let checkpoints = plan.checkpointsTip.isEmpty ? nil : EntireCheckpoints(repository, classifier: classifier)
        let context = ClassifyingSink.Context(
            classifier: classifier, repositoryID: repositoryID, stored: plan.stored, catalogueChanged: plan.catalogueChanged,
            batchSize: batchSize, insertVisible: plan.firstScan, keepWalked: plan.tracksReachable || plan.fastForward,
            writes: writer.writes, branches: board, sessions: sessions,
            checkpoints: checkpoints, checkpointed: plan.fastForward ? [] : try checkpointed(plan, repositoryID: repositoryID))
        var sinks: [ClassifyingSink] = []
        do {
            sinks = plan.fastForward
                ? try HistoryReading.readNew(repository, plan: plan, context: context, failure: failure)
                : try HistoryReading.readAll(repository, plan: plan, context: context, failure: failure)
        } catch {
            failure.record(error)
        }
        // History is read; while the writing stage finishes, the pages
        // stored so far go to the database file on the idle core.
        let storedMuch = sinks.reduce(0) { $0 + $1.newCommits + $1.reclassifiedCount } >= checkpointAfter
        let checkpointer = storedMuch ? Stage("census-checkpoint") { [store] in store.checkpointWhileWriting() } : nil
        defer { checkpointer?.join() }
        writer.finish()
        if let error = failure.value { throw error }
        outcome.notices += Self.malformedNotices(sinks.flatMap(\.malformed))
        outcome.newCommits = sinks.reduce(0) { $0 + $1.newCommits }
        outcome.reclassified = sinks.reduce(0) { $0 + $1.reclassifiedCount }
        outcome.branchEvidenceAfterStoring = try addLateBranchEvidence(board, sinks: sinks, repositoryID: repositoryID)
        if plan.fastForward && (plan.notesChanged || plan.checkpointsChanged) {
            outcome.reclassified += try reattributeAnnotated(repository, plan: plan, repositoryID: repositoryID, checkpoints: checkpoints)
        }
        let walked = sinks.flatMap(\.walked)
        try store.completeScan(repositoryID: repositoryID, head: plan.head.hex, headBranch: plan.branch,
                               catalogueVersion: stateVersion, notesTip: plan.storedTip,
                               reachable: plan.tracksReachable ? Set(walked) : nil,
                               newlyReachable: plan.fastForward ? walked : [], scannedFrom: Self.cloneName(outcome.path))
    }

    /// The progress of a scan someone watches (census on a terminal); nil otherwise.
    private func commitProgress(_ repository: Repository, plan: ScanPlan, repositoryID: Int64, path: String) -> CommitProgress? {
        guard let progress else { return nil }
        let storedBefore = plan.firstScan ? 0 : plan.fastForward ? nil : plan.stored.count
        return CommitProgress(path: path, repository: repository, storedBefore: storedBefore, store: store,
                              repositoryID: repositoryID, report: progress)
    }

    /// Branch evidence for commits stored before the merge that brought them
    /// in existed — an AI tool's branch scanned while checked out, merged
    /// since — added to their stored verdicts before the scan is published,
    /// as a session log's evidence is. Within one scan a commit is read after
    /// all its children (both walks are topological), so none of its own
    /// commits is here; only history no walk can order (a commit that cannot
    /// be read, failing the scan) would be. Returns how many changed.
    private func addLateBranchEvidence(_ board: BranchEvidenceBoard, sinks: [ClassifyingSink], repositoryID: Int64) throws -> Int {
        var attributed: [ObjectID: Int] = [:]
        for sink in sinks { attributed.merge(sink.branchAttributed) { max($0, $1) } }
        let late = board.all.filter { (attributed[$0.key] ?? 0) < $0.value.count }
        guard !late.isEmpty else { return 0 }
        let classifier = try self.classifier
        var updated: [(sha: String, verdict: Verdict)] = []
        for record in try store.commits(repositoryID: repositoryID, shas: late.keys.map(\.hex)) {
            guard let id = ObjectID(hex: record.sha), let evidence = late[id] else { continue }
            let verdict = evidence.reduce(record.verdict) { classifier.adding($1, to: $0) }
            if verdict != record.verdict { updated.append((record.sha, verdict)) }
        }
        try store.replaceVerdicts(repositoryID: repositoryID, updated)
        return updated.count
    }

    /// The session evidence a walk attributes with: this scan's harvest, and,
    /// when a walk over stored history derives verdicts again (the catalogue,
    /// the notes or the checkpoints changed), the evidence stored from
    /// earlier harvests (whose logs may be gone).
    private func sessionEvidence(_ harvested: [ObjectID: [Evidence]], plan: ScanPlan,
                                 repositoryID: Int64) throws -> [ObjectID: [Evidence]] {
        // A walk over stored history derives again what changed: every commit, or those with notes or checkpoints.
        guard !plan.fastForward && (plan.catalogueChanged || plan.notesChanged || plan.checkpointsChanged) else { return harvested }
        var sessions = harvested
        for record in try store.commits(repositoryID: repositoryID, withEvidence: .sessionLog) {
            guard let id = ObjectID(hex: record.sha) else { continue }
            let known = Set((sessions[id] ?? []).map(\.matched))
            for evidence in record.verdict.evidence where evidence.kind == .sessionLog && !known.contains(evidence.matched) {
                // Counted again on its own merits: `adding(session:)` decides afresh (a bot's stays a bot's).
                sessions[id, default: []].append(SessionEvidence.restored(evidence))
            }
        }
        return sessions
    }

    /// The Agent Trace records HEAD's tree holds, by the commit they name:
    /// evidence known before the walk, as session logs' is. A file that
    /// cannot be read gives none; the scan goes on.
    static func agentTraces(_ repository: Repository, head: ObjectID, classifier: Classifier) -> [ObjectID: [Evidence]] {
        guard let text = try? repository.file(at: AgentTrace.path, in: head) else { return [:] }
        var found: [ObjectID: [Evidence]] = [:]
        for (revision, evidence) in AgentTrace.evidence(in: Data(text), classifier: classifier) {
            guard let id = SessionEvidence.commit(named: revision, in: repository) else { continue }
            found[id, default: []] += evidence
        }
        return found
    }

    /// Session logs that name commits stored by earlier scans: their verdicts
    /// gain the evidence (never lose any). Returns how many changed.
    private func addSessionEvidence(_ harvested: [ObjectID: [Evidence]], repositoryID: Int64) throws -> Int {
        guard !harvested.isEmpty else { return 0 }
        let classifier = try self.classifier
        var updated: [(sha: String, verdict: Verdict)] = []
        for record in try store.commits(repositoryID: repositoryID, shas: harvested.keys.map(\.hex)) {
            guard let id = ObjectID(hex: record.sha), let evidence = harvested[id] else { continue }
            let verdict = evidence.reduce(record.verdict) { classifier.adding(session: $1, to: $0) }
            if verdict != record.verdict { updated.append((record.sha, verdict)) }
        }
        try store.replaceVerdicts(repositoryID: repositoryID, updated)
        return updated.count
    }

    /// Stored commits whose Entire trailer names a checkpoint, when the
    /// checkpoints changed since the last scan (fetched after their commits):
    /// a walk over stored history attributes them again.
    private func checkpointed(_ plan: ScanPlan, repositoryID: Int64) throws -> Set<ObjectID> {
        guard plan.checkpointsChanged, !plan.firstScan else { return [] }
        let records = try store.commits(repositoryID: repositoryID, withEvidence: .sessionTrailer)
        return Set(records.lazy.filter { $0.verdict.evidence.contains { $0.rule == EntireCheckpoint.trailerRule } }
            .compactMap { ObjectID(hex: $0.sha) })
    }

    /// Notes or Entire checkpoints that arrived after their commits: the
    /// annotated or checkpointed commits below the last scan's HEAD, which an
    /// incremental walk does not read, are attributed again — with the
    /// branch, session-log and Agent Trace evidence stored for them, which
    /// only their own passes find. Returns how many verdicts changed.
    private func reattributeAnnotated(_ repository: Repository, plan: ScanPlan, repositoryID: Int64,
                                      checkpoints: EntireCheckpoints?) throws -> Int {
        let index = try plan.notes.index()
        var annotated = Set<ObjectID>()
        if plan.notesChanged { for byCommit in index.values { annotated.formUnion(byCommit.keys) } }
        annotated.formUnion(try checkpointed(plan, repositoryID: repositoryID))
        let attributor = Attributor(classifier: try classifier, mailmap: Mailmap(for: repository), checkpoints: checkpoints)
        var updated: [(sha: String, verdict: Verdict)] = []
        for record in try store.commits(repositoryID: repositoryID, shas: annotated.map(\.hex)) {
            guard let id = ObjectID(hex: record.sha), let commit = try? repository.commit(id) else { continue }
            let branches = record.verdict.evidence.filter { $0.kind == .branch }
            let found = record.verdict.evidence.filter { $0.kind == .sessionLog || $0.kind == .agentTrace }.map(SessionEvidence.restored)
            let verdict = attributor.verdict(for: commit, parsed: ParsedMessage(commit.message),
                                             notes: ScanNotes.notes(of: id, in: index, reading: repository), branches: branches, sessions: found)
            if verdict != record.verdict { updated.append((record.sha, verdict)) }
        }
        try store.replaceVerdicts(repositoryID: repositoryID, updated)
        return updated.count
    }

    /// One notice for commits whose author or committer line git cannot read:
    /// the first few named, the rest counted.
    static func malformedNotices(_ commits: [(sha: String, problem: String)]) -> [String] {
        guard !commits.isEmpty else { return [] }
        let named = commits.prefix(3).map { "\($0.sha.prefix(12)) (\($0.problem))" }.joined(separator: ", ")
        let more = commits.count > 3 ? " and \(commits.count - 3) more" : ""
        return ["\(commits.count) commit\(commits.count == 1 ? "" : "s") stored with an empty signature, as git shows it: \(named)\(more)"]
    }
}
