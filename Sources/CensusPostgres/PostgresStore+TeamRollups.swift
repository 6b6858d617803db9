import CensusStore
import PostgresNIO

/// One team's report from the rollups kept per person: its people's rows,
/// a few thousand, instead of their commits (a quarter of a million at 10 M).
///
/// A team is its people patterns, matched per commit against the person's
/// e-mail and name. The rollups are kept by e-mail, so they answer exactly
/// when every name an e-mail was written with is in the team or none is, and
/// no commit without an e-mail is in it; else the commits are read.
extension PostgresStore {
    /// The first and last commit of a team: `answered` is false when the
    /// rollups cannot say whose commits they are (the commits are read instead).
    func rollupTimeRange(_ filter: CommitFilter, on connection: PostgresConnection) throws
        -> (answered: Bool, range: (first: Int64, last: Int64)?) {
        guard filter.people != nil else { return (false, nil) }
        let scope: RollupScope?
        do {
            scope = try rollupScope(filter, on: connection)
        } catch let error as PSQLError where error.refusedPermission {
            return (false, nil)
        }
        guard case .people(let emails) = scope else { return (false, nil) }
        var binds = PostgresBindings()
        binds.append(emails)
        // Each person's first and last commit, one probe each of `commit_record_people`.
        let person = "c.person_email = e.email AND c.reachable = 1 AND c.person_email IS NOT NULL"
        let times = try run(connection, PostgresQuery(unsafeSQL: """
            SELECT MIN(f.at), MAX(l.at) FROM unnest($1::text[]) AS e(email)
            CROSS JOIN LATERAL (SELECT c.authored_at AS at FROM commit_record c WHERE \(person) ORDER BY c.authored_at LIMIT 1) f
            CROSS JOIN LATERAL (SELECT c.authored_at AS at FROM commit_record c WHERE \(person) ORDER BY c.authored_at DESC LIMIT 1) l
            """, binds: binds)).first?.decode((Int64?, Int64?).self)
        guard let first = times?.0, let last = times?.1 else { return (true, nil) }
        return (true, (first, last))
    }

    /// The e-mails of a team's people, when the rollups by e-mail hold exactly its commits (else nil).
    func teamEmails(_ patterns: PeoplePatterns, on connection: PostgresConnection) throws -> [String]? {
        var decided: [String: Bool] = [:]
        for row in try run(connection, "SELECT person_email, person_name FROM rollup_person_name WHERE commits + merges > 0") {
            let (email, name) = try row.decode((String?, String?).self)
            let matches = patterns.matches(email: email, name: name)
            guard let email else {
                if matches { return nil }
                continue
            }
            if let earlier = decided.updateValue(matches, forKey: email), earlier != matches { return nil }
        }
        return decided.filter(\.value).keys.sorted()
    }

    /// The figures of the people of `emails` from the rollups, read in
    /// `connection`'s transaction. Per repository only what a report shows
    /// of it (`Aggregation.repositories`); the repositories' tools are not read.
    func teamRollupAggregation(_ emails: [String], _ months: RollupMonths, on connection: PostgresConnection) throws -> Aggregation {
        var result = Aggregation()
        var binds = PostgresBindings()
        binds.append(emails)
        try readTeamRepositories(binds, into: &result, connection)
        let tallies = try readTeamMonths(binds, into: &result, connection)
        try readPeople(emails, into: &result, connection)
        let tools = try readTeamTools(binds, into: &result, connection)
        let active = months.isEmpty ? [:] : try activeMonths(months, of: emails, connection)
        fillPeriods(months, tallies: tallies, tools: tools, activeMonths: active, into: &result)
        return result
    }

    /// Each repository's commits, AI, human and bot commits and distinct people, from the key's index alone.
    private func readTeamRepositories(_ binds: PostgresBindings, into result: inout Aggregation, _ connection: PostgresConnection) throws {
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT repository_id, COUNT(*) FILTER (WHERE active > 0), COUNT(*) FILTER (WHERE ai > 0),
                   SUM(commits)::bigint, SUM(merges)::bigint, SUM(ai)::bigint, SUM(human)::bigint, SUM(bot)::bigint
            FROM rollup_repository_people WHERE person_email = ANY($1) GROUP BY 1 HAVING SUM(commits + merges) > 0
            """, binds: binds)) {
            let (id, active, aiPeople, commits, merges, ai, human, bot) = try row.decode((Int64, Int, Int, Int, Int, Int, Int, Int).self)
            var tally = Tally()
            (tally.activeAuthors, tally.aiAuthors) = (active, aiPeople)
            (tally.commits, tally.merges, tally.ai, tally.human, tally.bot) = (commits, merges, ai, human, bot)
            result.repositories[id] = tally
        }
    }

    /// The team's figures per month, and over all months its whole figures
    /// (every commit has a month: `rollupScope` saw to it).
    private func readTeamMonths(_ binds: PostgresBindings, into result: inout Aggregation, _ connection: PostgresConnection) throws
        -> [Int64: Tally] {
        var tallies: [Int64: Tally] = [:]
        for row in try run(connection, PostgresQuery(unsafeSQL: """
            SELECT month, COUNT(*) FILTER (WHERE active > 0), COUNT(*) FILTER (WHERE ai > 0), \(PostgresRollups.resummed)
            FROM rollup_person_month WHERE person_email = ANY($1) GROUP BY month
            """, binds: binds)) {
            let cells = row.makeRandomAccess()
            var tally = try Self.tally(cells, from: 3)
            for field in Tally.summedFields { result.tally[keyPath: field] += tally[keyPath: field] }
            tally.activeAuthors = try cells[1].decode(Int.self)
            tally.aiAuthors = try cells[2].decode(Int.self)
            tallies[try cells[0].decode(Int64.self)] = tally
        }
        return tallies
    }

    /// The team's tools, over all months and per month.
    private func readTeamTools(_ binds: PostgresBindings, into result: inout Aggregation, _ connection: PostgresConnection) throws
        -> [Int64: [String: Int]] {
        let rows = try run(connection, PostgresQuery(unsafeSQL: """
            SELECT month, tools, SUM(commits)::bigint, SUM(attested)::bigint, SUM(lines)::bigint FROM rollup_person_month_tools
            WHERE person_email = ANY($1) GROUP BY 1, 2 HAVING SUM(commits) > 0
            """, binds: binds))
        let (tools, byMonth) = try Self.toolSums(rows, key: Int64.self)
        result.tools = tools
        return byMonth
    }
}
