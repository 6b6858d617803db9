import Attribution
import CensusStore
import Foundation
import PostgresNIO

/// What reports read. The figures go through the same one-pass aggregation
/// as SQLite's (`AggregationBuilder`), so both backends report the same numbers.
extension PostgresStore {
    public func repository(identity: String) throws(StoreError) -> RepositoryRecord? {
        try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: "SELECT \(Self.repositoryColumns) FROM repository WHERE identity = $1 ORDER BY id LIMIT 1",
                                              binds: Self.bindings(identity))).first.map(Self.repository)
        }
    }

    public func repository(origin: String) throws(StoreError) -> RepositoryRecord? {
        try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: "SELECT \(Self.repositoryColumns) FROM repository WHERE origin = $1 ORDER BY id LIMIT 1",
                                              binds: Self.bindings(origin))).first.map(Self.repository)
        }
    }

    public func repositories() throws(StoreError) -> [RepositoryRecord] {
        try repositories(where: "true")
    }

    public func repositories(under path: String) throws(StoreError) -> [RepositoryRecord] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        // starts_with, not LIKE: nothing in a path is a pattern.
        return try repositories(where: "path = $1 OR starts_with(path, $2)", Self.bindings(path, prefix))
    }

    public func changeCounter() throws(StoreError) -> Int {
        try withConnection { connection in
            try run(connection, "SELECT version FROM census_state").first?.decode(Int.self) ?? 0
        }
    }

    /// Counting every commit took 3–4 s at 10 M: the reachable ones are
    /// summed in `rollup_repository` already, and the few a rewrite left
    /// behind are in an index of their own (`commit_record_unreachable`).
    public func commitCounts() throws(StoreError) -> [Int64: (reachable: Int, unreachable: Int)] {
        try withConnection { connection in
            var counts: [Int64: (reachable: Int, unreachable: Int)] = [:]
            for row in try commitCountRows(connection) {
                let (id, reachable, unreachable) = try row.decode((Int64, Int, Int).self)
                counts[id] = (reachable, unreachable)
            }
            return counts
        }
    }

    /// Each repository's id, reachable and unreachable commits (none while its first scan runs).
    private func commitCountRows(_ connection: PostgresConnection) throws -> [PostgresRow] {
        if Self.readsRollups {
            do {
                return try run(connection, """
                    SELECT r.id, CASE WHEN r.scan_pending THEN 0 ELSE COALESCE(p.commits + p.merges, 0) END,
                           CASE WHEN r.scan_pending THEN 0
                                ELSE (SELECT COUNT(*) FROM commit_record c WHERE c.repository_id = r.id AND c.reachable = 0) END
                    FROM repository r LEFT JOIN rollup_repository p ON p.repository_id = r.id
                    WHERE EXISTS (SELECT 1 FROM commit_record c WHERE c.repository_id = r.id)
                    """)
            } catch let error as PSQLError where error.refusedPermission {
                // A reader not granted the rollups: every commit is counted.
            }
        }
        return try run(connection, """
            SELECT r.id, CASE WHEN r.scan_pending THEN 0 ELSE COUNT(c.id) FILTER (WHERE c.reachable = 1) END,
                   CASE WHEN r.scan_pending THEN 0 ELSE COUNT(c.id) FILTER (WHERE c.reachable = 0) END
            FROM repository r JOIN commit_record c ON c.repository_id = r.id GROUP BY r.id
            """)
    }

    public func timeRange(_ filter: CommitFilter) throws(StoreError) -> (first: Int64, last: Int64)? {
        var binds = PostgresBindings()
        let condition = Self.condition(filter, &binds)
        let column = "c." + Self.dateColumn(filter)
        return try withConnection { connection in
            // A team's: from the rollups when they can say (else every one of its commits is read, 2 s at 10 M).
            let fromRollups = try rollupTimeRange(filter, on: connection)
            if fromRollups.answered { return fromRollups.range }
            let row = try run(connection, PostgresQuery(unsafeSQL: "SELECT MIN(\(column)), MAX(\(column)) FROM commit_record c WHERE \(condition)",
                                                        binds: binds)).first
            guard let (first, last) = try row?.decode((Int64?, Int64?).self), let first, let last else { return nil }
            return (first, last)
        }
    }

    public func commits(_ filter: CommitFilter, limit: Int?, after: PageCursor?) throws(StoreError)
        -> [(commit: CommitRecord, repositoryPath: String)] {
        var binds = PostgresBindings()
        var condition = Self.condition(filter, &binds)
        let column = "c." + Self.dateColumn(filter)
        if let after {
            binds.append(after.time)
            binds.append(after.id)
            condition += " AND (\(column) < $\(binds.count - 1) OR (\(column) = $\(binds.count - 1) AND c.id < $\(binds.count)))"
        }
        var sql = "SELECT \(Self.commitColumns), r.path, false FROM commit_record c JOIN repository r ON r.id = c.repository_id "
            + "WHERE \(condition) ORDER BY \(column) DESC, c.id DESC"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: sql, binds: binds)).map(Self.commit)
        }
    }

    public func commits(shaPrefix prefix: String, repositoryID: Int64?) throws(StoreError)
        -> [(commit: CommitRecord, repositoryPath: String)] {
        let lowered = prefix.lowercased()
        var binds = PostgresBindings()
        binds.append(lowered)
        binds.append(lowered + "g")
        var condition = "c.sha COLLATE \"C\" >= $1 AND c.sha COLLATE \"C\" < $2"
        if let repositoryID {
            binds.append(repositoryID)
            condition += " AND c.repository_id = $3"
        }
        let sql = "SELECT \(Self.commitColumns), r.path, r.scan_pending FROM commit_record c JOIN repository r ON r.id = c.repository_id "
            + "WHERE \(condition) ORDER BY r.path COLLATE \"C\" LIMIT 20"
        return try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: sql, binds: binds)).map(Self.commit)
        }
    }

    public func commits(repositoryID: Int64, withEvidence kind: SignalKind) throws(StoreError) -> [CommitRecord] {
        // Evidence is stored as JSON with sorted keys: `"kind":"session-log"` is its own text.
        let pattern = "%\"kind\":\"\(kind.rawValue)\"%"
        return try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: """
                SELECT \(Self.commitColumns), '', false FROM commit_record c WHERE c.repository_id = $1 AND c.evidence LIKE $2
                """, binds: { var binds = PostgresBindings(); binds.append(repositoryID); binds.append(pattern); return binds }()))
                .map { try Self.commit($0).commit }
        }
    }

    public func commits(repositoryID: Int64, shas: [String]) throws(StoreError) -> [CommitRecord] {
        guard !shas.isEmpty else { return [] }
        return try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: """
                SELECT \(Self.commitColumns), '', false FROM commit_record c WHERE c.repository_id = $1 AND c.sha = ANY($2)
                """, binds: { var binds = PostgresBindings(); binds.append(repositoryID); binds.append(shas); return binds }()))
                .map { try Self.commit($0).commit }
        }
    }

    /// Stores with more commits than this are aggregated in two halves at
    /// once (`CENSUS_PG_HALVES_ABOVE` sets another: the tests take both paths).
    static let parallelAggregationRows = ProcessInfo.processInfo.environment["CENSUS_PG_HALVES_ABOVE"].flatMap(Int64.init) ?? 100_000

    public func aggregate(_ filter: CommitFilter, periodSets: [Aggregation.Periods],
                          teams: [String: [String]]) throws(StoreError) -> Aggregation {
        var binds = PostgresBindings()
        let condition = Self.condition(filter, &binds)
        let sql = "SELECT \(PackedCommit.selection(time: "c." + Self.dateColumn(filter))) FROM commit_record c WHERE \(condition)"
        let builder = { BuilderBox(AggregationBuilder(filter: filter, periodSets: periodSets, teams: teams)) }
        return try withConnection { connection in
            // Within one transaction: a scan completing midway is seen whole or not at all.
            try run(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? run(connection, "COMMIT") }
            if let figures = try rollupAggregationIfReadable(filter, periodSets: periodSets, teams: teams, on: connection) { return figures }
            let ids = try run(connection, "SELECT MIN(id), MAX(id) FROM commit_record").first?.decode((Int64?, Int64?).self)
            guard let low = ids?.0, let high = ids?.1, high - low > Self.parallelAggregationRows,
                  ProcessInfo.processInfo.activeProcessorCount > 1 else {
                let whole = builder()
                try stream(connection, PostgresQuery(unsafeSQL: sql, binds: binds)) { try whole.add($0) }
                return whole.finished()
            }
            // Census decoding the rows is the bound (about 2 µs a commit):
            // two halves of the ids stream at once on two connections, the
            // second reading the first's snapshot, and are merged.
            let snapshot = try run(connection, "SELECT pg_export_snapshot()").first?.decode(String.self) ?? ""
            guard snapshot.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw PackedCommit.Malformed() }
            let middle = low + (high - low) / 2
            let halves = [builder(), builder()]
            try withConnection(besides: connection) { second in
                try run(second, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                defer { _ = try? run(second, "COMMIT") }
                try run(second, PostgresQuery(unsafeSQL: "SET TRANSACTION SNAPSHOT '\(snapshot)'"))
                let lower = startStream(connection, PostgresQuery(unsafeSQL: sql + " AND c.id <= \(middle)", binds: binds)) {
                    try halves[0].add($0)
                }
                let upper = startStream(second, PostgresQuery(unsafeSQL: sql + " AND c.id > \(middle)", binds: binds)) {
                    try halves[1].add($0)
                }
                try lower()
                try upper()
            }
            return halves[0].merged(with: halves[1])
        }
    }

    // MARK: - SQL of a filter

    static func dateColumn(_ filter: CommitFilter) -> String {
        filter.dateField == .author ? "authored_at" : "committed_at"
    }

    /// The WHERE clause of `filter`, its values appended to `binds`; a
    /// repository whose first scan is running is left out, as in SQLite.
    static func condition(_ filter: CommitFilter, _ binds: inout PostgresBindings) -> String {
        var parts = ["c.reachable = 1", "c.repository_id NOT IN (SELECT id FROM repository WHERE scan_pending)"]
        if let ids = filter.repositoryIDs {
            binds.append(ids)
            parts.append("c.repository_id = ANY($\(binds.count))")
        }
        let column = "c." + dateColumn(filter)
        if let since = filter.since {
            binds.append(since)
            parts.append("\(column) >= $\(binds.count)")
        }
        if let until = filter.until {
            binds.append(until)
            parts.append("\(column) < $\(binds.count)")
        }
        if let classes = filter.classes {
            binds.append(classes.map(\.rawValue))
            parts.append("c.class = ANY($\(binds.count))")
        }
        if let people = filter.people { parts.append(peopleCondition(people, &binds)) }
        return parts.joined(separator: " AND ")
    }

    /// People patterns as SQLite reads them: an address glob (`*@example.com`,
    /// case-folded) or a name, exactly. All of a team's globs are one regular
    /// expression: PostgreSQL keeps 32 compiled, and a team listing 40
    /// addresses would otherwise compile one on every row.
    static func peopleCondition(_ patterns: [String], _ binds: inout PostgresBindings) -> String {
        let people = PeoplePatterns(patterns)
        var alternatives: [String] = []
        // A glob of `*` and `?` is a LIKE pattern, which the server matches
        // several times faster than a regular expression (10 M commits: 2 s
        // against 11 s for `*@team.example.com`); a glob with a set is not.
        var likes: [String] = [], regexes: [String] = []
        for glob in people.addressGlobs {
            if let like = GlobPattern.like(glob) { likes.append(like) } else { regexes.append(GlobPattern.regex(glob)) }
        }
        if !likes.isEmpty {
            binds.append(likes)
            alternatives.append("c.person_email LIKE ANY($\(binds.count))")
        }
        if !regexes.isEmpty {
            binds.append(regexes.joined(separator: "|"))
            alternatives.append("c.person_email ~ $\(binds.count)")
        }
        if !people.names.isEmpty {
            binds.append(people.names)
            alternatives.append("c.person_name = ANY($\(binds.count))")
        }
        return alternatives.isEmpty ? "false" : "(" + alternatives.joined(separator: " OR ") + ")"
    }

    // MARK: - Rows

    static let commitColumns = """
        c.id, c.repository_id, c.sha, c.class, c.confidence, c.mode, c.tools, c.evidence, c.author_name, c.author_email,
        c.authored_at, c.author_offset, c.committer_name, c.committer_email, c.committed_at, c.committer_offset, c.subject,
        c.parent_count, c.lines_added, c.lines_deleted, c.lines_engine, c.ai_lines, c.person_name, c.person_email, c.reachable,
        c.human_lines
        """

    /// A commit row of `commitColumns`, then its repository's path and whether its first scan is running.
    static func commit(_ row: PostgresRow) throws -> (commit: CommitRecord, repositoryPath: String) {
        let c = row.makeRandomAccess()
        var record = CommitRecord(
            repositoryId: try c[1].decode(Int64.self), sha: try c[2].decode(String.self), verdict: Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: []),
            authorName: try c[8].decode(String.self), authorEmail: try c[9].decode(String.self),
            authoredAt: try c[10].decode(Int64.self), authorOffset: try c[11].decode(Int.self),
            committerName: try c[12].decode(String.self), committerEmail: try c[13].decode(String.self),
            committedAt: try c[14].decode(Int64.self), committerOffset: try c[15].decode(Int.self),
            subject: try c[16].decode(String.self), parentCount: try c[17].decode(Int.self),
            linesAdded: try c[18].decode(Int?.self), linesDeleted: try c[19].decode(Int?.self),
            reachable: try c[24].decode(Int.self) == 1 && !(try c[27].decode(Bool.self)))
        record.id = try c[0].decode(Int64.self)
        record.class = try c[3].decode(String.self)
        record.confidence = try c[4].decode(String?.self)
        record.mode = try c[5].decode(String?.self)
        record.tools = try c[6].decode(String.self)
        record.evidence = try c[7].decode(String.self)
        record.linesEngine = try c[20].decode(String?.self)
        record.aiLines = try c[21].decode(Int?.self)
        record.humanLines = try c[25].decode(Int?.self)
        record.personName = try c[22].decode(String?.self)
        record.personEmail = try c[23].decode(String?.self)
        return (record, try c[26].decode(String.self))
    }
}

/// The aggregation a query's rows are streamed into, on the connection's thread.
final class BuilderBox: @unchecked Sendable {
    private var builder: AggregationBuilder
    private let lock = NSLock()

    init(_ builder: AggregationBuilder) {
        self.builder = builder
    }

    func add(_ row: PostgresRow) throws {
        guard let packed = row.first?.bytes else { throw PackedCommit.Malformed() }
        try lock.withLock {
            try packed.withUnsafeReadableBytes { raw in
                try PackedCommit.read(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count),
                                      into: &builder)
            }
        }
    }

    func finished() -> Aggregation { lock.withLock { builder.finished() } }

    /// The figures of both boxes' commits.
    func merged(with other: BuilderBox) -> Aggregation {
        lock.withLock { other.lock.withLock { builder.merge(other.builder) } }
        return finished()
    }
}

/// SQLite's GLOB as a PostgreSQL regular expression: `*` any text, `?` one
/// character, `[…]` a class (`[^…]` negated), everything else literal and
/// case-sensitive.
enum GlobPattern {
    /// The glob as a LIKE pattern (`*` is `%`, `?` is `_`, the rest literal
    /// behind LIKE's escape character); nil when it has a set (`[…]`).
    static func like(_ glob: String) -> String? {
        guard !glob.contains("[") else { return nil }
        var pattern = ""
        for character in glob {
            switch character {
            case "*": pattern += "%"
            case "?": pattern += "_"
            case "%", "_", "\\": pattern += "\\" + String(character)
            default: pattern.append(character)
            }
        }
        return pattern
    }

    static func regex(_ glob: String) -> String {
        var regex = "^"
        var inClass = false
        for character in glob {
            if inClass {
                if character == "]" { inClass = false }
                regex.append(character == "\\" ? "\\\\" : String(character))
                continue
            }
            switch character {
            case "*": regex += ".*"
            case "?": regex += "."
            case "[": inClass = true; regex += "["
            case ".", "^", "$", "|", "(", ")", "+", "{", "}", "\\": regex += "\\" + String(character)
            default: regex.append(character)
            }
        }
        return regex + "$"
    }
}
