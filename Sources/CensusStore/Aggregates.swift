import Attribution
import Foundation
import GRDB

/// Which commits a query covers. Only commits reachable from each
/// repository's scanned HEAD count.
public struct CommitFilter: Sendable, Equatable {
    public enum DateField: String, Sendable { case author, committer }

    /// Nil: every stored repository.
    public var repositoryIDs: [Int64]?
    /// Unix seconds, inclusive.
    public var since: Int64?
    /// Unix seconds, exclusive.
    public var until: Int64?
    public var dateField: DateField
    public var classes: [CommitClass]?

    public init(repositoryIDs: [Int64]? = nil, since: Int64? = nil, until: Int64? = nil,
                dateField: DateField = .author, classes: [CommitClass]? = nil) {
        self.repositoryIDs = repositoryIDs
        self.since = since
        self.until = until
        self.dateField = dateField
        self.classes = classes
    }

    var dateColumn: String { dateField == .author ? "authored_at" : "committed_at" }

    /// The WHERE clause, every value bound as an argument.
    var condition: SQL {
        var parts: [SQL] = ["c.reachable = 1"]
        if let ids = repositoryIDs { parts.append("c.repository_id IN \(ids)") }
        let column = SQL(sql: "c." + dateColumn)
        if let since { parts.append("\(column) >= \(since)") }
        if let until { parts.append("\(column) < \(until)") }
        if let classes { parts.append("c.class IN \(classes.map(\.rawValue))") }
        return parts.joined(separator: " AND ")
    }
}

/// Commit counts by class over a set of commits. Merges are counted apart and
/// are in none of the class counts.
///
/// Lines: an AI commit's changed lines are AI lines, unless git-ai notes
/// attest how many an agent wrote; then those (at most the lines added) are
/// AI and the rest of the commit's lines count as the person's.
public struct Tally: Sendable, Equatable, Codable {
    public var commits = 0
    public var merges = 0
    public var ai = 0
    public var human = 0
    public var bot = 0
    public var aiAttested = 0
    public var aiInferred = 0
    public var aiAgent = 0
    public var aiAssisted = 0
    /// Non-merge commits whose line counts are known.
    public var commitsWithLines = 0
    public var linesAI = 0
    public var linesHuman = 0
    public var linesBot = 0

    public init() {}

    static let selection: SQL = """
        COUNT(CASE WHEN c.parent_count < 2 THEN 1 END),
        COUNT(CASE WHEN c.parent_count >= 2 THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'ai' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'human' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'bot' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'ai' AND c.confidence = 'attested' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'ai' AND c.confidence = 'inferred' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'ai' AND c.mode = 'agent' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.class = 'ai' AND c.mode = 'assisted' THEN 1 END),
        COUNT(CASE WHEN c.parent_count < 2 AND c.lines_added IS NOT NULL THEN 1 END),
        TOTAL(CASE WHEN c.parent_count < 2 AND c.class = 'ai' THEN
            CASE WHEN c.ai_lines IS NULL THEN c.lines_added + c.lines_deleted ELSE MIN(c.ai_lines, c.lines_added) END END),
        TOTAL(CASE WHEN c.parent_count < 2 AND c.class = 'human' THEN c.lines_added + c.lines_deleted
                   WHEN c.parent_count < 2 AND c.class = 'ai' AND c.ai_lines IS NOT NULL
                   THEN c.lines_added + c.lines_deleted - MIN(c.ai_lines, c.lines_added) END),
        TOTAL(CASE WHEN c.parent_count < 2 AND c.class = 'bot' THEN c.lines_added + c.lines_deleted END)
        """

    init(row: Row, offset: Int) {
        commits = row[offset]
        merges = row[offset + 1]
        ai = row[offset + 2]
        human = row[offset + 3]
        bot = row[offset + 4]
        aiAttested = row[offset + 5]
        aiInferred = row[offset + 6]
        aiAgent = row[offset + 7]
        aiAssisted = row[offset + 8]
        commitsWithLines = row[offset + 9]
        linesAI = Int(row[offset + 10] as Double)
        linesHuman = Int(row[offset + 11] as Double)
        linesBot = Int(row[offset + 12] as Double)
    }
}

/// How trend periods are cut.
public enum Interval: String, Sendable, CaseIterable, Codable {
    case week
    case month
}

extension CensusStore {
    public func tally(_ filter: CommitFilter) throws(StoreError) -> Tally {
        try read { db in
            let request: SQLRequest<Row> = "SELECT \(Tally.selection) FROM commit_record c WHERE \(filter.condition)"
            guard let row = try request.fetchOne(db) else { return Tally() }
            return Tally(row: row, offset: 0)
        }
    }

    /// Non-merge AI commits per tool. A commit with two tools counts for both.
    public func toolTallies(_ filter: CommitFilter) throws(StoreError) -> [(tool: String, commits: Int, attested: Int, lines: Int)] {
        try read { db in
            let request: SQLRequest<Row> = """
                SELECT t.tool, COUNT(*), COUNT(CASE WHEN c.confidence = 'attested' THEN 1 END),
                       TOTAL(c.lines_added + c.lines_deleted)
                FROM commit_tool t JOIN commit_record c ON c.id = t.commit_id
                WHERE \(filter.condition) AND c.parent_count < 2 AND c.class = 'ai'
                GROUP BY t.tool ORDER BY COUNT(*) DESC, t.tool
                """
            return try request.fetchAll(db).map { row in
                (tool: row[0], commits: row[1], attested: row[2], lines: Int(row[3] as Double))
            }
        }
    }

    /// A tally per repository.
    public func repositoryTallies(_ filter: CommitFilter) throws(StoreError) -> [(repository: RepositoryRecord, tally: Tally)] {
        try read { db in
            let request: SQLRequest<Row> = """
                SELECT c.repository_id, \(Tally.selection)
                FROM commit_record c WHERE \(filter.condition) GROUP BY c.repository_id
                """
            let rows = try request.fetchAll(db)
            let repositories = Dictionary(uniqueKeysWithValues: try RepositoryRecord.fetchAll(db).map { ($0.id!, $0) })
            return rows.compactMap { row in
                guard let repository = repositories[row[0]] else { return nil }
                return (repository, Tally(row: row, offset: 1))
            }.sorted { $0.repository.path < $1.repository.path }
        }
    }

    /// A tally per period, keyed by the period's first day (`2026-03-01`, or the
    /// Monday of a week), in UTC shifted by `utcOffsetSeconds`.
    public func periodTallies(_ filter: CommitFilter, interval: Interval, utcOffsetSeconds: Int = 0) throws(StoreError) -> [(period: String, tally: Tally)] {
        try read { db in
            let column = SQL(sql: "c." + filter.dateColumn)
            let start: SQL = switch interval {
            case .month: "strftime('%Y-%m-01', \(column) + \(utcOffsetSeconds), 'unixepoch')"
            // 'weekday 0' moves to the next Sunday (or stays); six days back is that week's Monday.
            case .week: "date(\(column) + \(utcOffsetSeconds), 'unixepoch', 'weekday 0', '-6 days')"
            }
            let request: SQLRequest<Row> = """
                SELECT \(start) AS period, \(Tally.selection)
                FROM commit_record c WHERE \(filter.condition) GROUP BY period ORDER BY period
                """
            return try request.fetchAll(db).map { row in (period: row[0], tally: Tally(row: row, offset: 1)) }
        }
    }

    /// Where the previous page of `commits(_:limit:after:)` ended.
    public struct PageCursor: Sendable, Equatable {
        public var time: Int64
        public var id: Int64

        public init(time: Int64, id: Int64) {
            self.time = time
            self.id = id
        }
    }

    /// Commits matching `filter`, newest first (by the filter's date), with
    /// their repository's path; `after` is where the previous page ended.
    public func commits(_ filter: CommitFilter, limit: Int? = nil, after: PageCursor? = nil) throws(StoreError) -> [(commit: CommitRecord, repositoryPath: String)] {
        try read { db in
            var condition = filter.condition
            let column = SQL(sql: "c." + filter.dateColumn)
            if let after {
                condition = [condition, "(\(column) < \(after.time) OR (\(column) = \(after.time) AND c.id < \(after.id)))"]
                    .joined(separator: " AND ")
            }
            var request: SQLRequest<Row> = """
                SELECT c.*, r.path AS repository_path FROM commit_record c JOIN repository r ON r.id = c.repository_id
                WHERE \(condition) ORDER BY \(column) DESC, c.id DESC
                """
            if let limit { request = "\(request) LIMIT \(limit)" }
            return try request.fetchAll(db).map { row in
                (commit: try CommitRecord(row: row), repositoryPath: row["repository_path"])
            }
        }
    }

    /// Stored commits whose sha starts with `prefix`, in any repository or in one.
    public func commits(shaPrefix prefix: String, repositoryID: Int64? = nil) throws(StoreError) -> [(commit: CommitRecord, repositoryPath: String)] {
        let lowered = prefix.lowercased()
        return try read { db in
            var condition: SQL = "c.sha >= \(lowered) AND c.sha < \(lowered + "g")"
            if let repositoryID { condition = [condition, "c.repository_id = \(repositoryID)"].joined(separator: " AND ") }
            let request: SQLRequest<Row> = """
                SELECT c.*, r.path AS repository_path FROM commit_record c JOIN repository r ON r.id = c.repository_id
                WHERE \(condition) ORDER BY r.path LIMIT 20
                """
            return try request.fetchAll(db).map { row in
                (commit: try CommitRecord(row: row), repositoryPath: row["repository_path"])
            }
        }
    }

    /// Reachable commit count per repository.
    public func commitCounts() throws(StoreError) -> [Int64: (reachable: Int, unreachable: Int)] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT repository_id, COUNT(CASE WHEN reachable THEN 1 END), COUNT(CASE WHEN NOT reachable THEN 1 END)
                FROM commit_record GROUP BY repository_id
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], (reachable: $0[1], unreachable: $0[2])) })
        }
    }
}
