import Attribution
import Foundation
internal import GRDB

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
    /// Only commits counted for these people: email globs (`*@platform.example.com`,
    /// case-insensitive) or exact names. Nil: everyone.
    public var people: [String]?

    public init(repositoryIDs: [Int64]? = nil, since: Int64? = nil, until: Int64? = nil,
                dateField: DateField = .author, classes: [CommitClass]? = nil, people: [String]? = nil) {
        self.repositoryIDs = repositoryIDs
        self.since = since
        self.until = until
        self.dateField = dateField
        self.classes = classes
        self.people = people
    }

    var dateColumn: String { dateField == .author ? "authored_at" : "committed_at" }

    /// The WHERE clause, every value bound as an argument, as read in `db`'s
    /// transaction: a repository whose first scan is still running is left
    /// out (its commits are stored visible, and shown by the scan's end).
    func condition(_ db: Database) throws -> SQL {
        let pending = try SQLiteStore.repositoriesBeingScanned(db)
        guard !pending.isEmpty else { return baseCondition }
        return [baseCondition, "c.repository_id NOT IN \(pending)"].joined(separator: " AND ")
    }

    /// The WHERE clause without regard to scans in progress.
    var baseCondition: SQL {
        var parts: [SQL] = ["c.reachable = 1"]
        if let ids = repositoryIDs { parts.append("c.repository_id IN \(ids)") }
        let column = SQL(sql: "c." + dateColumn)
        if let since { parts.append("\(column) >= \(since)") }
        if let until { parts.append("\(column) < \(until)") }
        if let classes { parts.append("c.class IN \(classes.map(\.rawValue))") }
        if let people = peopleCondition { parts.append(people) }
        return parts.joined(separator: " AND ")
    }

    /// The `people` part of the WHERE clause alone; nil when everyone counts.
    var peopleCondition: SQL? {
        guard let people else { return nil }
        var alternatives: [SQL] = people.map { pattern in
            PeoplePatterns.isAddressGlob(pattern)
                ? "c.person_email GLOB \(pattern.lowercased())"
                : "c.person_name = \(pattern)"
        }
        if alternatives.isEmpty { alternatives = ["0"] }
        return "(" + alternatives.joined(separator: " OR ") + ")"
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
    /// Added lines of commits with git-ai notes that no key of them covers:
    /// git-ai saw no one write them. Neither AI's nor a person's.
    public var linesUntracked = 0
    /// Non-merge AI commits by the strongest kind of evidence they rest on
    /// (see `EvidenceSource`): these add up to `ai`.
    public var aiFromTrailerOrIdentity = 0
    public var aiFromGitAINotes = 0
    public var aiFromSessionLog = 0
    public var aiFromAgentTrace = 0
    public var aiFromBranch = 0
    /// Distinct people with at least one non-bot, non-merge commit.
    public var activeAuthors = 0
    /// Distinct people with at least one AI commit.
    public var aiAuthors = 0

    public init() {}

    /// The counts that add up across disjoint sets of commits (the distinct
    /// people counts do not: they are merged by person).
    package static let summedFields: [WritableKeyPath<Tally, Int> & Sendable] = [
        \.commits, \.merges, \.ai, \.human, \.bot, \.aiAttested, \.aiInferred, \.aiAgent, \.aiAssisted,
        \.commitsWithLines, \.linesAI, \.linesHuman, \.linesBot, \.linesUntracked,
        \.aiFromTrailerOrIdentity, \.aiFromGitAINotes, \.aiFromSessionLog, \.aiFromAgentTrace, \.aiFromBranch,
    ]

    /// Where the count of AI commits resting on `source` is kept.
    public static func aiCommits(from source: EvidenceSource) -> WritableKeyPath<Tally, Int> {
        switch source {
        case .trailerOrIdentity: \.aiFromTrailerOrIdentity
        case .gitAINotes: \.aiFromGitAINotes
        case .sessionLog: \.aiFromSessionLog
        case .agentTrace: \.aiFromAgentTrace
        case .branch: \.aiFromBranch
        }
    }

    /// A second reading of `StoredEvidence.strongestSource`, in SQL: the
    /// non-merge AI commits of each source, each for its strongest.
    private static var sourceCounts: SQL {
        SQL(sql: strongestSourceConditions(ai: "c.parent_count < 2 AND c.class = 'ai'")
            .map { "COUNT(CASE WHEN \($0.condition) THEN 1 END)" }.joined(separator: ",\n"))
    }

    /// For each source, in `EvidenceSource.allCases`' order, the SQL condition
    /// that a commit `c` (an AI commit when `ai` holds) rests on it as its
    /// strongest: it carries one of its kinds and none of a stronger source's.
    /// SQLite's aggregates and PostgreSQL's rollups both read evidence so.
    package static func strongestSourceConditions(ai: String) -> [(source: EvidenceSource, condition: String)] {
        var stronger: [String] = []
        return EvidenceSource.allCases.map { source in
            let kinds = SignalKind.allCases.filter { EvidenceSource($0) == source }
            let carries = "(" + kinds.map { "c.evidence LIKE '%\"counts\":true,\"indicates\":\"ai\",\"kind\":\"\($0.rawValue)\"%'" }
                .joined(separator: " OR ") + ")"
            defer { stronger.append(carries) }
            return (source, ([ai] + stronger.map { "NOT " + $0 } + [carries]).joined(separator: " AND "))
        }
    }

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
        TOTAL(CASE WHEN c.parent_count < 2 AND c.class = 'human' THEN c.lines_added + c.lines_deleted - \(untracked(ai: "0"))
                   WHEN c.parent_count < 2 AND c.class = 'ai' AND c.ai_lines IS NOT NULL
                   THEN c.lines_added + c.lines_deleted - MIN(c.ai_lines, c.lines_added)
                        - \(untracked(ai: "MIN(c.ai_lines, c.lines_added)")) END),
        TOTAL(CASE WHEN c.parent_count < 2 AND c.class = 'bot' THEN c.lines_added + c.lines_deleted END),
        \(sourceCounts),
        COUNT(DISTINCT CASE WHEN c.parent_count < 2 AND c.class != 'bot' THEN c.person_email END),
        COUNT(DISTINCT CASE WHEN c.parent_count < 2 AND c.class = 'ai' THEN c.person_email END),
        TOTAL(CASE WHEN c.parent_count < 2 AND c.lines_deleted IS NOT NULL AND c.class = 'human' THEN \(untracked(ai: "0"))
                   WHEN c.parent_count < 2 AND c.lines_deleted IS NOT NULL AND c.class = 'ai' AND c.ai_lines IS NOT NULL
                   THEN \(untracked(ai: "MIN(c.ai_lines, c.lines_added)")) END)
        """

    /// A noted commit's added lines that neither `ai` nor git-ai's people cover (0 without notes).
    private static func untracked(ai: String) -> SQL {
        SQL(sql: "COALESCE(MAX(0, c.lines_added - \(ai) - MIN(c.human_lines, c.lines_added - \(ai))), 0)")
    }

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
        // `sourceCounts`: one column per source, in `EvidenceSource.allCases`' order.
        for (index, source) in EvidenceSource.allCases.enumerated() { self[keyPath: Self.aiCommits(from: source)] = row[offset + 13 + index] }
        let people = offset + 13 + EvidenceSource.allCases.count
        activeAuthors = row[people]
        aiAuthors = row[people + 1]
        linesUntracked = Int(row[people + 2] as Double)
    }
}

/// How trend periods are cut.
public enum Interval: String, Sendable, CaseIterable, Codable {
    case week
    case month
}

extension SQLiteStore {
    /// The first and last commit time in scope, by the filter's date.
    public func timeRange(_ filter: CommitFilter) throws(StoreError) -> (first: Int64, last: Int64)? {
        try read { db in
            let condition = try filter.condition(db)
            let column = SQL(sql: "c." + filter.dateColumn)
            // Two scalar subqueries: each is one probe of a time index, where
            // MIN and MAX in one SELECT scanned every commit in scope.
            let request: SQLRequest<Row> = """
                SELECT (SELECT MIN(\(column)) FROM commit_record c WHERE \(condition)),
                       (SELECT MAX(\(column)) FROM commit_record c WHERE \(condition))
                """
            guard let row = try request.fetchOne(db), let first: Int64 = row[0], let last: Int64 = row[1] else { return nil }
            return (first, last)
        }
    }

    /// Commits matching `filter`, newest first (by the filter's date), with
    /// their repository's path; `after` is where the previous page ended.
    public func commits(_ filter: CommitFilter, limit: Int? = nil, after: PageCursor? = nil) throws(StoreError) -> [(commit: CommitRecord, repositoryPath: String)] {
        try read { db in
            var condition = try filter.condition(db)
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
            // Through a cursor: its rows find a column by name in the statement's
            // index, where a fetched array's copies compare every name lower-cased.
            var found: [(commit: CommitRecord, repositoryPath: String)] = []
            let rows = try request.fetchCursor(db)
            while let row = try rows.next() { found.append((commit: try CommitRecord(row: row), repositoryPath: row["repository_path"])) }
            return found
        }
    }

    /// Stored commits whose sha starts with `prefix`, in any repository or in one.
    public func commits(shaPrefix prefix: String, repositoryID: Int64? = nil) throws(StoreError) -> [(commit: CommitRecord, repositoryPath: String)] {
        let lowered = prefix.lowercased()
        return try read { db in
            var condition: SQL = "c.sha >= \(lowered) AND c.sha < \(lowered + "g")"
            // Through the (repository_id, sha) index, one range per repository.
            let repositories: SQL = repositoryID.map { "c.repository_id = \($0)" } ?? "c.repository_id IN (SELECT id FROM repository)"
            condition = [repositories, condition].joined(separator: " AND ")
            let request: SQLRequest<Row> = """
                SELECT c.*, r.path AS repository_path, r.scan_pending AS repository_scan_pending
                FROM commit_record c JOIN repository r ON r.id = c.repository_id
                WHERE \(condition) ORDER BY r.path LIMIT 20
                """
            return try request.fetchAll(db).map { row in
                var commit = try CommitRecord(row: row)
                // Not counted yet: its repository's first scan has not completed.
                if row["repository_scan_pending"] as Bool { commit.reachable = false }
                return (commit: commit, repositoryPath: row["repository_path"])
            }
        }
    }

    /// Reachable and unreachable commit counts per repository.
    ///
    /// Counted from two indexes, never the table: the reachable rows from the
    /// partial index that holds only them, all rows from the (repository, sha)
    /// key. One GROUP BY over the table read a million wide rows (2.5 s).
    public func commitCounts() throws(StoreError) -> [Int64: (reachable: Int, unreachable: Int)] {
        try read { db in
            let reachable = try Row.fetchAll(db, sql: """
                SELECT repository_id, COUNT(*) FROM commit_record INDEXED BY commit_record_visible_by_repository
                WHERE reachable = 1 GROUP BY repository_id
                """)
            let all = try Row.fetchAll(db, sql: """
                SELECT repository_id, COUNT(*) FROM commit_record INDEXED BY sqlite_autoindex_commit_record_1 GROUP BY repository_id
                """)
            var shown = Dictionary(uniqueKeysWithValues: reachable.map { ($0[0] as Int64, $0[1] as Int) })
            // A first scan in progress: nothing of it counts yet.
            let pending = Set(try Self.repositoriesBeingScanned(db))
            for id in pending { shown[id] = 0 }
            return Dictionary(uniqueKeysWithValues: all.map { row -> (Int64, (reachable: Int, unreachable: Int)) in
                let id: Int64 = row[0]
                let total: Int = pending.contains(id) ? 0 : row[1]
                return (id, (reachable: shown[id] ?? 0, unreachable: total - (shown[id] ?? 0)))
            })
        }
    }
}

/// Where the previous page of `CommitStore.commits(_:limit:after:)` ended:
/// the last commit's date (by the filter's date field) and store id.
public struct PageCursor: Sendable, Equatable {
    public var time: Int64
    public var id: Int64

    public init(time: Int64, id: Int64) {
        self.time = time
        self.id = id
    }
}
