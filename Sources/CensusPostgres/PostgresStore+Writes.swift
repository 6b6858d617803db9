import Attribution
import CensusStore
import Foundation
import PostgresNIO

/// What a scan writes: repositories and commits, each call one transaction.
extension PostgresStore {
    static let repositoryColumns = """
        id, path, name, is_bare, is_shallow, head_branch, scanned_head, catalogue_version, scanned_at,
        last_error, last_error_at, notes_tip, identity, collector, origin, scanned_from,
        adoption_commit, adopted_at, adoption_files
        """

    static func repository(_ row: PostgresRow) throws -> RepositoryRecord {
        let cells = row.makeRandomAccess()
        var record = RepositoryRecord(path: try cells[1].decode(String.self), name: try cells[2].decode(String.self),
                                      isBare: try cells[3].decode(Bool.self), isShallow: try cells[4].decode(Bool.self),
                                      identity: try cells[12].decode(String?.self))
        record.id = try cells[0].decode(Int64.self)
        record.headBranch = try cells[5].decode(String?.self)
        record.scannedHead = try cells[6].decode(String?.self)
        record.catalogueVersion = try cells[7].decode(String?.self)
        record.scannedAt = try cells[8].decode(Double?.self)
        record.lastError = try cells[9].decode(String?.self)
        record.lastErrorAt = try cells[10].decode(Double?.self)
        record.notesTip = try cells[11].decode(String?.self)
        record.collector = try cells[13].decode(String?.self)
        record.origin = try cells[14].decode(String?.self)
        record.scannedFrom = try cells[15].decode(String?.self)
        record.adoptionCommit = try cells[16].decode(String?.self)
        record.adoptedAt = try cells[17].decode(Int64?.self)
        record.adoptionFiles = try cells[18].decode(String?.self)
        return record
    }

    func repositories(where condition: String, _ binds: PostgresBindings = PostgresBindings()) throws(StoreError) -> [RepositoryRecord] {
        try withConnection { connection in
            try run(connection, PostgresQuery(unsafeSQL: "SELECT \(Self.repositoryColumns) FROM repository WHERE \(condition) ORDER BY path COLLATE \"C\"",
                                              binds: binds)).map(Self.repository)
        }
    }

    public func repository(at path: String, name: String, isBare: Bool, isShallow: Bool,
                           identity: String?, origin: String?) throws(StoreError) -> RepositoryRecord {
        try transaction { connection in
            // Updated where it is, inserted only when new: an INSERT … ON
            // CONFLICT takes a number from the sequence even when it updates,
            // and ids are what `census repos`, the API and the metrics show.
            let known = try run(connection, "SELECT id FROM repository WHERE path = \(path)").first != nil
            if known {
                // An origin is recorded once, and only where no other repository has it (origins are unique).
                try run(connection, """
                    UPDATE repository SET is_bare = \(isBare), is_shallow = \(isShallow), identity = COALESCE(\(identity), identity),
                        origin = COALESCE(origin, (SELECT CASE WHEN count(*) = 0 THEN \(origin) END FROM repository WHERE origin = \(origin)))
                    WHERE path = \(path)
                    """)
            } else {
                // Skipped when another collector filed the same path or origin a moment ago.
                try run(connection, """
                    INSERT INTO repository (path, name, is_bare, is_shallow, identity, origin)
                    VALUES (\(path), \(name), \(isBare), \(isShallow), \(identity), \(origin))
                    ON CONFLICT DO NOTHING
                    """)
            }
            let byPath = try run(connection, PostgresQuery(unsafeSQL: "SELECT \(Self.repositoryColumns) FROM repository WHERE path = $1",
                                                           binds: Self.bindings(path)))
            if let row = byPath.first { return try Self.repository(row) }
            // Another clone of the origin was filed first: this is that repository.
            if let origin, let row = try run(connection, PostgresQuery(unsafeSQL: "SELECT \(Self.repositoryColumns) FROM repository WHERE origin = $1",
                                                                       binds: Self.bindings(origin))).first {
                return try Self.repository(row)
            }
            throw StoreError(.other, path: postgres.description, detail: "repository \(path) vanished")
        }
    }

    public func renumber(repositoryID: Int64, to id: Int64) throws(StoreError) -> Bool {
        try transaction { connection in
            let taken = try run(connection, "SELECT 1 FROM repository WHERE id = \(id)").first != nil
            let holds = try run(connection, "SELECT 1 FROM commit_record WHERE repository_id = \(repositoryID) LIMIT 1").first != nil
            guard !taken, !holds else { return false }
            try run(connection, "UPDATE repository SET id = \(id) WHERE id = \(repositoryID)")
            try run(connection, "SELECT setval(pg_get_serial_sequence('repository', 'id'), (SELECT MAX(id) FROM repository))")
            return true
        }
    }

    public func move(repositoryID: Int64, to path: String, name: String) throws(StoreError) {
        try withConnection { connection in
            try run(connection, "UPDATE repository SET path = \(path), name = \(name) WHERE id = \(repositoryID)")
        }
    }

    public func recordFailure(repositoryID: Int64, message: String) throws(StoreError) {
        try withConnection { connection in
            try run(connection, "UPDATE repository SET last_error = \(Self.clean(message)), last_error_at = \(Date().timeIntervalSince1970) WHERE id = \(repositoryID)")
        }
    }

    public func recordAdoption(repositoryID: Int64, _ adoption: RepositoryAdoption?) throws(StoreError) {
        try withConnection { connection in
            try run(connection, """
                UPDATE repository SET adoption_commit = \(adoption?.commit), adopted_at = \(adoption?.at),
                    adoption_files = \(adoption.map { Self.clean($0.files.joined(separator: ",")) }) WHERE id = \(repositoryID)
                """)
        }
    }

    public func recordSessionHorizon(_ record: SessionHorizonRecord) throws(StoreError) {
        try withConnection { connection in
            try run(connection, """
                INSERT INTO session_horizon (collector, tool, oldest, newest)
                VALUES (\(record.collector), \(record.tool), \(record.oldest), \(record.newest))
                ON CONFLICT (collector, tool) DO UPDATE
                SET oldest = LEAST(session_horizon.oldest, excluded.oldest), newest = GREATEST(session_horizon.newest, excluded.newest)
                """)
        }
    }

    public func sessionHorizonRecords() throws(StoreError) -> [SessionHorizonRecord] {
        try withConnection { connection in
            try run(connection, "SELECT collector, tool, oldest, newest FROM session_horizon").map { row in
                let cells = row.makeRandomAccess()
                return SessionHorizonRecord(collector: try cells[0].decode(String.self), tool: try cells[1].decode(String.self),
                                            oldest: try cells[2].decode(Int64.self), newest: try cells[3].decode(Int64.self))
            }
        }
    }

    public func beginFirstScan(repositoryID: Int64) throws(StoreError) {
        try withConnection { connection in
            try run(connection, "UPDATE repository SET scan_pending = true WHERE id = \(repositoryID)")
        }
    }

    public func completeScan(repositoryID: Int64, head: String?, headBranch: String?, catalogueVersion: String,
                             notesTip: String?, reachable: Set<String>?, newlyReachable: [String],
                             scannedFrom: String?) throws(StoreError) {
        try transaction { connection in
            if reachable == nil && !newlyReachable.isEmpty {
                try run(connection, "UPDATE commit_record SET reachable = 1 WHERE repository_id = \(repositoryID) AND sha = ANY(\(newlyReachable)) AND reachable <> 1")
            }
            if let reachable {
                try run(connection, """
                    UPDATE commit_record SET reachable = CASE WHEN sha = ANY(\(Array(reachable))) THEN 1 ELSE 0 END
                    WHERE repository_id = \(repositoryID) AND reachable <> CASE WHEN sha = ANY(\(Array(reachable))) THEN 1 ELSE 0 END
                    """)
            }
            try run(connection, """
                UPDATE repository SET scanned_head = \(head), head_branch = \(headBranch), catalogue_version = \(catalogueVersion),
                    notes_tip = \(notesTip), scanned_at = \(Date().timeIntervalSince1970), last_error = NULL, last_error_at = NULL,
                    scan_pending = false, collector = \(CollectorName.current), scanned_from = \(scannedFrom)
                WHERE id = \(repositoryID)
                """)
        }
    }

    public func storedSHAs(repositoryID: Int64) throws(StoreError) -> Set<String> {
        try withConnection { connection in
            Set(try run(connection, "SELECT sha FROM commit_record WHERE repository_id = \(repositoryID)").map { try $0.decode(String.self) })
        }
    }

    public func storedCommitCount(repositoryID: Int64) throws(StoreError) -> Int {
        try withConnection { connection in
            try run(connection, "SELECT COUNT(*) FROM commit_record WHERE repository_id = \(repositoryID)").first?.decode(Int.self) ?? 0
        }
    }

    /// A transaction's batches in statements of about `rowsPerStatement`
    /// commits: each column's values bound as one array and unnested (a NULL
    /// as a mask beside it, when the batch has one in that column), not row by
    /// row — and the rollups' trigger runs once per statement, not per batch.
    public func insert(batches: [EncodedCommits]) throws(StoreError) {
        var statements: [[EncodedCommits]] = []
        var rows = Self.rowsPerStatement
        for batch in batches where !batch.isEmpty {
            if rows >= Self.rowsPerStatement { statements.append([]); rows = 0 }
            statements[statements.count - 1].append(batch)
            rows += batch.count
        }
        // One transaction each: from its first statement a transaction holds
        // the change counter's row and the rollups' lock to its commit, and the
        // other writer waits that long; alone, a statement's rows are stored
        // while the other writer's trigger runs. (A scan is published after
        // all of its transactions, so how they are cut does not show.)
        for statement in statements {
            let (query, stored) = try transaction { connection in
                let query = try Self.insertQuery(statement)
                do {
                    try run(connection, query)
                    return (query, true)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    return (query, false)  // the transaction is void: COMMIT ends it as a ROLLBACK
                }
            }
            if !stored { try transaction { connection in try run(connection, Self.skippingStored(query)) } }
        }
    }

    /// The statement again, leaving out the commits another collector stored
    /// meanwhile (or that a retry after a lost answer stored already). The
    /// scan reads which commits are stored before it writes, so this is rare,
    /// and a plain INSERT spares the server a look-up of every new commit in
    /// the `(repository_id, sha)` key first (a tenth of its CPU storing git/git).
    static func skippingStored(_ query: PostgresQuery) -> PostgresQuery {
        PostgresQuery(unsafeSQL: query.sql + " ON CONFLICT (repository_id, sha) DO NOTHING", binds: query.binds)
    }

    /// Large enough that the trigger's fixed costs are spread (git/git: 34 runs
    /// of ~2,400 commits spent 2.0 s in it, 12 of ~7,000 1.3 s, waits for the
    /// other writer included); small enough that a collector's memory stays
    /// under SQLite's (git/git, beside each other: 10,000 a statement 95–98 MB,
    /// 5,000 82–84 MB, SQLite 85–86 MB; wall 2.8–3.5 s and 3.0–3.6 s).
    static let rowsPerStatement = 5_000

    static func insertQuery(_ batches: [EncodedCommits]) throws -> PostgresQuery {
        var columns = UnnestedColumns()
        for (index, name) in EncodedCommits.textColumns.enumerated() {
            try columns.add(name, "text", PackedColumn<PackedTexts>(batches: batches, column: index))
        }
        for (index, name) in EncodedCommits.integerColumns.enumerated() {
            try columns.add(name, "int8", PackedColumn<PackedIntegers>(batches: batches, column: index))
        }
        let names = (EncodedCommits.textColumns + EncodedCommits.integerColumns).joined(separator: ", ")
        return PostgresQuery(unsafeSQL: """
            INSERT INTO commit_record (\(names))
            SELECT \(columns.values.joined(separator: ", ")) FROM \(columns.unnest(as: "t"))
            """, binds: columns.binds)
    }

    /// Text as PostgreSQL can hold it: no NUL characters (git keeps them in a
    /// hostile commit's message; SQLite stores them, PostgreSQL cannot).
    static func clean(_ text: String) -> String {
        text.utf8.contains(0) ? String(text.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : text
    }

    /// New verdicts for stored commits, 5,000 to a statement: each column's
    /// values bound as one array (a NULL as a mask beside it), and only a
    /// row whose verdict differs written. One UPDATE per commit was one
    /// round trip each: a catalogue change rewrote every stored commit so.
    public func replaceVerdicts(repositoryID: Int64, _ verdicts: [(sha: String, verdict: Verdict)]) throws(StoreError) {
        guard !verdicts.isEmpty else { return }
        let records = verdicts.map { CommitRecord.verdictColumns($1, sha: $0, repositoryID: repositoryID) }
        try transaction { connection in
            for start in stride(from: 0, to: records.count, by: 5_000) {
                try run(connection, try Self.replaceQuery(records[start..<min(start + 5_000, records.count)], repositoryID: repositoryID))
            }
        }
    }

    static func replaceQuery(_ records: ArraySlice<CommitRecord>, repositoryID: Int64) throws -> PostgresQuery {
        var columns = UnnestedColumns()
        columns.binds.append(repositoryID)
        try columns.add("sha", "text", records.map(\.sha))
        try columns.add("class", "text", records.map(\.class))
        try columns.add("confidence", "text", records.map { $0.confidence ?? "" }, nulls: records.map { $0.confidence == nil })
        try columns.add("mode", "text", records.map { $0.mode ?? "" }, nulls: records.map { $0.mode == nil })
        try columns.add("tools", "text", records.map(\.tools))
        try columns.add("evidence", "text", records.map { clean($0.evidence) })
        try columns.add("ai_lines", "int8", records.map { Int64($0.aiLines ?? 0) }, nulls: records.map { $0.aiLines == nil })
        try columns.add("human_lines", "int8", records.map { Int64($0.humanLines ?? 0) }, nulls: records.map { $0.humanLines == nil })
        try columns.add("person_name", "text", records.map { clean($0.personName ?? "") }, nulls: records.map { $0.personName == nil })
        try columns.add("person_email", "text", records.map { clean($0.personEmail ?? "") }, nulls: records.map { $0.personEmail == nil })
        let verdict = columns.added.dropFirst() // all but the sha
        return PostgresQuery(unsafeSQL: """
            UPDATE commit_record c SET \(verdict.map { "\($0) = v.\($0)" }.joined(separator: ", "))
            FROM (SELECT \(columns.values.joined(separator: ", ")) FROM \(columns.unnest(as: "t"))) AS v
            WHERE c.repository_id = $1 AND c.sha = v.sha
              AND (\(verdict.map { "c.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(verdict.map { "v.\($0)" }.joined(separator: ", ")))
            """, binds: columns.binds)
    }

    public func commitsMissingLineStats(repositoryID: Int64) throws(StoreError) -> [String] {
        try withConnection { connection in
            try run(connection, """
                SELECT sha FROM commit_record WHERE repository_id = \(repositoryID) AND parent_count < 2 AND lines_added IS NULL
                """).map { try $0.decode(String.self) }
        }
    }

    public func saveLineStats(repositoryID: Int64, engine: String, _ stats: [(sha: String, added: Int, deleted: Int)]) throws(StoreError) {
        guard !stats.isEmpty else { return }
        try transaction { connection in
            try run(connection, """
                UPDATE commit_record c SET lines_added = s.added, lines_deleted = s.deleted, lines_engine = \(engine)
                FROM UNNEST(\(stats.map(\.sha)), \(stats.map { Int64($0.added) }), \(stats.map { Int64($0.deleted) })) AS s(sha, added, deleted)
                WHERE c.repository_id = \(repositoryID) AND c.sha = s.sha
                """)
        }
    }

    /// Nothing to do: the server writes its log to its files itself.
    public func checkpointWhileWriting() {}

    static func bindings(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    public var sharedByCollectors: Bool { true }

    /// A scan's inserts are the server's work, one backend per connection:
    /// with one, the scan went at that one backend's pace (git/git: 2.5 CPU-s
    /// of inserts, serial, beside census's own threads).
    public var concurrentWriters: Int { 2 }

    /// The lease is a row per repository: `FOR UPDATE SKIP LOCKED` means two
    /// collectors claiming one repository at the same moment never wait for
    /// each other — one gets it, the other hears it is taken.
    public func claim(repositoryID: Int64, holder: String, seconds: Int) throws(StoreError) -> String? {
        try transaction { connection in
            try run(connection, """
                INSERT INTO scan_lease (repository_id, holder, expires_at) VALUES (\(repositoryID), '', now() - interval '1 second')
                ON CONFLICT (repository_id) DO NOTHING
                """)
            let rows = try run(connection, """
                SELECT holder, expires_at > now() FROM scan_lease WHERE repository_id = \(repositoryID) FOR UPDATE SKIP LOCKED
                """)
            guard let row = rows.first else { return "another collector" }
            let (current, live) = try row.decode((String, Bool).self)
            if live && current != holder { return current }
            try run(connection, """
                UPDATE scan_lease SET holder = \(holder), expires_at = now() + make_interval(secs => \(Double(seconds)))
                WHERE repository_id = \(repositoryID)
                """)
            return nil
        }
    }

    public func release(repositoryID: Int64, holder: String) throws(StoreError) {
        try withConnection { connection in
            try run(connection, "DELETE FROM scan_lease WHERE repository_id = \(repositoryID) AND holder = \(holder)")
        }
    }
}

/// Columns bound as one array each and unnested into rows: a NULL as a
/// boolean mask beside its column, bound only when the column holds one.
struct UnnestedColumns {
    var binds = PostgresBindings()
    /// `$n::type[]` for each array, masks included.
    private(set) var arrays: [String] = []
    /// The unnested columns' names, masks included.
    private(set) var names: [String] = []
    /// Each column's value, NULL where its mask says so, named as the column.
    private(set) var values: [String] = []
    /// The columns added, in order, without their masks.
    private(set) var added: [String] = []

    mutating func add(_ name: String, _ type: String, _ array: some PostgresEncodable, nulls: [Bool] = []) throws {
        try binds.append(array)
        arrays.append("$\(binds.count)::\(type)[]")
        names.append(name)
        added.append(name)
        guard nulls.contains(true) else { return values.append(name) }
        binds.append(nulls)
        arrays.append("$\(binds.count)::bool[]")
        names.append(name + "_null")
        values.append("CASE WHEN \(name)_null THEN NULL ELSE \(name) END AS \(name)")
    }

    /// `UNNEST(…) AS alias(…)`.
    func unnest(as alias: String) -> String {
        "UNNEST(\(arrays.joined(separator: ", "))) AS \(alias)(\(names.joined(separator: ", ")))"
    }
}
