import Attribution
import CensusStore
import Foundation
import Synchronization

/// CommitCensus as an application: the use cases a person has, over one
/// store and one configuration. `census`, `censusd` and the HTTP server call
/// these and nothing below them.
///
/// - scan: `scan(_:_:finished:)` — repositories into the store, several at once;
/// - report: `report(_:options:)` and `ReportFormat.render`;
/// - commits: `commits(_:anonymize:each:)`, `commitPage(_:limit:cursor:)`;
/// - explain: `explain(_:repository:)`;
/// - repositories: `repositories()`; rules: `catalogue()`.
///
/// A `CommitCensus` is safe to share between threads; a reloaded
/// configuration makes a new one over the same store (`with(configuration:)`).
public final class CommitCensus: Sendable {
    let store: any CommitStore
    /// The configuration file's settings; defaults when there is none.
    public let configuration: CensusConfiguration
    /// Made on first use: `census report` never decodes the catalogue, and a
    /// scan only once it has a commit to attribute.
    private let madeRules = Mutex<ScanRules?>(nil)

    /// Opens (creating on first use) the store at `location`: an SQLite file,
    /// or a PostgreSQL database (migrated on first use). `waitForServer`: a
    /// database server that does not answer yet is not an error (a daemon
    /// starts, says so on /readyz and reconnects); a bad location always is.
    public convenience init(location: StoreLocation, configuration: CensusConfiguration?, waitForServer: Bool = false,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        self.init(store: try location.open(passwordFile: configuration?.databasePasswordFile, environment: environment,
                                           waitForServer: waitForServer),
                  configuration: configuration)
    }

    init(store: any CommitStore, configuration: CensusConfiguration?) {
        self.store = store
        self.configuration = configuration ?? CensusConfiguration()
    }

    /// The same store under another configuration (censusd's SIGHUP).
    public func with(configuration: CensusConfiguration) -> CommitCensus {
        CommitCensus(store: store, configuration: configuration)
    }

    /// Where the store is, as a person would name it (never a password).
    public var storeLocation: String { store.location }

    /// The file two `census scan` processes on this machine take turns on;
    /// nil for a database server, which keeps its own locks.
    public var scanLockPath: String? { (store as? SQLiteStore)?.path }

    /// The bundled catalogue plus the configuration's own identities and rules.
    public func catalogue() throws(CensusError) -> Catalogue {
        do {
            return try configuration.catalogue()
        } catch {
            throw CensusError(String(describing: error))
        }
    }

    func classifier() throws(CensusError) -> Classifier {
        do {
            return try rules().classifier()
        } catch let error as CensusError {
            throw error
        } catch {
            throw CensusError(String(describing: error))
        }
    }

    /// The rules in force. Without the configuration's own entries, their
    /// summary is the bundled catalogue's, known without decoding it.
    func rules() throws(CensusError) -> ScanRules {
        if let made = madeRules.withLock({ $0 }) { return made }
        let rules: ScanRules
        if configuration.attribution == nil, let summary = Catalogue.bundledSummary {
            rules = ScanRules(summary: summary) { Classifier(catalogue: try Catalogue.bundled()) }
        } else {
            rules = ScanRules(Classifier(catalogue: try catalogue()))
        }
        return madeRules.withLock { made in
            if let made { return made }
            made = rules
            return rules
        }
    }

    /// Changes whenever any process commits a change to the store: answers
    /// computed from it are fresh while it holds.
    public func changeCounter() throws(StoreError) -> Int {
        try store.changeCounter()
    }

    /// Why the store does not answer a query, in one line; nil when it does.
    public var storeProblem: String? {
        do {
            _ = try store.repositories()
            return nil
        } catch {
            return error.description
        }
    }
}

/// A request CensusKit cannot carry out, said in one line that names the
/// thing and the problem (an option, a repository, a team).
public struct CensusError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The request names something that is not there or is not valid.
        case invalid
        /// The answer would be a figure about fewer people than the minimum group.
        case withheld
    }

    public var message: String
    public var kind: Kind
    public var description: String { message }

    public init(_ message: String, kind: Kind = .invalid) {
        self.message = message
        self.kind = kind
    }
}
