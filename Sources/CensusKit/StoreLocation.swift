import CensusPostgres
import CensusStore
import Foundation

/// Where the store is, and what named it: `--db`, else `$CENSUS_DB`, else the
/// configuration's `database`, else `$XDG_DATA_HOME/census/census.sqlite`
/// (`~/.local/share/census/census.sqlite`). One rule for census and censusd.
///
/// A `postgresql://` (or `postgres://`) URL names a PostgreSQL database
/// (`PostgresLocation`); anything else is an SQLite file.
public struct StoreLocation: Sendable, Equatable {
    public var path: String
    /// `--db`, `$CENSUS_DB`, `the configuration` or `the default`.
    public var origin: String

    public init(path: String, origin: String) {
        self.path = path
        self.origin = origin
    }

    /// True when the store is a PostgreSQL database.
    public var isPostgres: Bool { PostgresLocation.isURL(path) }

    /// The location as errors and logs may show it: never a password.
    public var shown: String { PostgresLocation.redact(path) }

    /// Opens the store this names: PostgreSQL for a URL (its password from
    /// `passwordFile`, `PGPASSWORD` or `~/.pgpass`), else the SQLite file.
    ///
    /// With `waitForServer` a PostgreSQL server that does not answer yet is
    /// no error (censusd starts and reconnects); a bad URL always is.
    func open(passwordFile: String?, environment: [String: String], waitForServer: Bool) throws(StoreError) -> any CommitStore {
        guard isPostgres else { return try SQLiteStore(path: path) }
        return try PostgresStore(try PostgresLocation(url: path, passwordFile: passwordFile, environment: environment),
                                 waitForServer: waitForServer)
    }

    public static func resolve(explicit: String?, configuration: CensusConfiguration?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> StoreLocation {
        if let explicit { return StoreLocation(path: explicit, origin: "--db") }
        if let fromEnvironment = environment["CENSUS_DB"], !fromEnvironment.isEmpty {
            return StoreLocation(path: fromEnvironment, origin: "$CENSUS_DB")
        }
        if let database = configuration?.database { return StoreLocation(path: database, origin: "the configuration") }
        return StoreLocation(path: SQLiteStore.defaultPath(environment: environment), origin: "the default")
    }
}
