import CensusStore
import Foundation
import PostgresNIO

/// Reports from the rollups (`PostgresRollups`): the figures of the whole
/// store, by author date, in UTC months — the organisation's report, the
/// dashboard's, /metrics' — from a few thousand summed rows. Any other scope
/// (a time range, a repository, a team filter, weeks, another time zone, the
/// committer date) reads the commits; the conformance tests hold both to the
/// same numbers.
extension PostgresStore {
    /// `CENSUS_PG_ROLLUPS=off` reads the commits for every report (the tests compare both ways).
    static let readsRollups = ProcessInfo.processInfo.environment["CENSUS_PG_ROLLUPS"] != "off"

    /// The figures from the rollups, or nil — also when this role may not read
    /// them (a reader granted SELECT before they existed): the report then
    /// reads the commits, and the log says which GRANT brings the rollups back.
    func rollupAggregationIfReadable(_ filter: CommitFilter, periodSets: [Aggregation.Periods], teams: [String: [String]],
                                     on connection: PostgresConnection) throws -> Aggregation? {
        guard let months = RollupMonths(periodSets), filter.people == nil || teams.isEmpty else { return nil }
        // A savepoint, so that a refusal leaves the transaction usable; released
        // either way (the streaming pass exports its snapshot, which a
        // subtransaction cannot).
        try run(connection, "SAVEPOINT rollups")
        do {
            let figures: Aggregation? = switch try rollupScope(filter, on: connection) {
            case .everyone: try rollupAggregation(months, teams: teams, on: connection)
            case .people(let emails): try teamRollupAggregation(emails, months, on: connection)
            case nil: nil
            }
            try run(connection, "RELEASE SAVEPOINT rollups")
            return figures
        } catch let error as PSQLError where error.refusedPermission {
            try run(connection, "ROLLBACK TO SAVEPOINT rollups")
            try run(connection, "RELEASE SAVEPOINT rollups")
            logger.warning("this role cannot read the rollups, so reports read every commit: GRANT SELECT ON ALL TABLES IN SCHEMA public TO it",
                           metadata: ["server": "\(postgres.description)"])
            return nil
        }
    }

    /// Whose commits the rollups can answer `filter` for — everyone's, or a
    /// team's people by e-mail — or nil when they cannot answer exactly.
    func rollupScope(_ filter: CommitFilter, on connection: PostgresConnection) throws -> RollupScope? {
        var everyone = filter
        everyone.people = nil
        guard Self.readsRollups, everyone == CommitFilter() else { return nil }
        // While a first scan runs its commits are stored but not shown; the
        // rollups count them. And months exist only for years 1–9999.
        let state = try run(connection, """
            SELECT EXISTS (SELECT 1 FROM repository WHERE scan_pending),
                   COALESCE((SELECT MIN(authored_at) FROM commit_record WHERE reachable = 1), 0) >= -62135596800,
                   COALESCE((SELECT MAX(authored_at) FROM commit_record WHERE reachable = 1), 0) <= 253402300799
            """).first?.decode((Bool, Bool, Bool).self)
        guard let state, !state.0, state.1, state.2 else { return nil }
        guard let patterns = filter.people else { return .everyone }
        return try teamEmails(PeoplePatterns(patterns), on: connection).map(RollupScope.people)
    }

    /// The figures of the whole store from the rollups, read in `connection`'s transaction.
    private func rollupAggregation(_ months: RollupMonths, teams: [String: [String]], on connection: PostgresConnection) throws -> Aggregation {
        var result = Aggregation()
        try readRepositories(into: &result, connection)
        try readPeople(nil, into: &result, connection)
        try readTools(into: &result, connection)
        try readPeriods(months, into: &result, connection)
        if !teams.isEmpty { try readTeams(teams, into: &result, connection) }
        return result
    }

    private func readRepositories(into result: inout Aggregation, _ connection: PostgresConnection) throws {
        let rows = try run(connection, PostgresQuery(unsafeSQL: """
            SELECT repository_id, active_authors, ai_authors, \(PostgresRollups.sumColumns) FROM rollup_repository WHERE commits + merges > 0
            """))
        for row in rows {
            let cells = row.makeRandomAccess()
            var tally = try Self.tally(cells, from: 3)
            tally.activeAuthors = try cells[1].decode(Int.self)
            tally.aiAuthors = try cells[2].decode(Int.self)
            result.repositories[try cells[0].decode(Int64.self)] = tally
            for field in Tally.summedFields { result.tally[keyPath: field] += tally[keyPath: field] }
        }
    }

    /// Each person's figures (of `emails`; nil: everyone's) and the distinct people among them.
    func readPeople(_ emails: [String]?, into result: inout Aggregation, _ connection: PostgresConnection) throws {
        var binds = PostgresBindings()
        if let emails { binds.append(emails) }
        let rows = try run(connection, PostgresQuery(unsafeSQL: """
            SELECT person_email, commits, ai, adopter_commits, name FROM rollup_person
            WHERE (commits > 0 OR ai > 0)\(emails == nil ? "" : " AND person_email = ANY($1)")
            """, binds: binds))
        for row in rows {
            let (email, commits, ai, adopter, name) = try row.decode((String, Int, Int, Int, String?).self)
            if commits > 0 {
                result.tally.activeAuthors += 1
                result.people.append((email: email, name: name ?? "", commits: commits, ai: ai))
            }
            if ai > 0 { result.tally.aiAuthors += 1 }
            result.adopterCommits += adopter
        }
        result.people.sort { $0.commits != $1.commits ? $0.commits > $1.commits : Array($0.email.utf8).lexicographicallyPrecedes(Array($1.email.utf8)) }
    }

    private func readTools(into result: inout Aggregation, _ connection: PostgresConnection) throws {
        let rows = try run(connection, "SELECT repository_id, tools, commits, attested, lines FROM rollup_repository_tools WHERE commits > 0")
        (result.tools, result.repositoryTools) = try Self.toolSums(rows, key: Int64.self)
    }

    /// Rows of (a key, a tool list, its AI commits, attested ones, lines) as
    /// each tool's figures, most commits first, and each key's commits per tool.
    static func toolSums<Key: Hashable & PostgresDecodable>(_ rows: [PostgresRow], key: Key.Type) throws
        -> (tools: [(tool: String, commits: Int, attested: Int, lines: Int)], byKey: [Key: [String: Int]]) {
        var tools: [String: (commits: Int, attested: Int, lines: Int)] = [:]
        var byKey: [Key: [String: Int]] = [:]
        for row in rows {
            let (key, list, commits, attested, lines) = try row.decode((Key, String, Int, Int, Int).self)
            for name in list.split(separator: ",").map(String.init) {
                var entry = tools[name] ?? (0, 0, 0)
                entry.commits += commits
                entry.attested += attested
                entry.lines += lines
                tools[name] = entry
                byKey[key, default: [:]][name, default: 0] += commits
            }
        }
        let sorted = tools.map { (tool: $0.key, commits: $0.value.commits, attested: $0.value.attested, lines: $0.value.lines) }
            .sorted { $0.commits != $1.commits ? $0.commits > $1.commits : $0.tool < $1.tool }
        return (sorted, byKey)
    }

    /// Each month's figures and distinct people, each person's active months, and the tools of each month.
    private func readPeriods(_ months: RollupMonths, into result: inout Aggregation, _ connection: PostgresConnection) throws {
        result.periods = months.labels.map { _ in [:] }
        result.periodTools = result.periods.map { _ in [:] }
        result.activePeriods = result.periods.map { _ in [:] }
        guard !months.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(months.indexes)
        var tallies: [Int64: Tally] = [:]
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT month, \(PostgresRollups.sumColumns) FROM rollup_month WHERE month = ANY($1)
            """, binds: binds)) {
            let cells = row.makeRandomAccess()
            tallies[try cells[0].decode(Int64.self)] = try Self.tally(cells, from: 1)
        }
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT month, COUNT(*) FILTER (WHERE active > 0), COUNT(*) FILTER (WHERE ai > 0) FROM rollup_person_month
            WHERE month = ANY($1) GROUP BY month
            """, binds: binds)) {
            let (month, active, ai) = try row.decode((Int64, Int, Int).self)
            tallies[month]?.activeAuthors = active
            tallies[month]?.aiAuthors = ai
        }
        var tools: [Int64: [String: Int]] = [:]
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT month, tools, commits FROM rollup_month_tools WHERE month = ANY($1) AND commits > 0
            """, binds: binds)) {
            let (month, list, commits) = try row.decode((Int64, String, Int).self)
            for name in list.split(separator: ",") { tools[month, default: [:]][String(name), default: 0] += commits }
        }
        try fillPeriods(months, tallies: tallies, tools: tools, activeMonths: activeMonths(months, of: nil, connection), into: &result)
    }

    /// In how many of `months` each person (of `emails`; nil: everyone) made a commit.
    func activeMonths(_ months: RollupMonths, of emails: [String]?, _ connection: PostgresConnection) throws -> [String: Int] {
        var binds = PostgresBindings()
        binds.append(months.indexes)
        if let emails { binds.append(emails) }
        var activeMonths: [String: Int] = [:]
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT person_email, COUNT(*) FROM rollup_person_month WHERE month = ANY($1) AND active > 0\(emails == nil ? "" : " AND person_email = ANY($2)")
            GROUP BY person_email
            """, binds: binds)) {
            let (email, count) = try row.decode((String, Int).self)
            activeMonths[email] = count
        }
        return activeMonths
    }

    /// The report's period sets from each month's figures and tools.
    func fillPeriods(_ months: RollupMonths, tallies: [Int64: Tally], tools: [Int64: [String: Int]], activeMonths: [String: Int],
                     into result: inout Aggregation) {
        result.periods = months.labels.map { labels in
            var byLabel: [String: Tally] = [:]
            for (month, label) in labels { if let tally = tallies[month], tally != Tally() { byLabel[label] = tally } }
            return byLabel
        }
        result.periodTools = months.labels.map { labels in
            var byLabel: [String: [String: Int]] = [:]
            for (month, label) in labels { if let counts = tools[month] { byLabel[label] = counts } }
            return byLabel
        }
        result.activePeriods = months.labels.map { _ in activeMonths }
    }

    /// Each team's figures: each person (e-mail and name) in the teams their patterns say, as the commits are.
    private func readTeams(_ teams: [String: [String]], into result: inout Aggregation, _ connection: PostgresConnection) throws {
        let patterns = teams.mapValues(PeoplePatterns.init)
        var tallies = teams.mapValues { _ in Tally() }
        var active = teams.mapValues { _ in Set<String>() }, ai = active
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT person_email, person_name, \(PostgresRollups.sumColumns) FROM rollup_person_name WHERE commits + merges > 0
            """)) {
            let cells = row.makeRandomAccess()
            let email = try cells[0].decode(String?.self), name = try cells[1].decode(String?.self)
            let tally = try Self.tally(cells, from: 2)
            for (team, people) in patterns where people.matches(email: email, name: name) {
                for field in Tally.summedFields { tallies[team]![keyPath: field] += tally[keyPath: field] }
                guard let email else { continue }
                if tally.commits - tally.bot > 0 { active[team]!.insert(email) }
                if tally.ai > 0 { ai[team]!.insert(email) }
            }
        }
        for team in teams.keys {
            tallies[team]!.activeAuthors = active[team]!.count
            tallies[team]!.aiAuthors = ai[team]!.count
        }
        result.teams = tallies
    }

    /// The summed fields from `cells`, starting at `first`, in `PostgresRollups.sums`' order.
    static func tally(_ cells: PostgresRandomAccessRow, from first: Int) throws -> Tally {
        var tally = Tally()
        for (index, field) in Tally.summedFields.enumerated() { tally[keyPath: field] = try cells[first + index].decode(Int.self) }
        return tally
    }
}

/// Whose commits a report from the rollups is about.
enum RollupScope {
    case everyone
    /// A team's people, by e-mail.
    case people([String])
}

/// The report's periods as UTC months (months since 1970-01), when every
/// set is the same months (a trend by month, and the months of the
/// projection); else nil, and the report reads the commits.
struct RollupMonths {
    /// Per period set: each month's index and label.
    let labels: [[(month: Int64, label: String)]]
    var indexes: [Int64] { Array(Set(labels.flatMap { $0.map(\.month) })) }
    var isEmpty: Bool { labels.allSatisfy(\.isEmpty) }

    init?(_ periodSets: [Aggregation.Periods]) {
        var labels: [[(month: Int64, label: String)]] = []
        for set in periodSets {
            var months: [(month: Int64, label: String)] = []
            for period in set {
                guard let month = Self.month(startingAt: period.start), Self.start(of: month + 1) == period.end else { return nil }
                months.append((month, period.label))
            }
            labels.append(months)
        }
        // Each person's active months are counted once, for every set.
        guard labels.allSatisfy({ $0.map(\.month) == labels.first?.map(\.month) }) else { return nil }
        self.labels = labels
    }

    /// The month `time` starts, if it starts one.
    static func month(startingAt time: Int64) -> Int64? {
        guard time % 86_400 == 0 else { return nil }
        let (year, month, day) = CivilDate.date(days: time / 86_400)
        guard day == 1 else { return nil }
        return (year - 1970) * 12 + month - 1
    }

    /// When month `index` starts, UTC (the proleptic Gregorian calendar, as PostgreSQL's).
    static func start(of index: Int64) -> Int64 {
        let years = index >= 0 ? index / 12 : (index - 11) / 12
        let (year, month) = (1970 + years, index - years * 12 + 1)
        return CivilDate.days(year: year, month: month, day: 1) * 86_400
    }
}
