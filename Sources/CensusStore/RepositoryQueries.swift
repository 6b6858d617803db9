import Foundation
internal import GRDB

extension SQLiteStore {
    /// The stored repository at `path`, inserted when new. The flags are
    /// updated in the store, but the record returned is as it was before, so
    /// that the caller sees what changed (a shallow clone deepened).
    /// A recorded `identity` is kept up to date (the repository at a path was
    /// cloned again, or its identity was not yet recorded).
    public func repository(at path: String, name: String, isBare: Bool, isShallow: Bool,
                           identity: String?, origin: String?) throws(StoreError) -> RepositoryRecord {
        try write { db in
            if let existing = try RepositoryRecord.filter(Column("path") == path).fetchOne(db) {
                if existing.isShallow != isShallow || existing.isBare != isBare || (identity != nil && existing.identity != identity)
                    || (origin != nil && existing.origin == nil) {
                    var updated = existing
                    updated.isShallow = isShallow
                    updated.isBare = isBare
                    updated.identity = identity ?? existing.identity
                    // An origin is recorded once, and only where no other repository has it.
                    if existing.origin == nil, let origin, try RepositoryRecord.filter(Column("origin") == origin).fetchCount(db) == 0 {
                        updated.origin = origin
                    }
                    try updated.update(db)
                }
                return existing
            }
            var record = RepositoryRecord(path: path, name: name, isBare: isBare, isShallow: isShallow, identity: identity)
            record.origin = origin
            try record.insert(db)
            return record
        }
    }

    public func repository(origin: String) throws(StoreError) -> RepositoryRecord? {
        try read { db in
            try RepositoryRecord.filter(Column("origin") == origin).order(Column("id")).fetchOne(db)
        }
    }

    /// One machine's store: its scans are serialised by the scan lock
    /// (`ScanLock`), so every claim is granted.
    public var sharedByCollectors: Bool { false }

    public var concurrentWriters: Int { 1 }

    public func claim(repositoryID: Int64, holder: String, seconds: Int) throws(StoreError) -> String? { nil }

    public func release(repositoryID: Int64, holder: String) throws(StoreError) {}

    /// The stored repository with this identity (the first stored, should
    /// an older release have stored one repository twice).
    public func repository(identity: String) throws(StoreError) -> RepositoryRecord? {
        try read { db in
            try RepositoryRecord.filter(Column("identity") == identity).order(Column("id")).fetchOne(db)
        }
    }

    public func repositories() throws(StoreError) -> [RepositoryRecord] {
        try read { db in try RepositoryRecord.order(Column("path")).fetchAll(db) }
    }

    /// Repositories whose path is `path` or lies below it.
    public func repositories(under path: String) throws(StoreError) -> [RepositoryRecord] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return try read { db in
            try RepositoryRecord
                .filter(Column("path") == path || Column("path").like(Self.escapeLike(prefix) + "%", escape: "\\"))
                .order(Column("path"))
                .fetchAll(db)
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    public func renumber(repositoryID: Int64, to id: Int64) throws(StoreError) -> Bool {
        try write { db in
            let taken = try RepositoryRecord.fetchOne(db, key: id) != nil
            let holds = try Int.fetchOne(db, sql: "SELECT count(*) FROM commit_record WHERE repository_id = ?", arguments: [repositoryID]) ?? 0
            guard !taken, holds == 0 else { return false }
            try db.execute(sql: "UPDATE repository SET id = ? WHERE id = ?", arguments: [id, repositoryID])
            // AUTOINCREMENT numbers after the largest id ever given.
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'repository'", arguments: [id])
            return true
        }
    }

    /// Gives a stored repository a new path (it was moved or renamed).
    public func move(repositoryID: Int64, to path: String, name: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE repository SET path = ?, name = ? WHERE id = ?", arguments: [path, name, repositoryID])
        }
    }

    /// Records that a scan of the repository failed; earlier results stay.
    public func recordFailure(repositoryID: Int64, message: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE repository SET last_error = ?, last_error_at = ? WHERE id = ?",
                           arguments: [message, Date().timeIntervalSince1970, repositoryID])
        }
    }

    public func recordAdoption(repositoryID: Int64, _ adoption: RepositoryAdoption?) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE repository SET adoption_commit = ?, adopted_at = ?, adoption_files = ? WHERE id = ?",
                           arguments: [adoption?.commit, adoption?.at, adoption?.files.joined(separator: ","), repositoryID])
        }
    }

    public func recordSessionHorizon(_ record: SessionHorizonRecord) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO session_horizon (collector, tool, oldest, newest) VALUES (?, ?, ?, ?)
                ON CONFLICT (collector, tool) DO UPDATE SET oldest = MIN(oldest, excluded.oldest), newest = MAX(newest, excluded.newest)
                """, arguments: [record.collector, record.tool, record.oldest, record.newest])
        }
    }

    public func sessionHorizonRecords() throws(StoreError) -> [SessionHorizonRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT collector, tool, oldest, newest FROM session_horizon")
                .map { SessionHorizonRecord(collector: $0[0], tool: $0[1], oldest: $0[2], newest: $0[3]) }
        }
    }

    /// Starts the first scan of a repository with nothing stored: its commits
    /// are stored visible as they come, and the repository stays out of every
    /// report and listing until `completeScan` (a scan cut short leaves it
    /// out until one completes).
    public func beginFirstScan(repositoryID: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE repository SET scan_pending = 1 WHERE id = ?", arguments: [repositoryID])
        }
    }

    /// Repositories whose first scan has not completed, as `db`'s transaction sees them.
    static func repositoriesBeingScanned(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM repository WHERE scan_pending = 1")
    }

    /// Marks a scan complete: HEAD's whole history is stored, classified with
    /// `catalogueVersion`, and becomes visible in one transaction. `reachable`
    /// is the whole history (commits outside it are flagged unreachable, so a
    /// rewrite is never counted twice); after an incremental walk it is nil and
    /// `newlyReachable` holds the commits walked; after a first scan both are
    /// empty, and the repository itself is shown (see `beginFirstScan`).
    /// Either way a report sees the store before the scan or after it, never
    /// half of it.
    public func completeScan(repositoryID: Int64, head: String?, headBranch: String?, catalogueVersion: String,
                             notesTip: String? = nil, reachable: Set<String>?, newlyReachable: [String] = [],
                             scannedFrom: String? = nil) throws(StoreError) {
        try write { db in
            if reachable == nil && !newlyReachable.isEmpty {
                let show = try db.cachedStatement(sql: "UPDATE commit_record SET reachable = 1 WHERE repository_id = ? AND sha = ?")
                for sha in newlyReachable { try show.execute(arguments: [repositoryID, sha]) }
            }
            if let reachable {
                // Flag everything, then clear the flag of what is reachable now.
                try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS reachable_now (sha TEXT PRIMARY KEY) WITHOUT ROWID")
                try db.execute(sql: "DELETE FROM reachable_now")
                let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO reachable_now (sha) VALUES (?)")
                for sha in reachable { try insert.execute(arguments: [sha]) }
                try db.execute(sql: """
                    UPDATE commit_record SET reachable = (sha IN (SELECT sha FROM reachable_now))
                    WHERE repository_id = ?
                    """, arguments: [repositoryID])
                try db.execute(sql: "DELETE FROM reachable_now")
            }
            try db.execute(sql: """
                UPDATE repository SET scanned_head = ?, head_branch = ?, catalogue_version = ?, notes_tip = ?,
                    scanned_at = ?, last_error = NULL, last_error_at = NULL, scan_pending = 0, collector = ?, scanned_from = ?
                WHERE id = ?
                """, arguments: [head, headBranch, catalogueVersion, notesTip, Date().timeIntervalSince1970, CollectorName.current,
                                 scannedFrom, repositoryID])
        }
    }
}
