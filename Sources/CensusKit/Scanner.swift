import Attribution
import CensusStore
import Foundation
import GitHistory

/// What a scan did to one repository.
public struct ScanOutcome: Sendable {
    public enum Status: String, Sendable {
        /// New commits were read (or the first scan completed).
        case scanned
        /// HEAD had not moved and the catalogue had not changed: nothing was read.
        case upToDate
        /// The repository has no commit yet.
        case empty
    }

    public var path: String
    public var status: Status
    public var newCommits = 0
    public var reclassified = 0
    public var lineStatsComputed = 0
    /// Things the user should know that are not failures (shallow clone, detached HEAD).
    public var notices: [String] = []
}

/// Progress of a running scan, for a terminal.
public struct ScanProgress: Sendable {
    public var path: String
    public var phase: String
    public var done: Int
    public var elapsed: TimeInterval
    /// How many there are in all, when known before the end (line counts),
    /// or estimated (a scan's commits: see `totalIsEstimate`).
    public var total: Int?
    /// True when `total` is an estimate, which the count may pass.
    public var totalIsEstimate: Bool

    public init(path: String, phase: String, done: Int, elapsed: TimeInterval, total: Int? = nil, totalIsEstimate: Bool = false) {
        self.path = path
        self.phase = phase
        self.done = done
        self.elapsed = elapsed
        self.total = total
        self.totalIsEstimate = totalIsEstimate
    }

    /// Items a second so far.
    public var rate: Double { elapsed > 0 ? Double(done) / elapsed : 0 }

    /// Seconds left at the rate so far, while the total is ahead of the count.
    public var remaining: TimeInterval? {
        guard let total, done > 0, rate > 0, done <= total else { return nil }
        return Double(total - done) / rate
    }

    /// The status line a terminal shows: `git: commits 2500 of about 85400
    /// (25243/s, about 3 s left)`; an estimate is rounded to three figures,
    /// and dropped once the count passes it.
    public var line: String {
        var line = "\(path): \(phase) \(done)"
        if let total, done <= total {
            line += totalIsEstimate ? " of about \(Self.roughly(total))" : "/\(total)"
        }
        line += " (\(Int(rate))/s"
        if let remaining { line += ", about \(Self.duration(remaining)) left" }
        return line + ")"
    }

    /// `count` to three significant figures: an estimate shown as one.
    static func roughly(_ count: Int) -> Int {
        var scale = 1
        while count / scale >= 1000 { scale *= 10 }
        return (count + scale / 2) / scale * scale
    }

    /// `45 s`, `3 min`, `1 h 20 min`: an estimate, so coarse.
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\((whole + 30) / 60) min" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }
}

/// Scans repositories into the store: walks what is new since the last
/// complete scan, classifies it, and stores it in batches.
///
/// Correctness under interruption: a repository's `scanned_head` moves only
/// when its whole history is stored, and every batch is one transaction, so a
/// scan killed at any point leaves a consistent store, and the next scan walks
/// again from HEAD, skips what is stored, and completes it.
public final class HistoryScanner {
    public let store: any CommitStore
    public let classifier: Classifier
    /// Commits a transaction stores. Every transaction rewrites most pages
    /// of the sha index (shas come in random order), so fewer, larger ones
    /// store a history faster: 10,000 took git/git's store time from 1.7 s
    /// to 0.8 s against 2,000. A killed scan loses at most this many.
    /// `CENSUS_SCAN_BATCH` sets another size (tests kill scans between many small batches).
    /// A scan that stores at least this many commits checkpoints the store
    /// while its last batches are written (see `CensusStore.checkpointWhileWriting`);
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

    public init(store: any CommitStore, classifier: Classifier) {
        self.store = store
        self.classifier = classifier
    }

    /// What stored verdicts were derived with: the catalogue's fingerprint and
    /// the version of what the scanner derives from a commit. Any change makes
    /// the next scan derive every stored commit again.
    public var stateVersion: String { classifier.fingerprint + "/scan-3" }

    /// The verdict for a commit, its person folded by .mailmap.
    static func derive(_ commit: Commit, parsed: ParsedMessage, notes: [String: String], classifier: Classifier,
                       mailmap: Mailmap, identities: IdentityCache? = nil) -> Verdict {
        var verdict = classifier.classify(facts(commit, notes: notes), parsed: parsed, cache: identities)
        if let person = verdict.person {
            let resolved = mailmap.resolve(name: person.name, email: person.email)
            verdict.person = Person(name: resolved.name, email: resolved.email)
        }
        return verdict
    }

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
        let record = try storedRecord(for: repository, outcome: &outcome)
        guard let repositoryID = record.id else { return outcome }
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

    /// Where the store files a repository: its location (see
    /// `Repository.location`), symlinks resolved.
    public static func location(of repository: Repository) -> String {
        canonicalPath(repository.location)
    }

    /// The stored repository this one is. One repository reached by two
    /// paths (a bind mount, a second name, `core.bare` switched on in its
    /// work tree) is the same git directory: it is counted once, where it was
    /// first stored, and the scan says so. A repository moved on its file
    /// system keeps its identity and takes the new path.
    private func storedRecord(for repository: Repository, outcome: inout ScanOutcome) throws -> RepositoryRecord {
        let identity = repository.storageIdentity
        var path = outcome.path
        if let identity, let known = try store.repository(identity: identity), let id = known.id, known.path != path {
            if (try? Repository(at: known.path))?.storageIdentity == identity {
                outcome.notices.append("the same repository as \(known.path), reached by another path: counted once, there")
                path = known.path
            } else {
                try store.move(repositoryID: id, to: path, name: Self.displayName(path))
            }
        } else {
            try adoptMovedRepository(repository, newPath: path)
        }
        return try store.repository(at: path, name: Self.displayName(path), isBare: repository.isBare,
                                    isShallow: repository.isShallow, identity: identity)
    }

    private func scan(_ repository: Repository, record: RepositoryRecord, repositoryID: Int64, lines: Bool,
                      outcome: inout ScanOutcome) throws {
        if repository.isShallow {
            outcome.notices.append("shallow clone: history before the shallow boundary is not there to count")
        }
        var head = try repository.head()
        var branch = repository.headBranch
        if head == nil, let fallback = repository.fallbackBranch() {
            // A bare repository whose HEAD names a branch never pushed still holds history.
            let named = repository.headReferenceName.map { $0.replacingOccurrences(of: "refs/heads/", with: "") } ?? "HEAD"
            outcome.notices.append("HEAD names branch \(named), which has no commits: scanning branch \(fallback.name) instead")
            head = fallback.tip
            branch = fallback.name
        }
        guard let head else {
            outcome.status = .empty
            outcome.notices.append("empty repository: no commits to scan")
            try store.completeScan(repositoryID: repositoryID, head: nil, headBranch: nil,
                                   catalogueVersion: stateVersion, reachable: [])
            return
        }
        if repository.hasReplacementsOrGrafts {
            outcome.notices.append("replace refs or grafts present: commits are counted as recorded, as `git --no-replace-objects` shows them")
        }
        if repository.isHeadDetached {
            outcome.notices.append("detached HEAD at \(head.hex.prefix(12)): scanning the history of that commit")
        }

        let catalogueChanged = record.catalogueVersion != nil && record.catalogueVersion != stateVersion
        // Notes (git-ai) can arrive after the commits they annotate: when a
        // notes ref moved, every annotated commit is evaluated again.
        let notesRefs = classifier.catalogue.notesRefs
        let notesTip = notesRefs.compactMap { ref in repository.notesTip(ref).map { "\(ref)=\($0.hex)" } }
            .joined(separator: ",")
        let notesChanged = notesTip != (record.notesTip ?? "")
        // Which commits have notes is read once; a note itself only when its commit is classified.
        var loadedNotes: [String: [ObjectID: ObjectID]]?
        func notesIndex() throws -> [String: [ObjectID: ObjectID]] {
            if notesTip.isEmpty { return [:] }
            if let loadedNotes { return loadedNotes }
            var index: [String: [ObjectID: ObjectID]] = [:]
            for ref in notesRefs { index[ref] = try repository.notesIndex(ref) }
            loadedNotes = index
            return index
        }
        func notesOf(_ id: ObjectID) throws -> [String: String] {
            Self.notes(of: id, in: try notesIndex(), repository: repository)
        }
        // A shallow clone can gain old history without HEAD moving (deepened,
        // unshallowed): it is walked in full each time, skipping what is stored.
        let shallow = repository.isShallow || record.isShallow
        let previousHead = shallow ? nil : record.scannedHead.flatMap(ObjectID.init(hex:))
        if previousHead == head && !catalogueChanged && !notesChanged {
            outcome.status = .upToDate
        } else {
            // Fast path: the last complete scan's HEAD is an ancestor of HEAD, so
            // only the commits between them are new.
            let fastForward = !catalogueChanged && previousHead.map {
                repository.containsCommit($0) && repository.isDescendant(head, of: $0)
            } == true
            let stored = fastForward ? [] : try store.storedSHAs(repositoryID: repositoryID)
            // A first scan needs no list of what is reachable: all it stores is.
            let firstScan = !fastForward && stored.isEmpty
            var reachable: Set<String>? = fastForward || firstScan ? nil : Set(minimumCapacity: stored.count)
            // A report never sees half a scan: a first scan's commits are
            // stored visible in a repository kept out of reports until the
            // scan completes; any other scan's new commits are stored hidden
            // and shown together when it completes.
            if firstScan { try store.beginFirstScan(repositoryID: repositoryID) }
            let mailmap = Mailmap(for: repository)
            var reclassifiedCount = 0
            var aiMerges: [(parents: [ObjectID], evidence: Evidence)] = []
            let started = Date()

            // A full walk (first scan, rewritten history) reads commits on two
            // threads, each classifying what it reads, and a third stores; an
            // incremental walk is short and runs as one reader feeding one
            // classifying stage. Batches go to the store through a bounded pipe.
            // Four hand-offs of a quarter transaction each: the store lags the
            // readers by at most about one transaction.
            let writesPipe = BoundedPipe<ClassifyingSink.Write>(capacity: 4)
            let failure = FirstError()
            let store = self.store
            let stop = shouldStop
            let progress = self.progress
            let path = outcome.path
            // A scan's total is not known before the walk ends: it is
            // estimated (the repository's commits less those stored) once the
            // scan has run for half a second, and only when someone watches
            // its progress; a short scan never pays for it.
            let estimator = CommitCountEstimate(repository)
            let storedBefore = firstScan ? 0 : fastForward ? nil : stored.count
            nonisolated(unsafe) var estimatedTotal: Int??
            @Sendable func newCommitsEstimate(storedSoFar: Int) -> Int? {
                // Counted in the store now, what this scan stored is no longer "before".
                guard let all = estimator.commits(),
                      let before = storedBefore ?? (try? store.storedCommitCount(repositoryID: repositoryID)).map({ $0 - storedSoFar })
                else { return nil }
                return max(0, all - before)
            }
            nonisolated(unsafe) var storedCount = 0
            let writer = Stage("census-store") {
                while case let writes = writesPipe.popAll(), !writes.isEmpty {
                    guard failure.value == nil else { continue }
                    do {
                        // Whatever waits is stored in one transaction: fewer,
                        // larger transactions rewrite the sha index less often.
                        var batches: [EncodedCommits] = []
                        for write in writes {
                            switch write {
                            case .insert(let batch): batches.append(batch)
                            case .replaceVerdicts(let verdicts): try store.replaceVerdicts(repositoryID: repositoryID, verdicts)
                            }
                        }
                        try store.insert(batches: batches)
                        storedCount += batches.reduce(0) { $0 + $1.count }
                        if stop?() == true { throw Stopped() }
                        if let progress {
                            let elapsed = Date().timeIntervalSince(started)
                            if estimatedTotal == nil && elapsed >= Self.estimateAfter { estimatedTotal = .some(newCommitsEstimate(storedSoFar: storedCount)) }
                            progress(ScanProgress(path: path, phase: "commits", done: storedCount, elapsed: elapsed,
                                                  total: estimatedTotal ?? nil, totalIsEstimate: true))
                        }
                    } catch {
                        failure.record(error)
                    }
                }
            }
            let context = ClassifyingSink.Context(
                classifier: classifier, repositoryID: repositoryID, stored: stored, catalogueChanged: catalogueChanged,
                batchSize: batchSize, insertVisible: firstScan, keepWalked: reachable != nil || fastForward, writes: writesPipe)
            // A note is read for a commit whose verdict will be made: a new one,
            // or any when the rules or the notes changed.
            @Sendable func needsNotes(_ sha: String) -> Bool {
                !notesTip.isEmpty && (firstScan || catalogueChanged || notesChanged || !stored.contains(sha))
            }
            var sinks: [ClassifyingSink] = []
            var walkError: (any Error)?
            if !fastForward {
                // Which commits have notes is known before the walk; each reader reads the notes themselves.
                let notesByRef = try notesIndex()
                let readers = ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
                sinks = (0..<readers).map { _ in ClassifyingSink(context, mailmap: Mailmap(for: repository)) }
                let readerSinks = sinks
                do {
                    try repository.walkInParallel(from: [head], readers: readers) { commit, handle, reader in
                        if failure.value != nil { return false }
                        let sha = commit.id.hex
                        let commitNotes = needsNotes(sha) ? Self.notes(of: commit.id, in: notesByRef, repository: handle) : [:]
                        readerSinks[reader].consume(commit, sha: sha, notes: commitNotes)
                        return true
                    }
                } catch {
                    walkError = error
                }
                sinks.forEach { $0.flush(force: true) }
                for sink in sinks { reachable?.formUnion(sink.walked) }
            } else {
                // Three stages: this thread reads history through libgit2 (the
                // repository handle stays on it), a second classifies, a third stores.
                let chunkSize = 512
                let commitsPipe = BoundedPipe<[(Commit, String, [String: String])]>(capacity: 8)
                let sink = ClassifyingSink(context, mailmap: Mailmap(for: repository))
                sinks = [sink]
                let classifierStage = Stage("census-classify") {
                    while let chunk = commitsPipe.pop() {
                        for (commit, sha, notes) in chunk { sink.consume(commit, sha: sha, notes: notes) }
                    }
                    sink.flush(force: true)
                }
                var chunk: [(Commit, String, [String: String])] = []
                chunk.reserveCapacity(chunkSize)
                do {
                    try repository.walk(from: [head], hiding: [previousHead!]) { commit in
                        if failure.value != nil { return false }
                        let sha = commit.id.hex
                        // Notes need the repository handle: read on this thread.
                        chunk.append((commit, sha, needsNotes(sha) ? try notesOf(commit.id) : [:]))
                        if chunk.count >= chunkSize {
                            guard commitsPipe.push(chunk) else { return false }
                            chunk.removeAll(keepingCapacity: true)
                        }
                        return true
                    }
                    if !chunk.isEmpty { commitsPipe.push(chunk) }
                } catch {
                    walkError = error
                }
                commitsPipe.close()
                classifierStage.join()
            }
            // History is read; while the storing thread finishes, the pages
            // stored so far go to the database file on the idle core.
            let storedMuch = sinks.reduce(0) { $0 + $1.newCommits + $1.reclassifiedCount } >= checkpointAfter
            let checkpointer = storedMuch ? Stage("census-checkpoint") { [store] in store.checkpointWhileWriting() } : nil
            defer { checkpointer?.join() }
            writesPipe.close()
            writer.join()
            if let error = walkError { failure.record(error) }
            if let error = failure.value { throw error }
            outcome.notices += Self.malformedNotices(sinks.flatMap(\.malformed))
            for sink in sinks {
                outcome.newCommits += sink.newCommits
                reclassifiedCount += sink.reclassifiedCount
                aiMerges += sink.merges
            }
            outcome.reclassified += reclassifiedCount

            try applyBranchEvidence(aiMerges, repository: repository, repositoryID: repositoryID)
            if fastForward && notesChanged {
                // Commits below the old HEAD were not walked: evaluate the annotated ones.
                var annotated = Set<ObjectID>()
                for byCommit in try notesIndex().values { annotated.formUnion(byCommit.keys) }
                let storedAnnotated = try store.commits(repositoryID: repositoryID, shas: annotated.map(\.hex))
                var updated: [(sha: String, verdict: Verdict)] = []
                for record in storedAnnotated {
                    guard let id = ObjectID(hex: record.sha), let commit = try? repository.commit(id) else { continue }
                    let verdict = Self.derive(commit, parsed: ParsedMessage(commit.message), notes: try notesOf(id),
                                              classifier: classifier, mailmap: mailmap)
                    if verdict != record.verdict { updated.append((record.sha, verdict)) }
                }
                try store.replaceVerdicts(repositoryID: repositoryID, updated)
                outcome.reclassified += updated.count
            }
            try store.completeScan(repositoryID: repositoryID, head: head.hex, headBranch: branch,
                                   catalogueVersion: stateVersion, notesTip: notesTip, reachable: reachable,
                                   newlyReachable: fastForward ? sinks.flatMap(\.walked) : [])
        }
        if lines {
            lineStatsSkipped = 0
            outcome.lineStatsComputed = try computeLineStats(repository, head: head, repositoryID: repositoryID, path: outcome.path)
            if lineStatsSkipped > 0 {
                outcome.notices.append("line counts skipped for \(lineStatsSkipped) commits whose files are not in this clone (partial clone?)")
            }
        }
    }

    /// One notice for commits whose author or committer line git cannot read:
    /// the first few named, the rest counted.
    static func malformedNotices(_ commits: [(sha: String, problem: String)]) -> [String] {
        guard !commits.isEmpty else { return [] }
        let named = commits.prefix(3).map { "\($0.sha.prefix(12)) (\($0.problem))" }.joined(separator: ", ")
        let more = commits.count > 3 ? " and \(commits.count - 3) more" : ""
        return ["\(commits.count) commit\(commits.count == 1 ? "" : "s") stored with an empty signature, as git shows it: \(named)\(more)"]
    }

    /// The notes of `id` under each notes ref of `index`, read with `repository`.
    static func notes(of id: ObjectID, in index: [String: [ObjectID: ObjectID]], repository: Repository) -> [String: String] {
        var found: [String: String] = [:]
        for (ref, byCommit) in index {
            if let blob = byCommit[id], let text = repository.noteText(blob) { found[ref] = text }
        }
        return found
    }

    /// Commits brought in only by a merge of an AI tool's branch (reachable
    /// from the merged side, not from the first parent) get that branch as
    /// inferred evidence.
    private func applyBranchEvidence(_ merges: [(parents: [ObjectID], evidence: Evidence)], repository: Repository,
                                     repositoryID: Int64) throws {
        for merge in merges where merge.parents.count >= 2 {
            let mainline = merge.parents[0]
            var brought: [String] = []
            for side in merge.parents.dropFirst() {
                try repository.walk(from: [side], hiding: [mainline]) { commit in
                    if !commit.isMerge { brought.append(commit.id.hex) }
                    return brought.count < 10_000
                }
            }
            let updated = try store.commits(repositoryID: repositoryID, shas: brought).compactMap { record -> (sha: String, verdict: Verdict)? in
                let before = record.verdict
                let after = classifier.adding(merge.evidence, to: before)
                return after == before ? nil : (record.sha, after)
            }
            try store.replaceVerdicts(repositoryID: repositoryID, updated)
        }
    }

    /// A repository moved or renamed since its last scan is the same
    /// repository: when nothing is stored at the new path, a stored repository
    /// whose folder is gone and whose scanned HEAD this one holds takes the new
    /// path, so its commits are not counted twice.
    private func adoptMovedRepository(_ repository: Repository, newPath: String) throws {
        let known = try store.repositories()
        guard !known.contains(where: { $0.path == newPath }) else { return }
        for candidate in known where !FileManager.default.fileExists(atPath: candidate.path) {
            guard let head = candidate.scannedHead.flatMap(ObjectID.init(hex:)), repository.containsCommit(head),
                  let id = candidate.id else { continue }
            try store.move(repositoryID: id, to: newPath, name: Self.displayName(newPath))
            return
        }
    }

    /// What counts lines: git itself when it is installed (see `GitNumstat`:
    /// git's own rename detection, so the counts are git's), else libgit2.
    /// `CENSUS_LINES_WITH_LIBGIT2=1` makes libgit2 count even with git there.
    public var lineCounter: GitNumstat? =
        ProcessInfo.processInfo.environment["CENSUS_LINES_WITH_LIBGIT2"] == "1" ? nil : GitNumstat.installed()

    private typealias LineResult = (sha: String, stats: LineStats?, missing: Bool)

    /// Which program counted a commit's lines, as stored beside the counts.
    enum LineEngine: String { case git, libgit2 }

    /// Counts lines for every stored non-merge commit that has no counts yet;
    /// a separate pass, so `--lines` added later fills in old history too.
    /// Line counts are the slowest part of a scan (a tree diff with rename
    /// detection per commit), and commits are independent of one another: two
    /// workers count, each on half of the commits, while this thread stores.
    private func computeLineStats(_ repository: Repository, head: ObjectID, repositoryID: Int64, path: String) throws -> Int {
        let missing = try store.commitsMissingLineStats(repositoryID: repositoryID)
        guard !missing.isEmpty else { return 0 }
        let workerCount = missing.count < 64 ? 1 : max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        // Counted in a workspace of census's own: git's defaults and the
        // committed .gitattributes at HEAD, whatever the user's configuration.
        let workspace = try LineCountWorkspace(for: repository, head: head)
        var tally = LineTally(total: missing.count)
        var left = missing
        if let git = lineCounter {
            // Two git processes, each given a contiguous half of the commits
            // (neighbours share trees and delta bases).
            let share = (missing.count + workerCount - 1) / workerCount
            var received = Set<String>(minimumCapacity: missing.count)
            try runLineCounters(workers: workerCount, named: "census-lines-git", engine: .git, repositoryID: repositoryID, path: path,
                           tally: &tally, seen: { received.insert($0) }) { worker, results, failure in
                let part = missing[min(missing.count, worker * share)..<min(missing.count, (worker + 1) * share)]
                do {
                    try git.counts(in: workspace, ids: part.compactMap(ObjectID.init(hex:))) { counted in
                        guard results.push(counted.map { ($0.id.hex, $0.stats, false) }) else { throw Stopped() }
                    }
                } catch is GitNumstat.Failure {
                    // What git could not count, libgit2 counts below.
                } catch {
                    failure.record(error)
                }
            }
            left = received.count == missing.count ? [] : missing.filter { !received.contains($0) }
        }
        if !left.isEmpty {
            try runLineCounters(workers: workerCount, named: "census-lines", engine: .libgit2, repositoryID: repositoryID, path: path,
                           tally: &tally, seen: { _ in }) { [left] worker, results, failure in
                let handle: Repository
                do { handle = try Repository(at: workspace.gitDirectory) } catch {
                    failure.record(error)
                    return
                }
                var chunk: [LineResult] = []
                for index in stride(from: worker, to: left.count, by: workerCount) {
                    guard failure.value == nil, let id = ObjectID(hex: left[index]) else { continue }
                    let result = Self.countLines(handle, id)
                    if let error = result.error, !result.missing {
                        failure.record(error)
                        return
                    }
                    chunk.append((left[index], result.stats, result.missing))
                    if chunk.count >= 256 {
                        guard results.push(chunk) else { return }
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                if !chunk.isEmpty { results.push(chunk) }
            }
        }
        if tally.skipped > 0 {
            lineStatsSkipped = tally.skipped
        }
        return tally.computed
    }

    /// How far the line counting of one scan has come.
    private struct LineTally {
        var total: Int
        var computed = 0
        var skipped = 0
        let started = Date()
    }

    /// Runs `work` on `workers` threads (each gets its index, the pipe for its
    /// results and the first-error slot) and stores what they send, in
    /// batches, until all are done; `seen` hears of every commit answered for.
    private func runLineCounters(workers workerCount: Int, named name: String, engine: LineEngine, repositoryID: Int64, path: String,
                            tally: inout LineTally, seen: (String) -> Void,
                            _ work: @escaping @Sendable (Int, BoundedPipe<[LineResult]>, FirstError) -> Void) throws {
        let results = BoundedPipe<[LineResult]>(capacity: 8)
        let failure = FirstError()
        let remaining = Countdown(workerCount) { results.close() }
        let workers = (0..<workerCount).map { worker in
            Stage("\(name)-\(worker)") {
                defer { remaining.finish() }
                work(worker, results, failure)
            }
        }
        var stats: [(sha: String, added: Int, deleted: Int)] = []
        do {
            while let chunk = results.pop() {
                for result in chunk {
                    seen(result.sha)
                    // A partial clone (--filter=blob:none) lacks the blobs: no count, said below.
                    if result.missing { tally.skipped += 1; continue }
                    guard let counted = result.stats else { continue }
                    stats.append((result.sha, counted.added, counted.deleted))
                }
                // Small batches: each is a progress step of a long count.
                if stats.count >= min(batchSize, 2000) {
                    try store.saveLineStats(repositoryID: repositoryID, engine: engine.rawValue, stats)
                    tally.computed += stats.count
                    stats.removeAll(keepingCapacity: true)
                    if shouldStop?() == true { throw Stopped() }
                    progress?(ScanProgress(path: path, phase: "lines", done: tally.computed,
                                           elapsed: Date().timeIntervalSince(tally.started), total: tally.total))
                }
            }
            if let error = failure.value { throw error }
            try store.saveLineStats(repositoryID: repositoryID, engine: engine.rawValue, stats)
            tally.computed += stats.count
        } catch {
            failure.record(error)
            results.close()
            workers.forEach { $0.join() }
            throw error
        }
        workers.forEach { $0.join() }
    }

    static func countLines(_ repository: Repository, _ id: ObjectID) -> (stats: LineStats?, missing: Bool, error: GitError?) {
        do {
            return (try repository.lineStats(for: id), false, nil)
        } catch {
            return (nil, error.kind == .missingObject, error)
        }
    }

    /// Commits whose line counts the last scan could not compute (objects missing).
    public private(set) var lineStatsSkipped = 0

    static func facts(_ commit: Commit, notes: [String: String] = [:]) -> CommitFacts {
        CommitFacts(authorName: commit.author.name, authorEmail: commit.author.email,
                    committerName: commit.committer.name, committerEmail: commit.committer.email,
                    message: commit.message, parentCount: commit.parents.count, notes: notes)
    }

    /// The path with symlinks resolved, so one repository reached two ways is stored once.
    public static func canonicalPath(_ path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return resolved.count > 1 && resolved.hasSuffix("/") ? String(resolved.dropLast()) : resolved
    }

    static func displayName(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent
        if name == ".git" { name = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent }
        if name.hasSuffix(".git") && name.count > 4 { name = String(name.dropLast(4)) }
        return name
    }
}
