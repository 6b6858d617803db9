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
    /// The metrics re-made from the store on each refresh.
    private var fromStore: (gauges: [Gauge], counters: [Counter]) = ([], [])
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

    /// One pass over the store, outside the lock, then the store's metrics made again from it.
    private func read(_ census: CommitCensus, version: Int?) {
        let started = ProcessInfo.processInfo.systemUptime
        let figures = try? census.storeFigures()
        lock.withLock {
            refreshing = false
            guard let figures else { return }
            lastRefreshSeconds = ProcessInfo.processInfo.systemUptime - started
            refreshedVersion = version
            for gauge in fromStore.gauges { registry.unregisterGauge(gauge) }
            for counter in fromStore.counters { registry.unregisterCounter(counter) }
            fromStore = ([], [])
            gauge("census_org_active_authors", [], figures.activeAuthors, "People with a non-bot commit in any repository, each once")
            gauge("census_org_ai_authors", [], figures.aiAuthors, "People with an AI commit in any repository, each once")
            // Two repositories with one name get their store id appended.
            var seen: [String: Int] = [:]
            for repository in figures.repositories { seen[repository.name, default: 0] += 1 }
            for repository in figures.repositories {
                let label = (seen[repository.name] ?? 0) > 1 ? "\(repository.name)#\(repository.id)" : repository.name
                add(repository, label: label)
            }
        }
    }

    /// One repository's series, labelled by its name (`repo`, dashboards
    /// group by it) and its id (`repo_id`, as `census repos` and the API show
    /// it). Its path is left out: a home folder's name is a person's
    /// (`/api/v1/repos` maps ids to paths).
    private func add(_ repository: RepositoryFigures, label: String) {
        let repo = [("repo", label), ("repo_id", "\(repository.id)")]
        gauge("census_repository_info", repo, 1, "A scanned repository: its name and its id (as census repos and /api/v1/repos show it)")
        let commitsHelp = "Non-merge commits reachable from HEAD, by class and AI tool (tools overlap: a commit made with two counts for both)"
        commits(repo + [("class", "human"), ("tool", "")], repository.human, commitsHelp)
        commits(repo + [("class", "bot"), ("tool", "")], repository.bot, commitsHelp)
        if repository.tools.isEmpty {
            commits(repo + [("class", "ai"), ("tool", "")], repository.ai, commitsHelp)
        }
        for tool in repository.tools {
            commits(repo + [("class", "ai"), ("tool", tool.tool)], tool.commits, commitsHelp)
        }
        gauge("census_ai_commits", repo, repository.ai, "Non-merge AI commits reachable from HEAD, each once whatever its tools")
        let denominator = repository.ai + repository.human
        gauge("census_ai_share_ratio", repo, denominator > 0 ? Double(repository.ai) / Double(denominator) : 0,
              "AI share of commits: ai / (ai + human)")
        gauge("census_active_authors", repo, repository.activeAuthors, "People with at least one non-bot commit")
        gauge("census_ai_authors", repo, repository.aiAuthors, "People with at least one AI commit")
        gauge("census_repository_last_success_timestamp_seconds", repo, repository.lastSuccess ?? 0,
              "Unix time the repository's last scan completed (0: never)")
        gauge("census_repository_failing", repo, repository.failing ? 1 : 0,
              "1 when the repository's last scan failed (census repos shows the error)")
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ value: some BinaryInteger, _ help: String) {
        gauge(name, labels, Double(value), help)
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ value: Double, _ help: String) {
        let metric = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
        metric.set(to: value)
        fromStore.gauges.append(metric)
    }

    /// `census_commits_total` is a counter, as its name says: made afresh at
    /// each refresh, so a history rewrite that removes commits reads as a reset.
    private func commits(_ labels: [(String, String)], _ value: Int, _ help: String) {
        let metric = registry.makeCounter(descriptor: Self.descriptor("census_commits_total", help), labels: labels)
        metric.increment(by: Int64(value))
        fromStore.counters.append(metric)
    }

    public func exposition() -> String {
        lock.lock()
        defer { lock.unlock() }
        return registry.emitToString()
    }
}
