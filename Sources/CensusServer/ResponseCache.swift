import Foundation
import Synchronization

/// Report pages and API answers, kept while the store and the configuration
/// are unchanged. A report reads every commit in scope; a dashboard left open
/// by a team, or Grafana polling, would otherwise recompute the same figures
/// on every request. An entry is fresh while the store's change counter and
/// the configuration's generation are those it was computed under, and for
/// at most `maxAge` seconds (relative periods such as `since=30d` move on).
///
/// An answer that took long to compute (a fleet's store: seconds) is not
/// waited for again on every change: while collectors write, the store
/// changes every few seconds and each request would wait for a report of its
/// own. Its last entry is served (with `Age`) while one computation per
/// target brings it up to date (see `CensusHTTP.cached`).
final class ResponseCache: Sendable {
    struct Entry {
        var storeVersion: Int
        var configurationGeneration: Int
        var created: TimeInterval
        /// How long the answer took to compute.
        var computeSeconds: TimeInterval = 0
        var body: String
        var contentType: String
    }

    let maxAge: TimeInterval
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(maxAge: TimeInterval = 60, capacity: Int = 128) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    func lookup(_ key: String, storeVersion: Int, configurationGeneration: Int,
                now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.storeVersion == storeVersion,
                  entry.configurationGeneration == configurationGeneration, now - entry.created < maxAge else { return nil }
            return entry
        }
    }

    /// The last entry of `key` under this configuration, whatever the store's
    /// version since, while younger than `maxAge`.
    func latest(_ key: String, configurationGeneration: Int,
                now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.configurationGeneration == configurationGeneration,
                  now - entry.created < maxAge else { return nil }
            return entry
        }
    }

    /// Keeps `entry`, unless one computed from a newer store is kept already.
    func store(_ key: String, _ entry: Entry) {
        entries.withLock { entries in
            if let kept = entries[key], kept.configurationGeneration == entry.configurationGeneration,
               kept.storeVersion > entry.storeVersion { return }
            if entries.count >= capacity, entries[key] == nil,
               let oldest = entries.min(by: { $0.value.created < $1.value.created })?.key {
                entries[oldest] = nil
            }
            entries[key] = entry
        }
    }
}

/// Requests that miss the cache together share one computation: when a scan
/// has just changed the store, a dashboard's many open tabs (or wrk's eight
/// connections) would otherwise each compute the same report at once.
actor InFlightComputations {
    typealias Answer = (body: String, contentType: String)
    private var running: [String: (storeVersion: Int, configurationGeneration: Int, task: Task<Answer, any Error>)] = [:]

    func answer(_ key: String, storeVersion: Int, configurationGeneration: Int,
                compute: @escaping @Sendable () async throws -> Answer) async throws -> Answer {
        try await start(key, storeVersion: storeVersion, configurationGeneration: configurationGeneration, compute: compute).value
    }

    /// Starts computing `key` for those who come next, unless a computation
    /// of it is running already (for whatever version: one at a time).
    func refresh(_ key: String, storeVersion: Int, configurationGeneration: Int,
                 compute: @escaping @Sendable () async throws -> Answer) {
        guard running[key] == nil else { return }
        _ = start(key, storeVersion: storeVersion, configurationGeneration: configurationGeneration, compute: compute)
    }

    /// The computation of `key` for this version, joined when it runs already.
    private func start(_ key: String, storeVersion: Int, configurationGeneration: Int,
                       compute: @escaping @Sendable () async throws -> Answer) -> Task<Answer, any Error> {
        if let current = running[key], current.storeVersion == storeVersion,
           current.configurationGeneration == configurationGeneration {
            return current.task
        }
        let task = Task { try await compute() }
        running[key] = (storeVersion, configurationGeneration, task)
        Task { _ = await task.result; self.finished(key, task) }
        return task
    }

    private func finished(_ key: String, _ task: Task<Answer, any Error>) {
        if running[key]?.task == task { running[key] = nil }
    }
}
