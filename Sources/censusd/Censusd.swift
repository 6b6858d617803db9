import ArgumentParser
import CensusKit
import CensusStore
import Foundation
import Logging
import ServiceLifecycle

/// `censusd`: the long-running collector. For now it opens the store, says
/// so, and stops cleanly on SIGTERM or SIGINT; scanning on a schedule, the
/// dashboard, the API and /metrics arrive with the daemon's own issue.
@main
struct Censusd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "censusd",
        abstract: "The CommitCensus collector daemon (preview: opens the store and waits for a signal).")

    @Option(help: ArgumentHelp("The SQLite store (default as for census: $CENSUS_DB, $XDG_DATA_HOME, ~/.local/share).", valueName: "path"))
    var db: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "censusd")
        let path = db ?? CensusStore.defaultPath()
        let store: CensusStore
        do {
            store = try CensusStore(path: path)
        } catch {
            logger.critical("cannot open the store", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let idle = IdleService(store: store, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: idle, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}

/// Holds the store open until the group shuts down.
struct IdleService: Service {
    let store: CensusStore
    let logger: Logger

    func run() async throws {
        logger.info("started", metadata: ["db": "\(store.path)"])
        // Wait for the graceful-shutdown signal; cancellation ends the wait too.
        try? await gracefulShutdown()
        logger.info("shutting down")
    }
}
