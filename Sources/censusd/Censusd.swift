import ArgumentParser
import CensusKit
import CensusServer
import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `censusd`: keeps every configured repository current in the store and
/// serves the dashboard, the JSON API and Prometheus metrics.
@main
struct Censusd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "censusd",
        abstract: "The CommitCensus collector: scans on an interval, serves the dashboard, /api/v1 and /metrics.",
        discussion: """
            Environment variables override the configuration file: CENSUS_DB, CENSUS_HTTP_LISTEN, \
            CENSUS_SCAN_INTERVAL, CENSUS_TOKEN_FILE. SIGHUP reloads the repositories, roots, teams, \
            market and scan settings; SIGTERM or SIGINT finish the batch in flight and exit 0.
            Exit codes: 0 stopped cleanly; 2 the configuration, store or address was refused.
            """,
        version: CensusVersion.description)

    @Option(help: ArgumentHelp(
        "The census.yml configuration.",
        discussion: "Default: $CENSUS_CONFIG, else $XDG_CONFIG_HOME/census/census.yml (~/.config/census/census.yml), else /etc/census/census.yml.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The SQLite store (overrides the configuration's database and CENSUS_DB).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("HOST:PORT to serve on (overrides http.listen and CENSUS_HTTP_LISTEN); port 0 picks a free one.", valueName: "host:port"))
    var httpListen: String?

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
        var environment = ProcessInfo.processInfo.environment
        if let db { environment["CENSUS_DB"] = db }
        if let httpListen { environment["CENSUS_HTTP_LISTEN"] = httpListen }

        let configFile = ConfigurationSource.find(explicit: config, environment: environment).path
        let settings: DaemonSettings
        let census: CommitCensus
        do {
            settings = try DaemonSettings.load(configFile: configFile, environment: environment)
            if let problem = settings.listenProblem { throw DaemonSettings.Refusal(message: problem) }
            census = try CommitCensus(location: StoreLocation(path: settings.databasePath, origin: "censusd"),
                                      configuration: settings.configuration, waitForServer: true)
        } catch {
            FileHandle.standardError.write(Data("censusd: \(error)\n".utf8))
            throw ExitCode(2)
        }

        let metrics = CensusMetrics(version: CensusVersion.current)
        let collector = Collector(census: census, interval: settings.scanInterval, logger: logger, metrics: metrics)
        let http = CensusHTTP(collector: collector, metrics: metrics, token: settings.token, rateLimit: settings.rateLimit)
        let host = settings.listenHost
        let application = Application(
            router: http.router(),
            server: settings.connectionLimits.server,
            configuration: .init(address: .hostname(host, port: settings.listenPort), serverName: "censusd"),
            onServerRunning: { channel in
                logger.notice("listening", metadata: ["address": "\(host):\(channel.localAddress?.port ?? settings.listenPort)",
                                                      "db": "\(census.storeLocation)"])
            },
            logger: logger)

        // SIGHUP: read the configuration again; a bad file keeps the running one.
        signal(SIGHUP, SIG_IGN)
        let reload = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        reload.setEventHandler {
            do {
                let fresh = try DaemonSettings.load(configFile: configFile, environment: environment)
                Task { await collector.reload(fresh.configuration, interval: fresh.scanInterval) }
            } catch {
                logger.error("configuration not reloaded; the running one is kept", metadata: ["error": "\(error)"])
            }
        }
        reload.resume()

        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: collector, successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: application, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("stopped on an error", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        reload.cancel()
        logger.notice("stopped")
    }
}
