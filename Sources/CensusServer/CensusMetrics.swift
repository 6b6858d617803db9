import CensusKit
import Foundation
import Prometheus

/// The Prometheus metrics censusd exposes on /metrics.
///
/// Labels are repository names, classes and tools, never a person's name, an
/// email address or a commit id: a metrics system keeps labels for a long time
/// and shows them to everyone with access.
public final class CensusMetrics: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    let scanDuration: DurationHistogram
    let scanRounds: Counter
    let lastRound: Gauge
    private let lock = NSLock()
    /// The store's series, written out at the last refresh (`StoreExposition`).
    private var fromStore = ""
    /// Failed scans per repository label; counters live as long as the process.
    private var scanErrors: [String: Counter] = [:]
    /// The store's change counter at the last refresh.
    private var refreshedVersion: Int?
    /// A refresh is reading the store (at most one at a time).
    private var refreshing = false
    /// How long the last refresh took to read the store.
    private var lastRefreshSeconds: TimeInterval = 0
    /// Refreshes that took at least this long are made in the background
    /// from then on, while scrapes get the figures last made (as the
    /// dashboard's answers, see `ResponseCache`): a fleet's store takes
    /// seconds to read, and changes every few seconds while collectors write.
    let refreshInBackgroundAbove: TimeInterval

    public init(version: String, refreshInBackgroundAbove: TimeInterval = CensusHTTP.slowAnswerSeconds) {
        self.refreshInBackgroundAbove = refreshInBackgroundAbove
        scanDuration = registry.makeDurationHistogram(
            descriptor: Self.descriptor("census_scan_duration_seconds", "Time taken to scan one repository"),
            buckets: [.milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10), .seconds(60), .seconds(600)])
        scanRounds = registry.makeCounter(descriptor: Self.descriptor("census_scan_rounds_total",
                                                                      "Rounds over every repository, whether or not they found anything new"))
        lastRound = registry.makeGauge(descriptor: Self.descriptor("census_last_round_timestamp_seconds",
                                                                   "Unix time the last round over every repository ended"))
        registry.makeGauge(descriptor: Self.descriptor("census_build_info", "CommitCensus build"), labels: [("version", version)]).set(to: 1.0)
    }

    /// The registry's descriptor for a metric whose full name is part of the
    /// contract (dashboards query it): split at its last underscore into
    /// name and unit, which the registry joins back unchanged.
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        let cut = name.lastIndex(of: "_")!
        return MetricNameDescriptor(metricName: String(name[..<cut]), unitName: String(name[name.index(after: cut)...]), helpText: help)
    }

    /// Counts a failed scan of the repository named `label`, stored as `id`
    /// (empty `repo_id` when it never was).
    public func scanFailed(label: String, id: Int64?) {
        let labels = [("repo", label), ("repo_id", id.map(String.init) ?? "")]
        let key = "\(label)\u{0}\(labels[1].1)"
        lock.withLock {
            let counter = scanErrors[key] ?? registry.makeCounter(
                descriptor: Self.descriptor("census_scan_errors_total", "Repository scans that failed"), labels: labels)
            scanErrors[key] = counter
            counter.increment()
        }
    }

    /// Counts a round over every repository, ended now.
    public func roundEnded() {
        scanRounds.increment()
        lastRound.set(to: Date().timeIntervalSince1970)
    }

    /// Re-reads the figures from the store when it changed: at once, or,
    /// when the last reading was slow, in the background.
    public func refresh(from census: CommitCensus) {
        _ = refresh(from: census, rendering: false)
    }

    /// What a scrape answers: the figures made again first when the store
    /// changed and reading it is fast; when it is slow, the figures last
    /// made, rendered before the background refresh starts.
    public func scrape(from census: CommitCensus) -> String {
        refresh(from: census, rendering: true) ?? ""
    }

    private func refresh(from census: CommitCensus, rendering: Bool) -> String? {
        let version = try? census.changeCounter()
        let inBackground: Bool? = lock.withLock {
            if let version, version == refreshedVersion { return nil }
            guard !refreshing else { return nil }
            refreshing = true
            return refreshedVersion != nil && lastRefreshSeconds >= refreshInBackgroundAbove
        }
        if inBackground == true {
            let text = rendering ? exposition() : nil
            DispatchQueue.global().async { self.read(census, version: version) }
            return text
        }
        if inBackground == false { read(census, version: version) }
        return rendering ? exposition() : nil
    }

    /// One pass over the store and its series written out, outside the lock; then they replace the last.
    private func read(_ census: CommitCensus, version: Int?) {
        let started = ProcessInfo.processInfo.systemUptime
        let figures = try? census.storeFigures()
        let text = figures.map { figures in
            // Two repositories with one name get their store id appended.
            var seen: [String: Int] = [:]
            for repository in figures.repositories { seen[repository.name, default: 0] += 1 }
            return StoreExposition(figures) { (seen[$0.name] ?? 0) > 1 ? "\($0.name)#\($0.id)" : $0.name }.text
        }
        lock.withLock {
            refreshing = false
            guard let text else { return }
            lastRefreshSeconds = ProcessInfo.processInfo.systemUptime - started
            refreshedVersion = version
            fromStore = text
        }
    }

    public func exposition() -> String {
        lock.lock()
        defer { lock.unlock() }
        return registry.emitToString() + fromStore
    }
}
