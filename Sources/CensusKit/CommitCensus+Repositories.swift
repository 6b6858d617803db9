import CensusStore
import Foundation
import Reports

/// One repository's figures for a metrics exposition: non-merge commits
/// reachable from HEAD by class, AI commits per tool, people with AI commits.
public struct RepositoryFigures: Sendable {
    public var id: Int64
    public var name: String
    public var ai: Int
    public var human: Int
    public var bot: Int
    public var aiAuthors: Int
    /// AI commits per tool, most first.
    public var tools: [(tool: String, commits: Int)]
}

extension CommitCensus {
    /// Every scanned repository: commits, last scan, last error.
    public func repositories() throws -> [RepositoryEntry] {
        try RepositoryEntry.all(in: store)
    }

    /// Every scanned repository's figures, in one pass over the store.
    public func repositoryFigures() throws -> [RepositoryFigures] {
        let figures = try store.aggregate(CommitFilter())
        return try store.repositories().compactMap { repository in
            guard let id = repository.id else { return nil }
            let tally = figures.repositories[id] ?? Tally()
            let tools = (figures.repositoryTools[id] ?? [:]).map { (tool: $0.key, commits: $0.value) }
                .sorted { $0.commits != $1.commits ? $0.commits > $1.commits : $0.tool < $1.tool }
            return RepositoryFigures(id: id, name: repository.name, ai: tally.ai, human: tally.human, bot: tally.bot,
                                     aiAuthors: tally.aiAuthors, tools: tools)
        }
    }
}
