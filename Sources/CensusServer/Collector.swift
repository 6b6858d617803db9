import CensusKit
import Foundation
import Logging
import ServiceLifecycle

/// The collector: keeps every configured repository current in the store.
///
/// Each round it resolves the repositories (the configured ones and those
/// discovered under the roots), skips those whose HEAD and notes have not
/// moved since their last scan (one libgit2 open, no database work), scans the
/// others with CensusKit's scheduler (the one `census scan` uses), and backs off from a
/// repository that fails without ever stopping the others. A shutdown stops a
/// scan after the batch in flight: what is stored stays, the next run
/// completes the rest.
public actor Collector: Service {
    public struct RepositoryState: Sendable {
        public var fingerprint: String?
        public var lastError: String?
        public var failures = 0
        public var retryAt: Date?
    }

    /// CommitCensus under the configuration in force (a new one on SIGHUP, same store).
    public private(set) var census: CommitCensus
    private var configuration: CensusConfiguration { census.configuration }
    private var interval: TimeInterval
    let logger: Logger
    let metrics: CensusMetrics
    private(set) public var states: [String: RepositoryState] = [:]
    private(set) public var firstRoundDone = false
    private var wake: CheckedContinuation<Void, Never>?
    private var triggered = false
    private let stopping = StopFlag()
    private var lastReportDay: String?
    /// Rounds in a row the store refused (a database server down): the next
    /// round comes sooner than the interval, 2 s, 4 s … at most a minute.
    private var storeFailures = 0
    /// Repositories the last round found another collector scanning: the
    /// next round comes within half a lease, to take over from one that died.
    private var leasedElsewhere = 0

    static func storeRetry(after failures: Int) -> TimeInterval {
        min(60, pow(2, Double(min(failures, 6))))
    }

    public init(census: CommitCensus, interval: TimeInterval, logger: Logger, metrics: CensusMetrics) {
        self.census = census
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
    }

    /// Scan now (POST /api/v1/scan), without waiting for the interval.
    public func trigger() {
        triggered = true
        wake?.resume()
        wake = nil
    }

    /// Applies a reloaded configuration (SIGHUP) from the next round on.
    public func reload(_ configuration: CensusConfiguration, interval: TimeInterval) {
        census = census.with(configuration: configuration)
        configurationGeneration += 1
        self.interval = interval
        logger.info("configuration reloaded", metadata: ["repositories": "\(configuration.repositories.count)", "roots": "\(configuration.roots.count)"])
        trigger()
    }

    public var teams: [String: [String]] { configuration.teams }
    /// Counts reloads: what was computed under an older configuration is stale.
    public private(set) var configurationGeneration = 0

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !stopping.isSet {
                await round()
                firstRoundDone = true
                await writeDailyReports()
                if stopping.isSet { break }
                var pause = storeFailures == 0 ? interval : min(interval, Self.storeRetry(after: storeFailures))
                if leasedElsewhere > 0 { pause = min(pause, CommitCensus.leaseSeconds / 2) }
                await sleep(seconds: pause)
            }
        } onGracefulShutdown: {
            self.stopping.set()
            Task { await self.trigger() }
        }
        logger.info("collector stopped")
    }

    private func sleep(seconds: TimeInterval) async {
        if triggered { triggered = false; return }
        await withCheckedContinuation { continuation in
            wake = continuation
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                self.wakeUp()
            }
        }
        triggered = false
    }

    private func wakeUp() {
        wake?.resume()
        wake = nil
    }

    /// One pass over every repository.
    func round() async {
        let targets = ScanTargets.resolve(configuration)
        let started = Date()
        leasedElsewhere = 0
        for failure in targets.failures {
            logger.warning("repository unavailable", metadata: ["path": "\(failure.path)", "error": "\(failure.message)"])
            metrics.scanFailed(label: CommitCensus.repositoryName(at: failure.path), id: census.repositoryID(at: failure.path))
        }
        census.recordUnavailable(targets.failures)
        for folder in targets.unreadable { logger.warning("cannot read folder, skipped", metadata: ["path": "\(folder)"]) }
        for entry in targets.undecodable { logger.warning("name is not valid UTF-8, skipped", metadata: ["path": "\(entry)"]) }
        let lines = configuration.scanLines
        let sessionLogs = configuration.sessionLogs
        var due: [ScanTarget] = []
        var fingerprints: [String: String?] = [:]
        // Harvested on the collector's schedule: logs that changed make every repository due.
        let logs = sessionLogs ? CommitCensus.sessionLogsState(repositories: targets.repositories.map(\.path)) : nil
        for target in targets.repositories {
            let state = states[target.path] ?? RepositoryState()
            if let retryAt = state.retryAt, retryAt > Date() { continue }
            let fingerprint = census.fingerprint(ofRepositoryAt: target.path, lines: lines, sessionLogs: logs)
            if let fingerprint, fingerprint == state.fingerprint { continue }
            fingerprints[target.path] = fingerprint
            due.append(target)
        }
        var request = ScanRequest(lines: lines)
        request.sessionLogs = sessionLogs
        let stopping = self.stopping
        request.shouldStop = { stopping.isSet }
        let summary: ScanSummary
        do {
            summary = try await census.scan(due, request)
        } catch {
            logger.error("cannot load the signal catalogue", metadata: ["error": "\(error)"])
            return
        }
        if let problem = summary.storeError {
            storeFailures += 1
            logger.error("store unavailable", metadata: ["error": "\(problem)", "retry_in_s": "\(Int(Self.storeRetry(after: storeFailures)))"])
        } else {
            storeFailures = 0
        }
        for report in summary.reports {
            metrics.scanDuration.record(report.duration)
            record(report, fingerprint: fingerprints[report.path] ?? nil)
        }
        metrics.roundEnded()
        metrics.refresh(from: census)
        // Every round is logged, also one that found nothing new: an idle collector is not a stalled one.
        let newCommits = summary.reports.reduce(0) { total, report in total + ((try? report.result.get())?.newCommits ?? 0) }
        logger.info("round done", metadata: [
            "repositories": "\(targets.repositories.count)", "scanned": "\(due.count)", "new_commits": "\(newCommits)",
            "failed": "\(targets.failures.count + summary.reports.filter { (try? $0.result.get()) == nil }.count)",
            "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"])
    }

    /// Remembers how a repository's scan went: its fingerprint when it
    /// succeeded, else the error and when to try again.
    private func record(_ report: ScanReport, fingerprint: String?) {
        var state = states[report.path] ?? RepositoryState()
        switch report.result {
        case .success(let outcome) where outcome.status == .scannedElsewhere:
            // Due again next round, which comes within a lease: if the holder died, this collector takes over.
            state.fingerprint = nil
            leasedElsewhere += 1
            logger.info("being scanned by another collector", metadata: ["path": "\(outcome.path)", "notice": "\(outcome.notices.last ?? "")"])
        case .success(let outcome):
            state.fingerprint = fingerprint
            state.lastError = nil
            state.failures = 0
            state.retryAt = nil
            if outcome.newCommits > 0 || outcome.reclassified > 0 {
                logger.info("scanned", metadata: ["path": "\(outcome.path)", "new": "\(outcome.newCommits)", "reclassified": "\(outcome.reclassified)"])
            }
        case .failure where report.wasStopped:
            logger.info("scan stopped for shutdown; the next run completes it", metadata: ["path": "\(report.path)"])
            return
        case .failure(let error as StoreError):
            // The store's fault, not the repository's: retried with the store (see storeFailures).
            state.lastError = String(describing: error)
        case .failure(let error):
            state.failures += 1
            state.lastError = String(describing: error)
            // 30 s, 1 min, 2 min … at most an hour between attempts.
            state.retryAt = Date().addingTimeInterval(min(3600, 30 * pow(2, Double(state.failures - 1))))
            metrics.scanFailed(label: CommitCensus.repositoryName(at: report.path), id: census.repositoryID(at: report.path))
            logger.error("scan failed", metadata: ["path": "\(report.path)", "error": "\(error)", "retry_in_s": "\(Int(state.retryAt!.timeIntervalSinceNow))"])
        }
        states[report.path] = state
    }

    /// At `reports.at` local time each day, the reports in `reports.formats`
    /// go to `reports.directory` as census-YYYY-MM-DD.<ext>.
    func writeDailyReports() async {
        guard let at = configuration.reportsAt, let directory = configuration.reportsDirectory else { return }
        let parts = at.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return }
        let calendar = Calendar.current
        let now = Date()
        let components = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        guard let hour = components.hour, let minute = components.minute, hour * 60 + minute >= parts[0] * 60 + parts[1] else { return }
        let day = String(format: "%04d-%02d-%02d", components.year ?? 0, components.month ?? 0, components.day ?? 0)
        guard lastReportDay != day else { return }
        lastReportDay = day
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let report = try census.report(Scope(), options: census.reportOptions())
            for name in configuration.reportsFormats.isEmpty ? ["html"] : configuration.reportsFormats {
                let format = ReportFormat(rawValue: name) ?? .html
                let file = (directory as NSString).appendingPathComponent("census-\(day).\(format.fileExtension)")
                try Data(try format.render(report).utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            }
            logger.info("daily reports written", metadata: ["directory": "\(directory)", "day": "\(day)"])
        } catch {
            logger.error("cannot write the daily reports", metadata: ["error": "\(error)"])
        }
    }
}

/// A flag set once, read from any thread.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
