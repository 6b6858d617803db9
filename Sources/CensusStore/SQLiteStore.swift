internal import CSQLiteOptions
import Foundation
internal import GRDB
internal import GRDBSQLite
import Synchronization

/// Set once, before the process opens its first SQLite connection: the
/// storing thread of a scan spent a fifth of its time in SQLite's
/// allocation statistics (a process-wide mutex per allocation) that nothing
/// reads.
private let sqliteConfigured: Bool = {
    _ = census_sqlite_disable_memory_statistics()
    return true
}()

/// The SQLite store: one file, opened in WAL mode so that `census report` can
/// read while a scan writes, with migrations applied on open.
///
/// A `SQLiteStore` is safe to share between threads.
public final class SQLiteStore: Sendable {
    public let path: String
    let pool: DatabasePool
    /// The connection `changeCounter()` reads; opened on first use.
    private let watcher = Mutex<DatabaseQueue?>(nil)

    /// How long a writer waits for another writer before giving up:
    /// `$CENSUS_BUSY_TIMEOUT` seconds, else 30.
    public static var defaultBusyTimeout: TimeInterval {
        ProcessInfo.processInfo.environment["CENSUS_BUSY_TIMEOUT"].flatMap(Double.init) ?? 30
    }

    /// The first bytes of every SQLite 3 file.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Opens the store at `path`, creating the file and its folders on first use.
    ///
    /// Never overwrites what is there: a file that is not SQLite, another
    /// program's database, a corrupt file or one from a newer CommitCensus is
    /// refused with a `StoreError` and left as it was.
    public init(path: String, busyTimeout: TimeInterval = SQLiteStore.defaultBusyTimeout) throws(StoreError) {
        _ = sqliteConfigured
        self.path = path
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw StoreError(.unreadable, path: path, detail: "is a folder, not a database file")
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw StoreError(.unreadable, path: path, detail: "cannot read the database file (permission denied)")
            }
            let header = (try? handle.read(upToCount: 16)) ?? Data()
            try? handle.close()
            if !header.isEmpty && Array(header) != Self.sqliteHeader {
                throw StoreError(.notSQLite, path: path, detail: "not an SQLite database; the file was left untouched")
            }
        } else {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do {
                    try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(.unreadable, path: path, detail: "cannot create the database folder \(folder) (\(error.localizedDescription))")
                }
            }
        }

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "CommitCensus"
        configuration.prepareDatabase { db in
            // 8 KiB pages: a scan inserts every commit into five b-trees, and
            // larger pages mean shallower trees and fewer pages to rewrite
            // (storing git/git's rows took a fifth less). Only a new file
            // takes it; stores made with 4 KiB pages keep them.
            try db.execute(sql: "PRAGMA page_size = 8192")
            // NORMAL is durable in WAL mode up to the last checkpoint and much
            // faster than FULL for the many small transactions of a scan.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A scan inserts into indexes keyed by sha, in random order: with
            // SQLite's default 2 MiB cache every insert read its pages back from
            // the file. Pages are allocated as used, so small stores stay small.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Each checkpoint copies the pages a scan wrote to the database
            // file again, and a scan touches every page of the sha index in
            // every transaction: checkpointing every 40 MB instead of every
            // 4 MB cut the time to store git/git's history by a third. The
            // file is trimmed back after each checkpoint.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            try db.execute(sql: "PRAGMA journal_size_limit = 16777216")
        }
        do {
            // Look before touching: opening a pool switches the file to WAL,
            // which rewrites its header, so a file that is not ours is first
            // checked through a read-only connection.
            if let size = (try? fileManager.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 {
                var readOnly = Configuration()
                readOnly.readonly = true
                readOnly.busyMode = .timeout(busyTimeout)
                let queue = try DatabaseQueue(path: path, configuration: readOnly)
                try queue.read { db in try Self.checkOwnership(db, path: path) }
                try queue.close()
            }
            pool = try Self.openPool(path: path, configuration: configuration, patience: busyTimeout)
            try Self.migrate(pool)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Opens the pool, which switches the file to WAL. Two processes that
    /// create a new store at the same moment both make that switch, and
    /// SQLite answers the later one "locked" at once, without waiting for the
    /// busy timeout (a journal-mode change is not retried by the busy
    /// handler): one of two scans started together exited 2. So the open is
    /// retried here, until the other has switched or the timeout has passed.
    private static func openPool(path: String, configuration: Configuration, patience: TimeInterval) throws -> DatabasePool {
        let started = Date()
        var pause = 0.005
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date().timeIntervalSince(started) < patience {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.1)
            }
        }
    }

    /// Applies the migrations. Two processes that open a new store at the same
    /// moment both see it unmigrated; the one that loses the race finds the
    /// schema there when it looks again, which is all it needed.
    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = Schema.migrator
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                attempt += 1
                if (try? pool.read({ try migrator.hasCompletedMigrations($0) })) == true { return }
                guard attempt < 5 else { throw error }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// Refuses another program's database and one from a newer CommitCensus.
    private static func checkOwnership(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if tables.isEmpty { return }
        guard tables.contains("grdb_migrations") else {
            throw StoreError(.notCensusDatabase, path: path,
                             detail: "not a CommitCensus database (it holds other tables: \(tables.prefix(3).joined(separator: ", "))); the file was left untouched")
        }
        if try Schema.migrator.hasBeenSuperseded(db) {
            throw StoreError(.newerSchema, path: path,
                             detail: "the database was written by a newer CommitCensus (unknown schema migrations); upgrade census or use another --db; the file was left untouched")
        }
    }

    /// The default location: `$CENSUS_DB`, else `$XDG_DATA_HOME/census/census.sqlite`,
    /// else `~/.local/share/census/census.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["CENSUS_DB"], !explicit.isEmpty { return explicit }
        if let dataHome = environment["XDG_DATA_HOME"], !dataHome.isEmpty {
            return (dataHome as NSString).appendingPathComponent("census/census.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/share/census/census.sqlite")
    }

    /// A number that changes whenever any connection, in this process or
    /// another (`census scan` beside `censusd`), commits a change to the store:
    /// SQLite's `data_version`, read on a connection of its own that never
    /// writes. Cached figures are fresh while it stays the same.
    public func changeCounter() throws(StoreError) -> Int {
        do {
            return try watcher.withLock { queue in
                if queue == nil {
                    var configuration = Configuration()
                    configuration.readonly = true
                    configuration.busyMode = .timeout(5)
                    queue = try DatabaseQueue(path: path, configuration: configuration)
                }
                return try queue!.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 }
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Copies what the write-ahead log holds into the database file now,
    /// through a connection of its own, while other connections go on
    /// writing (a passive checkpoint: it waits for no one, and copies only
    /// committed pages).
    ///
    /// The last connection to close checkpoints anyway, syncing the log and
    /// copying every page a scan wrote: after a large scan that took a tenth
    /// of the run with one core idle. A scan calls this on a thread of its
    /// own once its history is read, while its storing thread finishes, and
    /// the close is left with what was written since. A failure is not an
    /// error: the close checkpoints what is left, as it always does.
    public func checkpointWhileWriting() {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let connection else {
            sqlite3_close(connection)
            return
        }
        defer { sqlite3_close(connection) }
        sqlite3_busy_timeout(connection, 1000)
        // The same durability as the store's own connections.
        sqlite3_exec(connection, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw StoreError.from(error, path: path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw StoreError.from(error, path: path) }
    }
}
