internal import GRDB

/// The store's schema, one migration per change. Migrations are never edited
/// once released: a database made by any earlier CommitCensus upgrades in place.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: repositories, commits, tools") { db in
            try db.create(table: "repository") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("path", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("is_bare", .boolean).notNull().defaults(to: false)
                t.column("is_shallow", .boolean).notNull().defaults(to: false)
                t.column("head_branch", .text)
                t.column("scanned_head", .text)
                t.column("catalogue_version", .text)
                t.column("scanned_at", .double)
                t.column("last_error", .text)
                t.column("last_error_at", .double)
            }
            try db.create(table: "commit_record") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("repository_id", .integer).notNull().references("repository", onDelete: .cascade)
                t.column("sha", .text).notNull()
                t.column("class", .text).notNull()
                t.column("confidence", .text)
                t.column("mode", .text)
                t.column("tools", .text).notNull().defaults(to: "")
                t.column("evidence", .text).notNull().defaults(to: "[]")
                t.column("author_name", .text).notNull()
                t.column("author_email", .text).notNull()
                t.column("authored_at", .integer).notNull()
                t.column("author_offset", .integer).notNull()
                t.column("committer_name", .text).notNull()
                t.column("committer_email", .text).notNull()
                t.column("committed_at", .integer).notNull()
                t.column("committer_offset", .integer).notNull()
                t.column("subject", .text).notNull()
                t.column("parent_count", .integer).notNull()
                t.column("lines_added", .integer)
                t.column("lines_deleted", .integer)
                t.column("reachable", .boolean).notNull().defaults(to: true)
                t.uniqueKey(["repository_id", "sha"])
            }
            try db.create(index: "commit_record_by_time", on: "commit_record",
                          columns: ["repository_id", "reachable", "authored_at"])
            try db.create(index: "commit_record_by_sha", on: "commit_record", columns: ["sha"])
            try db.create(table: "commit_tool") { t in
                t.column("commit_id", .integer).notNull()
                    .references("commit_record", onDelete: .cascade)
                t.column("tool", .text).notNull()
                t.primaryKey(["commit_id", "tool"])
            }
            try db.create(index: "commit_tool_by_tool", on: "commit_tool", columns: ["tool"])
        }
        migrator.registerMigration("v2: git-ai notes") { db in
            // Lines an agent attested in git-ai notes, for the line share.
            try db.alter(table: "commit_record") { t in t.add(column: "ai_lines", .integer) }
            // The notes refs' tips at the last complete scan: new notes re-evaluate commits.
            try db.alter(table: "repository") { t in t.add(column: "notes_tip", .text) }
        }
        migrator.registerMigration("v3: the person each commit counts for") { db in
            // Adoption counts people, not agents: an agent's commit counts for
            // the person it names. Filled by the next scan (the scan state
            // version changes with this release).
            try db.alter(table: "commit_record") { t in
                t.add(column: "person_name", .text)
                t.add(column: "person_email", .text)
            }
            try db.create(index: "commit_record_by_person", on: "commit_record", columns: ["person_email"])
            // Trends over every repository cut time ranges without a repository.
            try db.create(index: "commit_record_by_authored_at", on: "commit_record", columns: ["authored_at"])
            try db.create(index: "commit_record_by_committed_at", on: "commit_record", columns: ["committed_at"])
        }
        migrator.registerMigration("v4: trend indexes") { db in
            // Period tallies cut time ranges among reachable commits: without
            // these the planner scanned the table once per period (2 s for
            // git/git's 250 months; 0.1 s with them).
            try db.create(index: "commit_record_reachable_by_authored_at", on: "commit_record", columns: ["reachable", "authored_at"])
            try db.create(index: "commit_record_reachable_by_committed_at", on: "commit_record", columns: ["reachable", "committed_at"])
        }
        migrator.registerMigration("v5: indexes of reachable commits only") { db in
            // Every index costs each inserted commit a b-tree insert, and the
            // ones holding `reachable` another pair when a scan shows its
            // commits. Reports read reachable commits only, so partial indexes
            // serve them, and a scan's hidden rows stay out of them until shown.
            // The sha index alone served lookups across repositories, which
            // now go through (repository_id, sha).
            for name in ["commit_record_by_time", "commit_record_by_sha", "commit_record_by_authored_at",
                         "commit_record_by_committed_at", "commit_record_reachable_by_authored_at",
                         "commit_record_reachable_by_committed_at"] {
                try db.execute(sql: "DROP INDEX IF EXISTS \(name)")
            }
            try db.execute(sql: """
                CREATE INDEX commit_record_visible_by_repository ON commit_record (repository_id, authored_at) WHERE reachable = 1;
                CREATE INDEX commit_record_visible_by_authored_at ON commit_record (authored_at) WHERE reachable = 1;
                CREATE INDEX commit_record_visible_by_committed_at ON commit_record (committed_at) WHERE reachable = 1;
                """)
        }
        migrator.registerMigration("v6: first scans shown by their repository") { db in
            // A first scan stores its commits visible and keeps its repository
            // out of every report until it completes: showing them row by row
            // at the end rewrote every row and index entry once more (0.5 s of
            // git/git's 2 s scan).
            try db.alter(table: "repository") { t in
                t.add(column: "scan_pending", .boolean).notNull().defaults(to: false)
            }
            // Every stored commit paid an insert into this index, and no
            // query reads through it: people are matched with GLOB patterns
            // while commits are streamed, not looked up.
            try db.execute(sql: "DROP INDEX IF EXISTS commit_record_by_person")
        }
        migrator.registerMigration("v7: line engines and repository identities") { db in
            // `git` or `libgit2`; NULL for counts stored before census recorded it.
            try db.alter(table: "commit_record") { t in t.add(column: "lines_engine", .text) }
            // The device and inode of a repository's git directory: one
            // repository reached by two paths is one entry. NULL until the
            // repository's next scan records it.
            try db.alter(table: "repository") { t in t.add(column: "identity", .text) }
            try db.create(index: "repository_by_identity", on: "repository", columns: ["identity"])
        }
        migrator.registerMigration("v8: the collector that scanned each repository") { db in
            try db.alter(table: "repository") { t in t.add(column: "collector", .text) }
        }
        migrator.registerMigration("v9: a repository's origin, and the clone that scanned it") { db in
            try db.alter(table: "repository") { t in
                t.add(column: "origin", .text)
                t.add(column: "scanned_from", .text)
            }
            try db.create(index: "repository_by_origin", on: "repository", columns: ["origin"])
        }
        migrator.registerMigration("v10: adoption dates and session-log horizons") { db in
            // Found by the next scan of each repository.
            try db.alter(table: "repository") { t in
                t.add(column: "adoption_commit", .text)
                t.add(column: "adopted_at", .integer)
                t.add(column: "adoption_files", .text)
            }
            // The oldest and newest session-log record each collector has
            // read per tool: before the oldest, no session evidence means unknown.
            try db.create(table: "session_horizon") { t in
                t.column("collector", .text).notNull()
                t.column("tool", .text).notNull()
                t.column("oldest", .integer).notNull()
                t.column("newest", .integer).notNull()
                t.primaryKey(["collector", "tool"])
            }
        }
        migrator.registerMigration("v11: lines git-ai attests to people") { db in
            // Filled when the commits are attributed again (the scanner's version changed with it).
            try db.alter(table: "commit_record") { t in t.add(column: "human_lines", .integer) }
        }
        return migrator
    }
}
