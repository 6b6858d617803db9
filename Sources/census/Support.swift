import ArgumentParser
import CensusKit
import Foundation

enum CensusExitCode: Int32 {
    case success = 0
    /// Some repositories failed, others succeeded.
    case partial = 1
    /// Usage error, or nothing could be done.
    case usage = 2
    /// `report --fail-under/--fail-over`: the AI share is outside the bound.
    case threshold = 3
}

/// A failure that ends the command with one line on stderr.
struct CensusFailure: Error {
    var message: String
    var code: CensusExitCode = .usage
}

enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    static func error(_ message: String) {
        status("census: " + message)
    }

    static func notice(_ message: String) { error(message) }

    /// Rewrites one status line on stderr; only when it is a terminal.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        // The line names a repository's path: a folder's name is hostile text too.
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Sanitize.terminal(message)).utf8))
    }

    /// One line on stderr that may name repositories: sanitized like errors, without the prefix.
    static func status(_ message: String) {
        FileHandle.standardError.write(Data((Sanitize.terminal(message) + "\n").utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// `--db` and `--config`, shared by every subcommand.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite store.",
        discussion: "Default: $CENSUS_DB, else the configuration's database, else $XDG_DATA_HOME/census/census.sqlite, else ~/.local/share/census/census.sqlite; created on first use.",
        valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "A census.yml configuration.",
        discussion: "Default: $CENSUS_CONFIG, else $XDG_CONFIG_HOME/census/census.yml (~/.config/census/census.yml), else /etc/census/census.yml; a census.yml in the current folder is never read on its own.",
        valueName: "file"))
    var config: String?

    /// Which configuration file is in force (see `ConfigurationSource`).
    var configurationSource: ConfigurationSource { ConfigurationSource.find(explicit: config) }

    /// The configuration file, read and validated once.
    func configuration() throws -> CensusConfiguration? {
        do {
            return try configurationSource.load()
        } catch {
            throw CensusFailure(message: error.description)
        }
    }

    /// The store and what named it (`census config` shows both).
    func store(_ configuration: CensusConfiguration?) -> StoreLocation {
        StoreLocation.resolve(explicit: db, configuration: configuration)
    }

    /// CommitCensus over the store these options name, with the configuration in force.
    func open() throws -> CommitCensus {
        let configuration = try configuration()
        do {
            return try CommitCensus(location: store(configuration), configuration: configuration)
        } catch {
            throw CensusFailure(message: error.description, code: .usage)
        }
    }
}

/// `--since`, `--until`: dates or spans back from now.
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only commits on or after this date: 2026-01-31, an ISO-8601 time, or a span back from now (36h, 7d, 2w, 3m, 1y).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only commits before this date (same forms as --since).", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Report as of this date instead of now: spans such as 7d count back from it (same forms as --since).", valueName: "date"))
    var asOf: String?

    /// The moment the report is made for.
    func now() throws -> Date {
        guard let asOf else { return Date() }
        return Date(timeIntervalSince1970: TimeInterval(try Self.date(asOf, "--as-of", now: Date())))
    }

    func bounds() throws -> (since: Int64?, until: Int64?) {
        let now = try now()
        return (try since.map { try Self.date($0, "--since", now: now) },
                try until.map { try Self.date($0, "--until", now: now) })
    }

    private static func date(_ text: String, _ flag: String, now: Date) throws -> Int64 {
        do {
            return try DateArgument.value(text, now: now)
        } catch {
            throw CensusFailure(message: "\(flag) '\(text.prefix(80))': \(error.explanation)")
        }
    }
}
