import CensusStore
import Foundation

/// One scanned repository as `census repos --format json` and `/api/v1/repos` show it.
public struct RepositoryEntry: Codable, Sendable {
    public var id: Int64
    public var path: String
    public var name: String
    public var commits: Int
    public var unreachableCommits: Int
    public var head: String?
    public var branch: String?
    public var lastScanAt: String?
    public var lastError: String?
    public var lastErrorAt: String?
    public var shallow: Bool
    public var bare: Bool
    /// The machine that completed the last scan (a fleet's collector).
    public var collector: String?
    /// When the repository adopted AI tools (see `Report.RepositoryFigure.adoptedAt`).
    public var adoptedAt: String?
    public var adoptionCommit: String?
    public var adoptionFiles: [String]?

    public static func all(in store: any CommitStore) throws -> [RepositoryEntry] {
        let counts = try store.commitCounts()
        return try store.repositories().compactMap { repository in
            guard let id = repository.id else { return nil }
            return RepositoryEntry(
                id: id, path: repository.path, name: repository.name,
                commits: counts[id]?.reachable ?? 0, unreachableCommits: counts[id]?.unreachable ?? 0,
                head: repository.scannedHead, branch: repository.headBranch,
                lastScanAt: repository.scannedAt.map { TimeFormat.utc(Int64($0)) },
                lastError: repository.lastError,
                lastErrorAt: repository.lastErrorAt.map { TimeFormat.utc(Int64($0)) },
                shallow: repository.isShallow, bare: repository.isBare, collector: repository.collector,
                adoptedAt: repository.adoption.map { TimeFormat.utc($0.at) }, adoptionCommit: repository.adoption?.commit,
                adoptionFiles: repository.adoption?.files)
        }
    }

    public static func json(_ entries: [RepositoryEntry]) throws -> String {
        try ReportJSON.text(entries)
    }

    /// `census repos`: one row per repository, hostile names sanitised.
    public static func table(_ entries: [RepositoryEntry]) -> String {
        guard !entries.isEmpty else { return "No repositories scanned yet. Run: census scan PATH\n" }
        return ReportText.table(
            ["id", "repository", "commits", "head", "last scan", "by", "AI adopted", "last error"],
            entries.map {
                ["\($0.id)", Sanitize.terminal($0.path), "\($0.commits)", String(($0.head ?? "-").prefix(12)),
                 $0.lastScanAt ?? "never", Sanitize.terminal($0.collector ?? ""), $0.adoptedAt.map { String($0.prefix(10)) } ?? "-",
                 Sanitize.terminal($0.lastError ?? "")]
            },
            rightAligned: [0, 2])
    }
}
