import Attribution
import CensusKit
import CensusStore
import Foundation
import GitHistory
import Logging
import Reports
import ServiceLifecycle

/// The collector: keeps every configured repository current in the store.
///
/// Each round it resolves the repositories (the configured ones and those
/// discovered under the roots), skips those whose HEAD and notes have not
/// moved since their last scan (one libgit2 open, no database work), scans the
/// others one after another on a background thread, and backs off from a
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

    let store: any CommitStore
    private var configuration: CensusConfiguration
    private var interval: TimeInterval
    let logger: Logger
    let metrics: CensusMetrics
    private(set) public var states: [String: RepositoryState] = [:]
    private(set) public var firstRoundDone = false
    private var wake: CheckedContinuation<Void, Never>?
    private var triggered = false
    private let stopping = StopFlag()
    private var lastReportDay: String?

    public init(store: any CommitStore, configuration: CensusConfiguration, interval: TimeInterval, logger: Logger, metrics: CensusMetrics) {
        self.store = store
        self.configuration = configuration
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
        self.configuration = configuration
        configurationGeneration += 1
        self.interval = interval
        logger.info("configuration reloaded", metadata: ["repositories": "\(configuration.repositories.count)", "roots": "\(configuration.roots.count)"])
        trigger()
    }

    public var teams: [String: [String]] { configuration.teams }
    /// The configuration in force (it changes on SIGHUP).
    public var configurationSnapshot: CensusConfiguration { configuration }
    /// Counts reloads: what was computed under an older configuration is stale.
    public private(set) var configurationGeneration = 0

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !stopping.isSet {
                await round()
                firstRoundDone = true
                await writeDailyReports()
                if stopping.isSet { break }
                await sleep(seconds: interval)
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
        var targets = ScanTargets.resolve(configuration.repositories)
        for root in configuration.roots {
            let discovery = RepositoryDiscovery(maxDepth: root.depth, excludedNames: RepositoryDiscovery().excludedNames.union(root.exclude))
            targets.merge(ScanTargets.resolve([root.path], discovery: discovery))
        }
        for failure in targets.failures {
            logger.warning("repository unavailable", metadata: ["path": "\(failure.path)", "error": "\(failure.message)"])
            metrics.scanErrors.increment()
        }
        for folder in targets.unreadable { logger.warning("cannot read folder, skipped", metadata: ["path": "\(folder)"]) }
        for entry in targets.undecodable { logger.warning("name is not valid UTF-8, skipped", metadata: ["path": "\(entry)"]) }
        let catalogue: Catalogue
        do { catalogue = try configuration.catalogue() } catch {
            logger.error("cannot load the signal catalogue", metadata: ["error": "\(error)"])
            return
        }
        let classifier = Classifier(catalogue: catalogue)
        let lines = configuration.scanLines
        for target in targets.repositories {
            if stopping.isSet { return }
            var state = states[target.path] ?? RepositoryState()
            if let retryAt = state.retryAt, retryAt > Date() { continue }
            let fingerprint = Self.fingerprint(target.path, classifier: classifier, lines: lines)
            if let fingerprint, fingerprint == state.fingerprint { continue }
            let started = ContinuousClock.now
            let result = await scanOffActor(target.path, classifier: classifier, lines: lines)
            metrics.scanDuration.recordNanoseconds(Int64((ContinuousClock.now - started).components.attoseconds / 1_000_000_000
                                                         + (ContinuousClock.now - started).components.seconds * 1_000_000_000))
            switch result {
            case .success(let outcome):
                state.fingerprint = fingerprint
                state.lastError = nil
                state.failures = 0
                state.retryAt = nil
                if outcome.newCommits > 0 || outcome.reclassified > 0 {
                    logger.info("scanned", metadata: ["path": "\(outcome.path)", "new": "\(outcome.newCommits)", "reclassified": "\(outcome.reclassified)"])
                }
            case .failure(let error):
                if error is HistoryScanner.Stopped {
                    logger.info("scan stopped for shutdown; the next run completes it", metadata: ["path": "\(target.path)"])
                    return
                }
                state.failures += 1
                state.lastError = String(describing: error)
                // 30 s, 1 min, 2 min … at most an hour between attempts.
                state.retryAt = Date().addingTimeInterval(min(3600, 30 * pow(2, Double(state.failures - 1))))
                metrics.scanErrors.increment()
                logger.error("scan failed", metadata: ["path": "\(target.path)", "error": "\(error)", "retry_in_s": "\(Int(state.retryAt!.timeIntervalSinceNow))"])
            }
            states[target.path] = state
        }
        metrics.refresh(from: store)
    }

    private func scanOffActor(_ path: String, classifier: Classifier, lines: Bool) async -> Result<ScanOutcome, any Error> {
        let store = self.store
        let stopping = self.stopping
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                let scanner = HistoryScanner(store: store, classifier: classifier)
                scanner.shouldStop = { stopping.isSet }
                do {
                    continuation.resume(returning: .success(try scanner.scan(repositoryAt: path, lines: lines)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    /// HEAD, notes tips and shallowness: what a scan's outcome depends on in
    /// the repository. Nil when the repository cannot be opened (the scan then
    /// reports why).
    static func fingerprint(_ path: String, classifier: Classifier, lines: Bool) -> String? {
        guard let repository = try? Repository(at: path) else { return nil }
        let head = (try? repository.head())?.hex ?? "unborn"
        let notes = classifier.catalogue.notesRefs.compactMap { repository.notesTip($0)?.hex }.joined(separator: ",")
        return "\(head)|\(notes)|\(repository.isShallow)|\(lines)|\(classifier.fingerprint)"
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
            let options = ReportOptions(configuration: configuration)
            let report = try ReportBuilder(store: store, filter: CommitFilter(), options: options).build()
            for format in configuration.reportsFormats.isEmpty ? ["html"] : configuration.reportsFormats {
                let (text, ext): (String, String) = switch format {
                case "json": (try report.json() + "\n", "json")
                case "markdown": (ReportMarkdown.render(report), "md")
                case "csv": (ReportCSV.render(report), "csv")
                case "text": (ReportText.render(report), "txt")
                default: (ReportHTML.render(report), "html")
                }
                let file = (directory as NSString).appendingPathComponent("census-\(day).\(ext)")
                try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
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
