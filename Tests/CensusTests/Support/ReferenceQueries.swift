@testable import CensusStore
import GRDB

// Per-figure SQL queries, one figure each: the reference that the one-pass
// aggregation (CensusStore.aggregate) is checked against. Only tests use them,
// so they live here, beside the tests, not in the store's public API.
extension SQLiteStore {
    func tally(_ filter: CommitFilter) throws(StoreError) -> Tally {
        try read { db in
            let condition = try filter.condition(db)
            let request: SQLRequest<Row> = "SELECT \(Tally.selection) FROM commit_record c WHERE \(condition)"
            guard let row = try request.fetchOne(db) else { return Tally() }
            return Tally(row: row, offset: 0)
        }
    }

    /// AI and human commits made by people at or after their own first AI commit.
    func adopterCommits(_ filter: CommitFilter) throws(StoreError) -> Int {
        try read { db in
            let condition = try filter.condition(db)
            let time = SQL(sql: "c." + filter.dateColumn)
            let request: SQLRequest<Int> = """
                SELECT COUNT(*) FROM commit_record c
                JOIN (SELECT c.person_email AS email, MIN(\(time)) AS first FROM commit_record c
                      WHERE \(condition) AND c.parent_count < 2 AND c.class = 'ai' GROUP BY c.person_email) adopter
                  ON c.person_email = adopter.email
                WHERE \(condition) AND c.parent_count < 2 AND c.class IN ('ai', 'human') AND \(time) >= adopter.first
                """
            return try request.fetchOne(db) ?? 0
        }
    }

    /// Non-merge AI commits per tool. A commit with two tools counts for both.
    func toolTallies(_ filter: CommitFilter) throws(StoreError) -> [(tool: String, commits: Int, attested: Int, lines: Int)] {
        try read { db in
            let condition = try filter.condition(db)
            let request: SQLRequest<Row> = """
                SELECT t.tool, COUNT(*), COUNT(CASE WHEN c.confidence = 'attested' THEN 1 END),
                       TOTAL(c.lines_added + c.lines_deleted)
                FROM commit_tool t JOIN commit_record c ON c.id = t.commit_id
                WHERE \(condition) AND c.parent_count < 2 AND c.class = 'ai'
                GROUP BY t.tool ORDER BY COUNT(*) DESC, t.tool
                """
            return try request.fetchAll(db).map { row in
                (tool: row[0], commits: row[1], attested: row[2], lines: Int(row[3] as Double))
            }
        }
    }

    /// A tally per repository.
    func repositoryTallies(_ filter: CommitFilter) throws(StoreError) -> [(repository: RepositoryRecord, tally: Tally)] {
        try read { db in
            let condition = try filter.condition(db)
            let request: SQLRequest<Row> = """
                SELECT c.repository_id, \(Tally.selection)
                FROM commit_record c WHERE \(condition) GROUP BY c.repository_id
                """
            let rows = try request.fetchAll(db)
            let repositories = Dictionary(uniqueKeysWithValues: try RepositoryRecord.fetchAll(db).map { ($0.id!, $0) })
            return rows.compactMap { row in
                guard let repository = repositories[row[0]] else { return nil }
                return (repository, Tally(row: row, offset: 1))
            }.sorted { $0.repository.path < $1.repository.path }
        }
    }

    /// Runs `body` for each chunk of periods as an SQL `VALUES` list, so the
    /// bound parameters stay well under SQLite's limit.
    private func forEachPeriodChunk(_ periods: [(label: String, start: Int64, end: Int64)], _ body: (SQL) throws -> Void) rethrows {
        for start in stride(from: 0, to: periods.count, by: 300) {
            let chunk = periods[start..<min(start + 300, periods.count)]
            try body(chunk.map { period -> SQL in "(\(period.label), \(period.start), \(period.end))" }.joined(separator: ", "))
        }
    }

    /// A tally per period. Periods are given as instants (`start` inclusive,
    /// `end` exclusive), so the caller decides calendars and time zones.
    func periodTallies(_ filter: CommitFilter, periods: [(label: String, start: Int64, end: Int64)]) throws(StoreError) -> [String: Tally] {
        guard !periods.isEmpty else { return [:] }
        return try read { db in
            let condition = try filter.condition(db)
            var result: [String: Tally] = [:]
            let column = SQL(sql: "c." + filter.dateColumn)
            // Named: with the periods as bound values the planner preferred an
            // automatic index over all reachable commits, scanned per period.
            let index = SQL(sql: "commit_record_visible_by_" + filter.dateColumn)
            try forEachPeriodChunk(periods) { values in
                let request: SQLRequest<Row> = """
                    WITH periods(label, start, finish) AS (VALUES \(values))
                    SELECT p.label, \(Tally.selection)
                    FROM periods p CROSS JOIN commit_record c INDEXED BY \(index) ON \(column) >= p.start AND \(column) < p.finish
                    WHERE \(condition) GROUP BY p.label
                    """
                for row in try request.fetchAll(db) { result[row[0]] = Tally(row: row, offset: 1) }
            }
            return result
        }
    }

    /// AI commits per period and tool (non-merge; a commit with two tools counts for both).
    func periodToolCounts(_ filter: CommitFilter, periods: [(label: String, start: Int64, end: Int64)]) throws(StoreError) -> [String: [String: Int]] {
        guard !periods.isEmpty else { return [:] }
        return try read { db in
            let condition = try filter.condition(db)
            var result: [String: [String: Int]] = [:]
            let column = SQL(sql: "c." + filter.dateColumn)
            // Named: with the periods as bound values the planner preferred an
            // automatic index over all reachable commits, scanned per period.
            let index = SQL(sql: "commit_record_visible_by_" + filter.dateColumn)
            try forEachPeriodChunk(periods) { values in
                let request: SQLRequest<Row> = """
                    WITH periods(label, start, finish) AS (VALUES \(values))
                    SELECT p.label, t.tool, COUNT(*)
                    FROM periods p CROSS JOIN commit_record c INDEXED BY \(index) ON \(column) >= p.start AND \(column) < p.finish
                    JOIN commit_tool t ON t.commit_id = c.id
                    WHERE \(condition) AND c.parent_count < 2 AND c.class = 'ai'
                    GROUP BY p.label, t.tool
                    """
                for row in try request.fetchAll(db) { result[row[0], default: [:]][row[1]] = row[2] }
            }
            return result
        }
    }

    /// Per person: commits and AI commits (non-merge, non-bot), most active
    /// first, named as in their latest commit (by the filter's date; ties: the
    /// larger name).
    func personTallies(_ filter: CommitFilter) throws(StoreError) -> [(email: String, name: String, commits: Int, ai: Int)] {
        try read { db in
            let condition = try filter.condition(db)
            // Git's times are never negative: twenty zero-padded digits order as numbers.
            let latestName: SQL = "substr(MAX(printf('%020d', c.\(sql: filter.dateColumn)) || c.person_name), 21)"
            let request: SQLRequest<Row> = """
                SELECT c.person_email, \(latestName), COUNT(*), COUNT(CASE WHEN c.class = 'ai' THEN 1 END)
                FROM commit_record c
                WHERE \(condition) AND c.parent_count < 2 AND c.class != 'bot' AND c.person_email IS NOT NULL
                GROUP BY c.person_email ORDER BY COUNT(*) DESC, c.person_email
                """
            return try request.fetchAll(db).map { (email: $0[0], name: $0[1] ?? "", commits: $0[2], ai: $0[3]) }
        }
    }
}
