import Attribution
import Foundation
import GRDB
import GRDBSQLite

extension CensusStore {
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

    /// Inserts commits not stored yet, in one transaction: a batch is all
    /// there or not at all, so an interrupted scan never leaves half a batch.
    ///
    /// A cached statement with positional arguments: the Codable record path
    /// (key encoding, snake-case conversion per column) cost more than the
    /// whole rest of a scan.
    public func insert(_ commits: [CommitRecord]) throws(StoreError) {
        try insert(batches: [commits])
    }

    /// Inserts several batches in one transaction (what a scan's storing
    /// thread found waiting), without joining them into one array first.
    public func insert(batches: [[CommitRecord]]) throws(StoreError) {
        guard batches.contains(where: { !$0.isEmpty }) else { return }
        try write { db in
            let insertCommit = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO commit_record (repository_id, sha, class, confidence, mode, tools, evidence,
                    author_name, author_email, authored_at, author_offset, committer_name, committer_email,
                    committed_at, committer_offset, subject, parent_count, lines_added, lines_deleted, ai_lines, reachable,
                    person_name, person_email)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertTool = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_tool (commit_id, tool) VALUES (?, ?)")
            // Values are bound straight to SQLite: building GRDB's
            // StatementArguments (23 boxed values a commit) cost more than the
            // insert itself.
            let statement = insertCommit.sqliteStatement
            defer { sqlite3_reset(statement) }
            // Each row's text is copied end to end into one buffer and bound
            // in place (SQLITE_STATIC), valid until the row is stepped: SQLite
            // copying every value into an allocation of its own cost an eighth
            // of storing.
            var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
            defer { scratch.deallocate() }
            // No binding may point into the buffer once it is gone.
            defer { sqlite3_clear_bindings(statement) }
            for commits in batches {
            for commit in commits {
                sqlite3_reset(statement)
                func size(_ text: String?) -> Int { text?.utf8.count ?? 0 }
                let needed = size(commit.sha) + size(commit.class) + size(commit.confidence) + size(commit.mode)
                    + size(commit.tools) + size(commit.evidence) + size(commit.authorName) + size(commit.authorEmail)
                    + size(commit.committerName) + size(commit.committerEmail) + size(commit.subject)
                    + size(commit.personName) + size(commit.personEmail)
                if needed > scratch.count {
                    scratch.deallocate()
                    scratch = .allocate(byteCount: max(needed, scratch.count * 2), alignment: 8)
                }
                var bind = Binder(statement, scratch: scratch)
                bind.int(commit.repositoryId); bind.text(commit.sha); bind.text(commit.class); bind.text(commit.confidence)
                bind.text(commit.mode); bind.text(commit.tools); bind.text(commit.evidence); bind.text(commit.authorName)
                bind.text(commit.authorEmail); bind.int(commit.authoredAt); bind.int(Int64(commit.authorOffset))
                bind.text(commit.committerName); bind.text(commit.committerEmail); bind.int(commit.committedAt)
                bind.int(Int64(commit.committerOffset)); bind.text(commit.subject); bind.int(Int64(commit.parentCount))
                bind.int(commit.linesAdded.map(Int64.init)); bind.int(commit.linesDeleted.map(Int64.init))
                bind.int(commit.aiLines.map(Int64.init)); bind.int(commit.reachable ? 1 : 0)
                bind.text(commit.personName); bind.text(commit.personEmail)
                let code = sqlite3_step(statement)
                guard code == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                guard db.changesCount > 0, !commit.tools.isEmpty else { continue }
                let id = db.lastInsertedRowID
                for tool in commit.toolList { try insertTool.execute(arguments: [id, tool]) }
            }
            }
        }
    }

    /// Replaces the verdicts of stored commits (after the catalogue changed, or
    /// when a merge of an AI tool's branch adds evidence), one transaction.
    public func replaceVerdicts(repositoryID: Int64, _ verdicts: [(sha: String, verdict: Verdict)]) throws(StoreError) {
        guard !verdicts.isEmpty else { return }
        try write { db in
            let deleteTools = try db.cachedStatement(sql: "DELETE FROM commit_tool WHERE commit_id = ?")
            let insertTool = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_tool (commit_id, tool) VALUES (?, ?)")
            for (sha, verdict) in verdicts {
                guard var record = try CommitRecord
                    .filter(Column("repository_id") == repositoryID && Column("sha") == sha)
                    .fetchOne(db), let id = record.id else { continue }
                record.apply(verdict)
                try record.update(db)
                try deleteTools.execute(arguments: [id])
                for tool in record.toolList { try insertTool.execute(arguments: [id, tool]) }
            }
        }
    }

    /// Stored commits of a repository, by sha.
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
    public func saveLineStats(repositoryID: Int64, _ stats: [(sha: String, added: Int, deleted: Int)]) throws(StoreError) {
        guard !stats.isEmpty else { return }
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE commit_record SET lines_added = ?, lines_deleted = ? WHERE repository_id = ? AND sha = ?
                """)
            for stat in stats {
                try update.execute(arguments: [stat.added, stat.deleted, repositoryID, stat.sha])
            }
        }
    }
}

/// Binds values to a statement's parameters in order. Text is copied into
/// `scratch` (which must hold the whole row's text) and bound from there
/// without SQLite copying it again: `scratch` must stay untouched until the
/// statement is stepped and reset.
private struct Binder {
    let statement: OpaquePointer
    let scratch: UnsafeMutableRawBufferPointer
    var used = 0
    var index: Int32 = 1
    private static let staticText = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, scratch: UnsafeMutableRawBufferPointer) {
        self.statement = statement
        self.scratch = scratch
    }

    mutating func int(_ value: Int64?) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        index += 1
    }

    mutating func text(_ value: String?) {
        if var value {
            let start = used
            value.withUTF8 { buffer in
                precondition(start + buffer.count <= scratch.count, "row text larger than its buffer")
                if let base = buffer.baseAddress, buffer.count > 0 {
                    (scratch.baseAddress! + start).copyMemory(from: base, byteCount: buffer.count)
                }
                used = start + buffer.count
            }
            let characters = (scratch.baseAddress! + start).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement, index, characters, Int32(used - start), Self.staticText)
        } else {
            sqlite3_bind_null(statement, index)
        }
        index += 1
    }
}
