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
    let scanErrors: Counter
    private let lock = NSLock()
    private var gauges: [Gauge] = []
    /// The store's change counter at the last refresh.
    private var refreshedVersion: Int?

    public init(version: String) {
        scanDuration = registry.makeDurationHistogram(
            descriptor: Self.descriptor("census_scan_duration_seconds", "Time taken to scan one repository"),
            buckets: [.milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10), .seconds(60), .seconds(600)])
        scanErrors = registry.makeCounter(descriptor: Self.descriptor("census_scan_errors_total", "Repository scans that failed"))
        registry.makeGauge(descriptor: Self.descriptor("census_build_info", "CommitCensus build"), labels: [("version", version)]).set(to: 1.0)
    }

    /// The registry's descriptor for a metric whose full name is part of the
    /// contract (dashboards query it): split at its last underscore into
    /// name and unit, which the registry joins back unchanged.
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        let cut = name.lastIndex(of: "_")!
        return MetricNameDescriptor(metricName: String(name[..<cut]), unitName: String(name[name.index(after: cut)...]), helpText: help)
    }

    /// Re-reads the figures from the store.
    public func refresh(from census: CommitCensus) {
        // One pass over the store, and only when it changed: a scrape of an
        // idle store costs one PRAGMA.
        let version = try? census.changeCounter()
        lock.lock()
        defer { lock.unlock() }
        if let version, version == refreshedVersion { return }
        guard let repositories = try? census.repositoryFigures() else { return }
        refreshedVersion = version
        for gauge in gauges { registry.unregisterGauge(gauge) }
        gauges.removeAll()
        // Two repositories with one name get their store id appended.
        var seen: [String: Int] = [:]
        for repository in repositories { seen[repository.name, default: 0] += 1 }
        for repository in repositories {
            let label = (seen[repository.name] ?? 0) > 1 ? "\(repository.name)#\(repository.id)" : repository.name
            func gauge(_ name: String, _ labels: [(String, String)], _ value: Double, _ help: String) {
                let metric = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
                metric.set(to: value)
                gauges.append(metric)
            }
            let commitsHelp = "Non-merge commits reachable from HEAD, by class and AI tool"
            gauge("census_commits_total", [("repo", label), ("class", "human"), ("tool", "")], Double(repository.human), commitsHelp)
            gauge("census_commits_total", [("repo", label), ("class", "bot"), ("tool", "")], Double(repository.bot), commitsHelp)
            if repository.tools.isEmpty {
                gauge("census_commits_total", [("repo", label), ("class", "ai"), ("tool", "")], Double(repository.ai), commitsHelp)
            }
            for tool in repository.tools {
                gauge("census_commits_total", [("repo", label), ("class", "ai"), ("tool", tool.tool)], Double(tool.commits), commitsHelp)
            }
            let denominator = repository.ai + repository.human
            gauge("census_ai_share_ratio", [("repo", label)], denominator > 0 ? Double(repository.ai) / Double(denominator) : 0,
                  "AI share of commits: ai / (ai + human)")
            gauge("census_ai_authors", [("repo", label)], Double(repository.aiAuthors), "People with at least one AI commit")
        }
    }

    public func exposition() -> String {
        lock.lock()
        defer { lock.unlock() }
        return registry.emitToString()
    }
}
