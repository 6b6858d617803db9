import Attribution
import CensusStore
import Foundation
import GitHistory
import SessionLogs

/// How a batch of scans runs.
public struct ScanRequest: Sendable {
    /// Also count lines added and deleted per commit.
    public var lines = false
    /// Also read the AI tools' session logs (`SessionLogs`): commits their
    /// agents made become AI with the tool and session as evidence.
    public var sessionLogs = false
    /// Where the tools' logs are looked for: the home folder and the tools' variables.
    public var environment = ProcessInfo.processInfo.environment
    /// Repositories scanned at once; nil: two when there are several and two cores.
    public var workers: Int?
    /// Called with each running scan's progress (on a scanning thread).
    public var progress: (@Sendable (ScanProgress) -> Void)?
    /// Asked between batches: true stops the scan in flight (what is stored
    /// stays; the next scan completes it) and starts no other.
    public var shouldStop: (@Sendable () -> Bool)?

    public init(lines: Bool = false) { self.lines = lines }
}

/// What one repository's scan came to.
public struct ScanReport: Sendable {
    /// The path the scan was asked for.
    public var path: String
    public var result: Result<ScanOutcome, any Error>
    public var duration: Duration

    /// True when `shouldStop` ended the scan before it finished.
    public var wasStopped: Bool {
        if case .failure(let error) = result { return error is HistoryScanner.Stopped }
        return false
    }
}

/// What a batch of scans came to.
public struct ScanSummary: Sendable {
    public var succeeded = 0
    /// One line per repository that failed: what went wrong, naming it.
    public var failures: [String] = []
    /// A store that could not be written: the batch stopped there, since
    /// every other repository would fail the same way.
    public var storeError: StoreError?
    /// True when `shouldStop` ended the batch.
    public var stopped = false
    /// Every finished scan's report, in the order the targets were given.
    public var reports: [ScanReport] = []

    public init() {}
}

extension CommitCensus {
    /// Scans `targets` into the store, `request.workers` at a time, and calls
    /// `finished` for each in the order given, whichever finishes first.
    ///
    /// Two repositories at once when there are several: a small repository's
    /// scan is too short for its own stages to overlap, and the store takes
    /// the writes of both in turn. This is the one scheduler census and
    /// censusd share.
    public func scan(_ targets: [ScanTarget], _ request: ScanRequest,
                     finished: @escaping @Sendable (ScanReport) -> Void = { _ in }) throws(CensusError) -> ScanSummary {
        guard !targets.isEmpty else { return ScanSummary() }
        let rules = try rules()
        let workers = request.workers ?? (targets.count > 1 ? min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1)
        let board = ScanBoard(targets: targets, shouldStop: request.shouldStop, finished: finished)
        let store = self.store
        let harvest = request.sessionLogs ? Self.sessionHarvest(request.environment, targets: targets) : SessionHarvest()
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, targets.count))) { _ in
            let scanner = HistoryScanner(store: store, rules: rules)
            scanner.sessionHarvest = harvest
            scanner.progress = request.progress
            scanner.shouldStop = request.shouldStop
            while let index = board.next() {
                let target = targets[index]
                let started = ContinuousClock.now
                let result = Result { try scanner.scan(repositoryAt: target.path, searchParents: target.searchParents, lines: request.lines) }
                board.finish(index, ScanReport(path: target.path, result: result, duration: ContinuousClock.now - started))
            }
        }
        var summary = board.summary
        do {
            for horizon in harvest.horizons { try store.recordSessionHorizon(horizon) }
        } catch {
            summary.storeError = summary.storeError ?? error
        }
        return summary
    }

    /// Every commit claim and edit of the session logs in the home folder and
    /// in the targets' roots, read once a batch; a log file unchanged since
    /// the last harvest on this machine is not read again (`HarvestCache`).
    static func sessionHarvest(_ environment: [String: String], targets: [ScanTarget]) -> SessionHarvest {
        let cache = HarvestCache(path: harvestCachePath(environment))
        let summaries = SessionLogs(environment: environment).summaries(repositories: targets.map(\.path), cache: cache)
        cache.save()
        var harvest = SessionHarvest(claims: summaries.flatMap(\.claims), edits: summaries.flatMap(\.editEvents))
        harvest.horizons = Dictionary(grouping: summaries.filter { $0.oldest != nil }, by: \.tool).map { tool, summaries in
            SessionHorizonRecord(collector: CollectorName.current, tool: tool.rawValue,
                                 oldest: Int64(summaries.compactMap(\.oldest).min()!.timeIntervalSince1970),
                                 newest: Int64(summaries.compactMap(\.newest).max()!.timeIntervalSince1970))
        }
        return harvest
    }

    /// `scan` on a thread of its own, for a caller on Swift concurrency (censusd).
    public func scan(_ targets: [ScanTarget], _ request: ScanRequest,
                     finished: @escaping @Sendable (ScanReport) -> Void = { _ in }) async throws(CensusError) -> ScanSummary {
        let result: Result<ScanSummary, CensusError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Result { () throws(CensusError) in try self.scan(targets, request, finished: finished) })
            }
        }
        return try result.get()
    }

    /// HEAD, notes tips, Entire checkpoints and shallowness of the repository at `path`, with the
    /// catalogue and whether lines are counted: what a scan's outcome depends
    /// on. The same fingerprint as at the last successful scan means a scan
    /// would find nothing new. Nil when the repository cannot be opened (the
    /// scan then says why).
    public func fingerprint(ofRepositoryAt path: String, lines: Bool, sessionLogs: String? = nil) -> String? {
        guard let rules = try? rules().summary, let repository = try? Repository(at: path) else { return nil }
        let head = (try? repository.head())?.hex ?? "unborn"
        let notes = rules.notesRefs.compactMap { repository.notesTip($0)?.hex }.joined(separator: ",")
            + EntireCheckpoints.fingerprint(repository)
        return "\(head)|\(notes)|\(repository.isShallow)|\(lines)|\(rules.fingerprint)|\(sessionLogs ?? "")"
    }

    /// Where this machine keeps what its harvests read: `$CENSUS_STATE_DIR`,
    /// else systemd's `$STATE_DIRECTORY` (a unit's `StateDirectory=`), else
    /// `$XDG_STATE_HOME/census` (default `~/.local/state/census`), file `session-logs.json`.
    static func harvestCachePath(_ environment: [String: String]) -> String {
        func absolute(_ name: String) -> String? {
            environment[name].flatMap { $0.split(separator: ":").first.map(String.init) }.flatMap { $0.hasPrefix("/") ? $0 : nil }
        }
        let folder = absolute("CENSUS_STATE_DIR") ?? absolute("STATE_DIRECTORY")
            ?? ((absolute("XDG_STATE_HOME") ?? (SessionLogs(environment: environment).home as NSString).appendingPathComponent(".local/state"))
                as NSString).appendingPathComponent("census")
        return (folder as NSString).appendingPathComponent("session-logs.json")
    }

    /// The state of the AI tools' session logs (their files' count, size and
    /// newest change), for `fingerprint`: a collector that reads them scans
    /// again when a tool has written.
    public static func sessionLogsState(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        repositories: [String]) -> String {
        SessionLogs(environment: environment).state(repositories: repositories)
    }
}

/// Hands out repositories to the scanning threads and reports their results
/// in the order the repositories were given, whichever finishes first.
final class ScanBoard: @unchecked Sendable {
    private let lock = NSLock()
    private let targets: [ScanTarget]
    private let shouldStop: (@Sendable () -> Bool)?
    private let finished: @Sendable (ScanReport) -> Void
    private var nextIndex = 0
    private var reports: [ScanReport?]
    private var nextToShow = 0
    private(set) var summary = ScanSummary()

    init(targets: [ScanTarget], shouldStop: (@Sendable () -> Bool)?, finished: @escaping @Sendable (ScanReport) -> Void) {
        self.targets = targets
        self.shouldStop = shouldStop
        self.finished = finished
        reports = Array(repeating: nil, count: targets.count)
    }

    /// The next repository to scan; nil when all are taken, the store failed or a stop was asked for.
    func next() -> Int? {
        lock.withLock {
            guard summary.storeError == nil, !summary.stopped, shouldStop?() != true, nextIndex < targets.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func finish(_ index: Int, _ report: ScanReport) {
        lock.withLock {
            reports[index] = report
            while nextToShow < reports.count, let ready = reports[nextToShow] {
                switch ready.result {
                case .success: summary.succeeded += 1
                case .failure where ready.wasStopped: summary.stopped = true
                case .failure(let error as StoreError): summary.storeError = summary.storeError ?? error
                case .failure(let error): summary.failures.append(String(describing: error))
                }
                summary.reports.append(ready)
                finished(ready)
                nextToShow += 1
            }
        }
    }
}
