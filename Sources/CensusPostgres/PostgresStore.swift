import CensusStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The store in a PostgreSQL database: the second implementation of the
/// store seam (`CommitStore`), for a fleet of collectors that outgrows one
/// machine. The same schema and the same figures as `SQLiteStore`; the
/// schema is migrated in the database itself, under an advisory lock, so
/// collectors starting at once migrate it once.
///
/// The seam is synchronous (a scan's threads call it): each call takes a
/// connection from a small pool and waits for PostgresNIO's answer on the
/// calling thread.
public final class PostgresStore: @unchecked Sendable {
    public let postgres: PostgresLocation
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var nextID = 0
    private let tlsContext: NIOSSLContext?

    /// Whether this process has seen the schema migrated (on its first connection).
    private var migrated = false
    /// Whether a connection ever succeeded: a server lost after that is
    /// waited for (a restart); one never reached is an error at once.
    private var connectedOnce = false
    /// How long a lost server is waited for before the work fails: a
    /// restart takes seconds. `CENSUS_PG_RECONNECT_SECONDS` sets another.
    static let reconnectWindow = ProcessInfo.processInfo.environment["CENSUS_PG_RECONNECT_SECONDS"].flatMap(Double.init) ?? 30

    /// Connects and migrates the schema; with `waitForServer`, a server that
    /// does not answer yet is not an error: the first call that reaches it
    /// migrates, and until then each call fails with `.unreachable` (censusd
    /// keeps running and says so on /readyz).
    public init(_ postgres: PostgresLocation, waitForServer: Bool = false) throws(StoreError) {
        self.postgres = postgres
        // Two: a large report streams two halves at once, each decoded on its connection's thread.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var logger = Logger(label: "census.postgres")
        logger.logLevel = .critical
        self.logger = logger
        do {
            tlsContext = try Self.tlsContext(postgres.tls)
        } catch {
            throw StoreError(.invalidLocation, path: postgres.description, detail: "cannot set up TLS (\(error))")
        }
        do {
            try withConnection { _ in }
        } catch where error.kind == .unreachable && waitForServer {
            // Migrated by the first call that reaches the server.
        }
    }

    deinit {
        for connection in idle { connection.closeNow() }
        try? group.syncShutdownGracefully()
    }

    static func tlsContext(_ mode: PostgresLocation.TLSMode) throws -> NIOSSLContext? {
        switch mode {
        case .disable: return nil
        case .prefer, .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return try NIOSSLContext(configuration: configuration)
        case .verifyFull:
            return try NIOSSLContext(configuration: .makeClientConfiguration())
        }
    }

    var configuration: PostgresConnection.Configuration {
        if let socket = postgres.socketDirectory {
            return .init(unixSocketPath: "\(socket)/.s.PGSQL.\(postgres.port)", username: postgres.user,
                         password: postgres.password, database: postgres.database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch postgres.tls {
        case .disable: .disable
        case .prefer: .prefer(tlsContext!)
        case .require, .verifyFull: .require(tlsContext!)
        }
        var configuration = PostgresConnection.Configuration(host: postgres.host, port: postgres.port, username: postgres.user,
                                                             password: postgres.password, database: postgres.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Runs `body` with a connection of the pool; a connection that failed is
    /// dropped. When the server goes away after this process reached it (a
    /// restart), `body` runs again on a new connection, for up to
    /// `reconnectWindow` seconds: every write is one transaction that stores
    /// all or nothing and skips what is stored, so running it again loses
    /// nothing and stores nothing twice.
    @discardableResult
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws(StoreError) -> T {
        var pause = 0.25
        let giveUp = Date().addingTimeInterval(Self.reconnectWindow)
        while true {
            do {
                return try attempt(body)
            } catch {
                guard lock.withLock({ connectedOnce }), Self.lostServer(error), Date() < giveUp else { throw translate(error) }
                logger.warning("PostgreSQL connection lost; trying again", metadata: ["server": "\(postgres.description)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 4)
            }
        }
    }

    private func attempt<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkout()
        lock.withLock { connectedOnce = true }
        if !lock.withLock({ migrated }) {
            do {
                try PostgresSchema.migrate(self, on: connection)
                lock.withLock { migrated = true }
            } catch {
                connection.closeNow()
                throw error
            }
        }
        return try using(connection, body)
    }

    /// True for an error that says the server went away (shut down, restarting,
    /// the connection cut), not that a statement failed.
    static func lostServer(_ error: any Error) -> Bool {
        if error is IOError || error is ChannelError || error is ConnectionVanished { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            return true
        case .server:
            // Class 57P: the server shutting down or starting; class 08: the connection failed.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default:
            return false
        }
    }

    /// Runs `body` in one transaction: all of it is stored, or none.
    @discardableResult
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws(StoreError) -> T {
        try withConnection { connection in
            try run(connection, "BEGIN")
            do {
                let result = try body(connection)
                try run(connection, "COMMIT")
                return result
            } catch {
                _ = try? run(connection, "ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` with a second connection whose thread is not `first`'s,
    /// so that both can take rows at once.
    func withConnection<T>(besides first: PostgresConnection, _ body: (PostgresConnection) throws -> T) throws -> T {
        try using(try checkout(avoiding: first.eventLoop), body)
    }

    /// Runs `body` with `connection`, then gives it back to the pool, or
    /// drops it when the server closed it.
    private func using<T>(_ connection: PostgresConnection, _ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            let result = try body(connection)
            checkin(connection)
            return result
        } catch {
            if connection.isClosed { connection.closeNow() } else { checkin(connection) }
            throw error
        }
    }

    /// An idle connection of the pool, else a new one; with `avoiding`, one
    /// whose event loop is another.
    private func checkout(avoiding loop: (any EventLoop)? = nil) throws -> PostgresConnection {
        let (reused, id): (PostgresConnection?, Int) = lock.withLock {
            while let index = idle.lastIndex(where: { $0.eventLoop !== loop }) {
                let connection = idle.remove(at: index)
                if !connection.isClosed { return (connection, 0) }
            }
            nextID += 1
            return (nil, nextID)
        }
        if let reused { return reused }
        let eventLoop = loop.flatMap { avoided in group.makeIterator().first { $0 !== avoided } } ?? group.next()
        return try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger).wait()
    }

    private func checkin(_ connection: PostgresConnection) {
        lock.withLock {
            if idle.count < 4 { idle.append(connection) } else { connection.closeNow() }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func run(_ connection: PostgresConnection, _ query: PostgresQuery) throws -> [PostgresRow] {
        try Self.answer(connection.query(query, logger: logger), on: connection).rows
    }

    /// Runs one statement, handing each row to `each` as it arrives (on the connection's thread).
    func stream(_ connection: PostgresConnection, _ query: PostgresQuery, _ each: @escaping @Sendable (PostgresRow) throws -> Void) throws {
        try startStream(connection, query, each)()
    }

    /// Sends one statement whose rows go to `each` as they arrive; the
    /// function returned waits for its end (two statements on two
    /// connections can stream at once).
    func startStream(_ connection: PostgresConnection, _ query: PostgresQuery,
                     _ each: @escaping @Sendable (PostgresRow) throws -> Void) -> () throws -> Void {
        let answer = connection.query(query, logger: logger, each)
        return { _ = try Self.answer(answer, on: connection) }
    }

    /// The connection closed under a statement whose answer never came.
    struct ConnectionVanished: Error, CustomStringConvertible {
        var description: String { "the connection to the server closed during a statement" }
    }

    /// Waits for a statement's answer as long as its connection is open. A
    /// statement sent as the server went away (a restart) was seen to wait
    /// for ever on a closed connection: that one ends as `ConnectionVanished`,
    /// which `withConnection` treats as a lost server.
    static func answer<T: Sendable>(_ future: EventLoopFuture<T>, on connection: PostgresConnection) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Answer<T>()
        future.whenComplete { result in
            outcome.lock.withLock { outcome.result = result }
            done.signal()
        }
        var closedFor = 0
        while done.wait(timeout: .now() + 1) == .timedOut {
            closedFor = connection.isClosed ? closedFor + 1 : 0
            if closedFor >= 2 { throw ConnectionVanished() }
        }
        return try outcome.lock.withLock { outcome.result }!.get()
    }

    private final class Answer<T>: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<T, any Error>?
    }

    /// What a PostgreSQL failure means for the user, in one line that names
    /// the server (never the password).
    func translate(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        let path = postgres.description
        if let error = error as? PSQLError {
            if let code = error.serverInfo?[.sqlState] {
                let message = error.serverInfo?[.message] ?? "server error \(code)"
                if code == "28P01" || code == "28000" {
                    return StoreError(.authentication, path: path, detail: "the server refused the credentials (\(message))")
                }
                if code == "3D000" { return StoreError(.unreadable, path: path, detail: message) }
                if code == "57014" {
                    return StoreError(.other, path: path, detail: "a statement ran past the server's statement_timeout and was cancelled; "
                                      + "give census's role more (ALTER ROLE … SET statement_timeout = '5min') — what was stored is kept")
                }
                return StoreError(.other, path: path, detail: "\(message) (SQLSTATE \(code))")
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown:
                return StoreError(.unreachable, path: path, detail: "the server does not answer (\(Self.cause(error)))")
            case .sslUnsupported:
                return StoreError(.unreachable, path: path, detail: "the server does not offer TLS, which sslmode=\(postgres.tls.rawValue) requires")
            default:
                return StoreError(.other, path: path, detail: "\(error.code)")
            }
        }
        if error is NIOConnectionError || error is ChannelError || error is IOError {
            return StoreError(.unreachable, path: path, detail: "the server does not answer (\(error))")
        }
        return StoreError(.other, path: path, detail: String(describing: error))
    }

    static func cause(_ error: PSQLError) -> String {
        error.underlying.map { String(describing: $0) } ?? "\(error.code)"
    }
}

extension PostgresStore: CommitStore {
    public var location: String { postgres.description }
}

extension PostgresConnection {
    /// Closes without waiting (the future API; the async one needs a task).
    func closeNow() {
        let future: EventLoopFuture<Void> = close()
        _ = try? future.wait()
    }
}

extension PSQLError {
    /// The server refused this role a table (SQLSTATE 42501): a reader not
    /// granted the rollups reads the commits instead.
    var refusedPermission: Bool { serverInfo?[.sqlState] == "42501" }
}
