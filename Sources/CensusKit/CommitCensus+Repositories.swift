import CensusStore
import Foundation
import Reports

/// One repository's figures for a metrics exposition: non-merge commits
/// reachable from HEAD by class, AI commits per tool, people, and how its
/// scans go.
public struct RepositoryFigures: Sendable {
    public var id: Int64
    public var name: String
    public var ai: Int
    public var human: Int
    public var bot: Int
    /// People with a non-bot commit, and with an AI commit.
    public var activeAuthors: Int
    public var aiAuthors: Int
    /// AI commits per tool, most first.
    public var tools: [(tool: String, commits: Int)]
    /// Unix time of the last scan that completed, if any.
    public var lastSuccess: Double?
    /// True when a scan failed after the last one that completed.
    public var failing: Bool
}

/// The figures of every scanned repository, and the distinct people across
/// all of them (a person in two repositories counts once, as in a report).
public struct StoreFigures: Sendable {
    public var repositories: [RepositoryFigures] = []
    public var activeAuthors = 0
    public var aiAuthors = 0
}

extension CommitCensus {
    /// Every scanned repository: commits, last scan, last error.
    public func repositories() throws -> [RepositoryEntry] {
        try RepositoryEntry.all(in: store)
    }

    /// Every scanned repository's figures, in one pass over the store.
    public func storeFigures() throws -> StoreFigures {
        let figures = try store.aggregate(CommitFilter())
        var result = StoreFigures(activeAuthors: figures.tally.activeAuthors, aiAuthors: figures.tally.aiAuthors)
        result.repositories = try store.repositories().compactMap { repository in
            guard let id = repository.id else { return nil }
            let tally = figures.repositories[id] ?? Tally()
            let tools = (figures.repositoryTools[id] ?? [:]).map { (tool: $0.key, commits: $0.value) }
                .sorted { $0.commits != $1.commits ? $0.commits > $1.commits : $0.tool < $1.tool }
            let failing = repository.lastError != nil && (repository.lastErrorAt ?? 0) >= (repository.scannedAt ?? 0)
            return RepositoryFigures(id: id, name: repository.name, ai: tally.ai, human: tally.human, bot: tally.bot,
                                     activeAuthors: tally.activeAuthors, aiAuthors: tally.aiAuthors, tools: tools,
                                     lastSuccess: repository.scannedAt, failing: failing)
        }
        return result
    }

    /// The name a repository at `path` is stored and shown under (`x` for
    /// `x.git` and `x/.git`), also when it cannot be opened.
    public static func repositoryName(at path: String) -> String {
        HistoryScanner.displayName(HistoryScanner.canonicalPath(path))
    }

    /// How long a collector's lease on a repository lasts unrenewed (see `ScanLease`).
    public static var leaseSeconds: TimeInterval { TimeInterval(ScanLease.seconds) }

    /// The id of the repository stored for `path` (as `census repos` shows
    /// it), nil when none is: a repository's one identity across the CLI,
    /// the API and the metrics.
    public func repositoryID(at path: String) -> Int64? {
        (try? store.repositories()).flatMap { Self.storedID(at: path, in: $0) }
    }

    private static func storedID(at path: String, in stored: [RepositoryRecord]) -> Int64? {
        let path = HistoryScanner.canonicalPath(path)
        return stored.first { $0.path == path }?.id
    }

    /// Records on a stored repository that it could not be scanned this time
    /// (its folder vanished, it is no longer a repository): `census repos`,
    /// the API and the dashboard show the error until a scan succeeds.
    /// Paths never scanned are left alone.
    public func recordUnavailable(_ failures: [(path: String, message: String)]) {
        guard !failures.isEmpty, let stored = try? store.repositories() else { return }
        for failure in failures {
            guard let id = Self.storedID(at: failure.path, in: stored) else { continue }
            try? store.recordFailure(repositoryID: id, message: failure.message)
        }
    }
}
