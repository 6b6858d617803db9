import CensusStore
import Foundation
import Reports

/// A page of `commitPage`: its commits and where the next page starts.
public struct CommitPage: Sendable {
    public var commits: [CommitLine]
    /// Opaque to a client (`<time>.<id>`); nil on the last page.
    public var nextCursor: String?
}

extension CommitCensus {
    /// Every commit of `scope`, newest first, at most `limit`, in pages that
    /// keep memory flat however large the store is.
    public func commits(_ scope: Scope, limit: Int? = nil, anonymize: Bool = false,
                        each: (CommitLine) throws -> Void) throws {
        let filter = try filter(scope)
        var after: PageCursor?
        var remaining = limit ?? Int.max
        while remaining > 0 {
            let page = try store.commits(filter, limit: min(remaining, 5000), after: after)
            if page.isEmpty { break }
            for entry in page {
                try each(Self.line(entry.commit, repositoryPath: entry.repositoryPath, anonymize: anonymize))
            }
            remaining -= page.count
            after = page.last.map { PageCursor(time: $0.commit.authoredAt, id: $0.commit.id ?? 0) }
        }
    }

    /// One page of `scope`'s commits after `cursor` (a `nextCursor` of the
    /// page before), for a client that asks page by page; people are
    /// pseudonyms and evidence withheld with `anonymize` (the API: always).
    public func commitPage(_ scope: Scope, limit: Int, cursor: String?, anonymize: Bool) throws -> CommitPage {
        var after: PageCursor?
        if let cursor {
            let parts = cursor.split(separator: ".")
            guard parts.count == 2, let time = Int64(parts[0]), let id = Int64(parts[1]) else {
                throw CensusError("cursor: the next_cursor of the previous page")
            }
            after = PageCursor(time: time, id: id)
        }
        let page = try store.commits(try filter(scope), limit: limit + 1, after: after)
        let shown = page.prefix(limit)
        let next = page.count > limit ? shown.last.map { "\($0.commit.authoredAt).\($0.commit.id ?? 0)" } : nil
        return CommitPage(commits: shown.map { Self.line($0.commit, repositoryPath: $0.repositoryPath, anonymize: anonymize) },
                          nextCursor: next)
    }

    static func line(_ record: CommitRecord, repositoryPath: String, anonymize: Bool) -> CommitLine {
        var line = CommitLine(record, repositoryPath: repositoryPath)
        if anonymize {
            let pseudonym = ReportBuilder.anonymous(line.authorEmail)
            line.authorName = pseudonym
            line.authorEmail = pseudonym
            line.evidence = line.evidence.map { _ in "(withheld: --anonymize)" }
        }
        return line
    }
}
