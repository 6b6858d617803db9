import Foundation
import Synchronization

/// Report pages and API answers, kept while the store and the configuration
/// are unchanged. A report reads every commit in scope; a dashboard left open
/// by a team, or Grafana polling, would otherwise recompute the same figures
/// on every request. An entry is fresh while the store's change counter and
/// the configuration's generation are those it was computed under, and for
/// at most `maxAge` seconds (relative periods such as `since=30d` move on).
final class ResponseCache: Sendable {
    struct Entry {
        var storeVersion: Int
        var configurationGeneration: Int
        var created: TimeInterval
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

    func store(_ key: String, _ entry: Entry) {
        entries.withLock { entries in
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
        if let current = running[key], current.storeVersion == storeVersion,
           current.configurationGeneration == configurationGeneration {
            return try await current.task.value
        }
        let task = Task { try await compute() }
        running[key] = (storeVersion, configurationGeneration, task)
        let result = await task.result
        if running[key]?.task == task { running[key] = nil }
        return try result.get()
    }
}
