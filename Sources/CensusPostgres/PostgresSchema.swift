import CensusStore
import PostgresNIO

/// The PostgreSQL schema: SQLite's as of its migration v7, in one step.
/// Migrations run under an advisory lock, so that collectors starting at
/// the same moment migrate a new database once; a database from a newer
/// CommitCensus is refused, never changed.
enum PostgresSchema {
    /// The advisory lock every migrating collector takes ("census" in ASCII).
    static let lockKey: Int64 = 0x63656E737573

    static let migrations: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE repository (
                id BIGSERIAL PRIMARY KEY,
                path TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                is_bare BOOLEAN NOT NULL DEFAULT false,
                is_shallow BOOLEAN NOT NULL DEFAULT false,
                head_branch TEXT,
                scanned_head TEXT,
                catalogue_version TEXT,
                scanned_at DOUBLE PRECISION,
                last_error TEXT,
                last_error_at DOUBLE PRECISION,
                notes_tip TEXT,
                scan_pending BOOLEAN NOT NULL DEFAULT false,
                identity TEXT)
            """,
            "CREATE INDEX repository_by_identity ON repository (identity)",
            """
            CREATE TABLE commit_record (
                id BIGSERIAL PRIMARY KEY,
                repository_id BIGINT NOT NULL REFERENCES repository ON DELETE CASCADE,
                sha TEXT NOT NULL,
                class TEXT NOT NULL,
                confidence TEXT,
                mode TEXT,
                tools TEXT NOT NULL DEFAULT '',
                evidence TEXT NOT NULL DEFAULT '[]',
                author_name TEXT NOT NULL,
                author_email TEXT NOT NULL,
                authored_at BIGINT NOT NULL,
                author_offset BIGINT NOT NULL,
                committer_name TEXT NOT NULL,
                committer_email TEXT NOT NULL,
                committed_at BIGINT NOT NULL,
                committer_offset BIGINT NOT NULL,
                subject TEXT NOT NULL,
                parent_count BIGINT NOT NULL,
                lines_added BIGINT,
                lines_deleted BIGINT,
                lines_engine TEXT,
                ai_lines BIGINT,
                person_name TEXT,
                person_email TEXT,
                reachable BIGINT NOT NULL DEFAULT 1,
                UNIQUE (repository_id, sha))
            """,
            "CREATE INDEX commit_record_visible_by_repository ON commit_record (repository_id, authored_at) WHERE reachable = 1",
            "CREATE INDEX commit_record_visible_by_authored_at ON commit_record (authored_at) WHERE reachable = 1",
            "CREATE INDEX commit_record_visible_by_committed_at ON commit_record (committed_at) WHERE reachable = 1",
            // The change counter (SQLite's data_version): every committed
            // change to the store moves it, whichever collector made it.
            "CREATE TABLE census_state (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
            "INSERT INTO census_state VALUES (1, 0)",
            """
            CREATE FUNCTION census_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE census_state SET version = version + 1 WHERE id = 1; RETURN NULL; END $$
            """,
            "CREATE TRIGGER repository_changed AFTER INSERT OR UPDATE OR DELETE ON repository FOR EACH STATEMENT EXECUTE FUNCTION census_changed()",
            "CREATE TRIGGER commit_record_changed AFTER INSERT OR UPDATE OR DELETE ON commit_record FOR EACH STATEMENT EXECUTE FUNCTION census_changed()",
        ]),
        // SQLite's v8: the collector that completed each repository's last scan.
        (2, ["ALTER TABLE repository ADD COLUMN collector TEXT"]),
        // SQLite's v9, and the leases that let one collector at a time scan a repository.
        (3, [
            "ALTER TABLE repository ADD COLUMN origin TEXT",
            "ALTER TABLE repository ADD COLUMN scanned_from TEXT",
            // One repository per origin: two collectors filing two clones at the same moment make one.
            "CREATE UNIQUE INDEX repository_by_origin ON repository (origin) WHERE origin IS NOT NULL",
            """
            CREATE TABLE scan_lease (
                repository_id BIGINT PRIMARY KEY REFERENCES repository ON DELETE CASCADE,
                holder TEXT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL)
            """,
        ]),
        // SQLite's v10: when a repository adopted AI tools, and the session logs' horizons.
        (4, [
            "ALTER TABLE repository ADD COLUMN adoption_commit TEXT",
            "ALTER TABLE repository ADD COLUMN adopted_at BIGINT",
            "ALTER TABLE repository ADD COLUMN adoption_files TEXT",
            """
            CREATE TABLE session_horizon (
                collector TEXT NOT NULL,
                tool TEXT NOT NULL,
                oldest BIGINT NOT NULL,
                newest BIGINT NOT NULL,
                PRIMARY KEY (collector, tool))
            """,
        ]),
        // SQLite's v11: lines git-ai's notes attest to people.
        (5, ["ALTER TABLE commit_record ADD COLUMN human_lines BIGINT"]),
        // Ingest: the foreign key looked its repository up (FOR KEY SHARE) for
        // every inserted commit, 0.44 of the server's 2.5 CPU-s storing git/git;
        // a trigger keeps what it did that matters — deleting a repository
        // deletes its commits. And the sha in bytes, not in the database's
        // collation: its unique key took 0.22 CPU-s more comparing by locale.
        (6, [
            "ALTER TABLE commit_record DROP CONSTRAINT commit_record_repository_id_fkey",
            """
            CREATE FUNCTION census_repository_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN DELETE FROM commit_record WHERE repository_id IN (SELECT id FROM gone); RETURN NULL; END $$
            """,
            """
            CREATE TRIGGER repository_deleted AFTER DELETE ON repository REFERENCING OLD TABLE AS gone
            FOR EACH STATEMENT EXECUTE FUNCTION census_repository_deleted()
            """,
            "ALTER TABLE commit_record ALTER COLUMN sha TYPE TEXT COLLATE \"C\"",
        ]),
        // Sums kept as commits are stored, for reports over a fleet (PostgresRollups).
        (7, PostgresRollups.migration),
        // The rollups per person too: one team's report from them.
        (8, PostgresRollups.rebuild),
        // The commits a rewrite left behind, for `census repos`: new commits are reachable, so storing them costs nothing here.
        (9, ["CREATE INDEX IF NOT EXISTS commit_record_unreachable ON commit_record (repository_id) WHERE reachable = 0"]),
    ]

    /// Brings the schema up to date. An up-to-date database is only read
    /// (a reader's role needs no CREATE); otherwise one collector at a time,
    /// under the advisory lock, applies what is missing.
    static func migrate(_ store: PostgresStore, on connection: PostgresConnection) throws {
        let newest = migrations.last?.version ?? 0
        if try version(store, connection, refusingAbove: newest) == newest { return }
        try store.run(connection, "SELECT pg_advisory_lock(\(lockKey))")
        defer { _ = try? store.run(connection, "SELECT pg_advisory_unlock(\(lockKey))") }
        try store.run(connection, "CREATE TABLE IF NOT EXISTS census_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        // Another collector may have migrated while this one waited for the lock.
        let current = try version(store, connection, refusingAbove: newest)
        for migration in migrations where migration.version > current {
            try store.run(connection, "BEGIN")
            do {
                for statement in migration.sql { try store.run(connection, PostgresQuery(unsafeSQL: statement)) }
                try store.run(connection, "INSERT INTO census_schema (version) VALUES (\(migration.version))")
                try store.run(connection, "COMMIT")
            } catch {
                _ = try? store.run(connection, "ROLLBACK")
                throw error
            }
        }
    }

    /// The schema version in the database (0: none yet); a newer one than
    /// this census knows is refused and left untouched.
    static func version(_ store: PostgresStore, _ connection: PostgresConnection, refusingAbove newest: Int) throws -> Int {
        let exists = try store.run(connection, "SELECT to_regclass('census_schema') IS NOT NULL").first?.decode(Bool.self) ?? false
        guard exists else { return 0 }
        let current = try store.run(connection, "SELECT COALESCE(MAX(version), 0) FROM census_schema").first?.decode(Int.self) ?? 0
        if current > newest {
            throw StoreError(.newerSchema, path: store.postgres.description,
                             detail: "the database was made by a newer CommitCensus (schema \(current), this one knows \(newest)); it was left untouched")
        }
        return current
    }
}
