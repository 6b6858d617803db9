import Attribution
import Foundation
internal import GRDB
internal import GRDBSQLite

extension SQLiteStore {
    /// Every sha stored for a repository, reachable or not.
    public func storedSHAs(repositoryID: Int64) throws(StoreError) -> Set<String> {
        try read { db in
            var shas = Set<String>()
            let cursor = try String.fetchCursor(db, sql: "SELECT sha FROM commit_record WHERE repository_id = ?",
                                                arguments: [repositoryID])
            while let sha = try cursor.next() { shas.insert(sha) }
            return shas
        }
    }

    /// How many commits are stored for a repository, reachable or not (from
    /// the (repository, sha) key, not the table).
    public func storedCommitCount(repositoryID: Int64) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM commit_record INDEXED BY sqlite_autoindex_commit_record_1 WHERE repository_id = ?",
                             arguments: [repositoryID]) ?? 0
        }
    }

    /// Inserts commits not stored yet, in one transaction: a batch is all
    /// there or not at all, so an interrupted scan never leaves half a batch.
    public func insert(_ commits: [CommitRecord]) throws(StoreError) {
        try insert(batches: [EncodedCommits(commits)])
    }

    /// Inserts several batches in one transaction (what a scan's storing
    /// thread found waiting), without joining them into one first.
    ///
    /// One cached statement with positional arguments, each value bound in
    /// place from the batch's buffers (SQLITE_STATIC): the Codable record path
    /// (key encoding, snake-case conversion per column) cost more than the
    /// whole rest of a scan, GRDB's StatementArguments (23 boxed values a
    /// commit) more than the insert itself, and SQLite copying every value an
    /// eighth of storing.
    public func insert(batches: [EncodedCommits]) throws(StoreError) {
        guard batches.contains(where: { !$0.isEmpty }) else { return }
        let columns = (EncodedCommits.textColumns + EncodedCommits.integerColumns).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: EncodedCommits.textColumns.count + EncodedCommits.integerColumns.count)
            .joined(separator: ", ")
        try write { db in
            let insertCommit = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_record (\(columns)) VALUES (\(placeholders))")
            let insertTool = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_tool (commit_id, tool) VALUES (?, ?)")
            let statement = insertCommit.sqliteStatement
            defer { sqlite3_reset(statement) }
            // No binding may point into a batch once it is gone.
            defer { sqlite3_clear_bindings(statement) }
            let texts = EncodedCommits.textColumns.count, integers = EncodedCommits.integerColumns.count
            let staticText = unsafeBitCast(0, to: sqlite3_destructor_type.self)
            for batch in batches {
                try batch.bytes.withUnsafeBufferPointer { bytes in
                    // A batch of empty texts has no storage; SQLite still needs an address.
                    let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
                    for row in 0..<batch.count {
                        sqlite3_reset(statement)
                        for column in 0..<texts {
                            let span = batch.spans[row * texts + column]
                            if span.length < 0 {
                                sqlite3_bind_null(statement, Int32(column + 1))
                            } else {
                                sqlite3_bind_text(statement, Int32(column + 1), base.advanced(by: Int(span.start)).assumingMemoryBound(to: CChar.self),
                                                  span.length, staticText)
                            }
                        }
                        for column in 0..<integers {
                            let value = batch.integers[row * integers + column]
                            if value == EncodedCommits.null {
                                sqlite3_bind_null(statement, Int32(texts + column + 1))
                            } else {
                                sqlite3_bind_int64(statement, Int32(texts + column + 1), value)
                            }
                        }
                        let code = sqlite3_step(statement)
                        guard code == SQLITE_DONE else {
                            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                        }
                        let tools = batch.spans[row * texts + EncodedCommits.toolsColumn]
                        guard tools.length > 0, db.changesCount > 0 else { continue }
                        let id = db.lastInsertedRowID
                        let list = String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(tools.start)..<Int(tools.start + tools.length)]), as: UTF8.self)
                        for tool in list.split(separator: ",") { try insertTool.execute(arguments: [id, String(tool)]) }
                    }
                }
            }
        }
    }

    /// New verdicts for stored commits (a scan derives them again when the
    /// rules, notes or session logs changed). Only a row whose verdict
    /// differs is written, through one cached statement: fetching and saving
    /// each commit as a record compiled two statements and went through
    /// Codable for every commit — git/git's reclassification after a
    /// catalogue change took ~30 CPU-seconds, twelve times its first scan.
    public func replaceVerdicts(repositoryID: Int64, _ verdicts: [(sha: String, verdict: Verdict)]) throws(StoreError) {
        guard !verdicts.isEmpty else { return }
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE commit_record SET class = ?1, confidence = ?2, mode = ?3, tools = ?4, evidence = ?5,
                    ai_lines = ?6, human_lines = ?7, person_name = ?8, person_email = ?9
                WHERE repository_id = ?10 AND sha = ?11
                  AND (class IS NOT ?1 OR confidence IS NOT ?2 OR mode IS NOT ?3 OR tools IS NOT ?4 OR evidence IS NOT ?5
                       OR ai_lines IS NOT ?6 OR human_lines IS NOT ?7 OR person_name IS NOT ?8 OR person_email IS NOT ?9)
                RETURNING id
                """)
            let deleteTools = try db.cachedStatement(sql: "DELETE FROM commit_tool WHERE commit_id = ?")
            let insertTool = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_tool (commit_id, tool) VALUES (?, ?)")
            for (sha, verdict) in verdicts {
                let columns = CommitRecord.verdictColumns(verdict, sha: sha, repositoryID: repositoryID)
                // The id of the row it changed; nil when the verdict was the same, or the sha unknown.
                guard let id = try Int64.fetchOne(update, arguments: [
                    columns.class, columns.confidence, columns.mode, columns.tools, columns.evidence,
                    columns.aiLines, columns.humanLines, columns.personName, columns.personEmail, repositoryID, sha]) else { continue }
                try deleteTools.execute(arguments: [id])
                for tool in columns.toolList { try insertTool.execute(arguments: [id, tool]) }
            }
        }
    }

    /// Stored commits of a repository, by sha.
    public func commits(repositoryID: Int64, withEvidence kind: SignalKind) throws(StoreError) -> [CommitRecord] {
        // Evidence is stored as JSON with sorted keys: `"kind":"session-log"` is its own text.
        let pattern = "%\"kind\":\"\(kind.rawValue)\"%"
        return try read { db in
            try CommitRecord.filter(Column("repository_id") == repositoryID && Column("evidence").like(pattern)).fetchAll(db)
        }
    }

    public func commits(repositoryID: Int64, shas: [String]) throws(StoreError) -> [CommitRecord] {
        guard !shas.isEmpty else { return [] }
        return try read { db in
            var found: [CommitRecord] = []
            for chunk in stride(from: 0, to: shas.count, by: 500).map({ Array(shas[$0..<min($0 + 500, shas.count)]) }) {
                found += try CommitRecord
                    .filter(Column("repository_id") == repositoryID && chunk.contains(Column("sha")))
                    .fetchAll(db)
            }
            return found
        }
    }

    /// Non-merge commits of a repository whose line counts are not known yet.
    public func commitsMissingLineStats(repositoryID: Int64) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT sha FROM commit_record
                WHERE repository_id = ? AND parent_count < 2 AND lines_added IS NULL
                """, arguments: [repositoryID])
        }
    }

    /// Stores line counts, one transaction per call.
    public func saveLineStats(repositoryID: Int64, engine: String, _ stats: [(sha: String, added: Int, deleted: Int)]) throws(StoreError) {
        guard !stats.isEmpty else { return }
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE commit_record SET lines_added = ?, lines_deleted = ?, lines_engine = ? WHERE repository_id = ? AND sha = ?
                """)
            for stat in stats {
                try update.execute(arguments: [stat.added, stat.deleted, engine, repositoryID, stat.sha])
            }
        }
    }
}
