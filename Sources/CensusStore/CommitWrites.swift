import Attribution
import Foundation
import GRDB

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
        guard !commits.isEmpty else { return }
        try write { db in
            let insertCommit = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO commit_record (repository_id, sha, class, confidence, mode, tools, evidence,
                    author_name, author_email, authored_at, author_offset, committer_name, committer_email,
                    committed_at, committer_offset, subject, parent_count, lines_added, lines_deleted, ai_lines, reachable,
                    person_name, person_email)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertTool = try db.cachedStatement(sql: "INSERT OR IGNORE INTO commit_tool (commit_id, tool) VALUES (?, ?)")
            for commit in commits {
                let arguments: [(any DatabaseValueConvertible)?] = [
                    commit.repositoryId, commit.sha, commit.class, commit.confidence, commit.mode, commit.tools,
                    commit.evidence, commit.authorName, commit.authorEmail, commit.authoredAt, commit.authorOffset,
                    commit.committerName, commit.committerEmail, commit.committedAt, commit.committerOffset,
                    commit.subject, commit.parentCount, commit.linesAdded, commit.linesDeleted, commit.aiLines,
                    commit.reachable, commit.personName, commit.personEmail,
                ]
                try insertCommit.execute(arguments: StatementArguments(arguments))
                guard db.changesCount > 0, !commit.tools.isEmpty else { continue }
                let id = db.lastInsertedRowID
                for tool in commit.toolList { try insertTool.execute(arguments: [id, tool]) }
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
