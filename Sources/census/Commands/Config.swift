import ArgumentParser
import CensusKit
import Foundation

/// `census config`: which configuration file is in force and what it sets.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show which configuration file is in force and the settings in effect.",
        discussion: """
            The file is found in this order: --config FILE, $CENSUS_CONFIG, \
            $XDG_CONFIG_HOME/census/census.yml (~/.config/census/census.yml), /etc/census/census.yml. \
            A census.yml in the current folder is never read on its own. The token file is named, \
            never shown.
            """)

    @OptionGroup var common: CommonOptions

    @Flag(help: "Show the settings in effect (the default; kept for scripts that ask for it).")
    var show = false

    func run() throws {
        let source = common.configurationSource
        let configuration = try common.configuration() ?? CensusConfiguration()
        for line in Self.lines(source: source, configuration: configuration, database: databaseLine(configuration)) {
            print(Sanitize.terminal(line))
        }
    }

    private func databaseLine(_ configuration: CensusConfiguration) -> String {
        let store = common.store(configuration)
        return "\(store.shown) (from \(store.origin))"
    }

    static func lines(source: ConfigurationSource, configuration c: CensusConfiguration, database: String) -> [String] {
        var lines = ["configuration: " + (source.path.map { "\($0) (from \(source.origin))" } ?? "none (defaults)")]
        lines.append("database: \(database)")
        lines.append("repositories: \(c.repositories.count)")
        lines += c.repositories.map { "  \($0)" }
        lines.append("roots: \(c.roots.count)")
        lines += c.roots.map { "  \($0.path) (depth \($0.depth)\($0.exclude.isEmpty ? "" : ", excluding " + $0.exclude.joined(separator: ", ")))" }
        lines.append("scan: interval \(Int(c.scanInterval))s, lines \(c.scanLines)")
        lines.append("http.listen: \(c.httpListen ?? "127.0.0.1:8787 (default)")")
        lines.append("http.token_file: " + (c.httpTokenFile.map { "\($0) (its content is never shown)" } ?? "none"))
        lines.append("http.rate_limit: \(c.httpRateLimit.map(String.init) ?? "100 (default)") requests a second")
        lines.append("http.header_timeout: \(c.httpHeaderTimeout.map { "\(Int($0))s" } ?? "10s (default)"), "
                     + "http.request_timeout: \(c.httpRequestTimeout.map { "\(Int($0))s" } ?? "30s (default)"), "
                     + "http.max_connections_per_client: \(c.httpMaxConnectionsPerClient.map(String.init) ?? "32 (default)")")
        lines.append("reports: at \(c.reportsAt ?? "-"), directory \(c.reportsDirectory ?? "-"), formats \(c.reportsFormats.isEmpty ? "-" : c.reportsFormats.joined(separator: ",")), "
                     + "timezone \(c.reportsTimezone ?? "UTC"), min_group \(c.reportsMinGroup.map(String.init) ?? "default")")
        lines.append("teams: \(c.teams.count)")
        lines += c.teams.keys.sorted().map { "  \($0): \(c.teams[$0]!.count) pattern\(c.teams[$0]!.count == 1 ? "" : "s")" }
        lines.append("market: \(dollars(c.market.lowUSD)) to \(dollars(c.market.highUSD)) a year, loaded cost \(dollars(c.market.loadedAnnualCostUSD)) an engineer, "
                     + "drive-by under \(c.market.driveByCommits ?? 3) commits"
                     + (c.market.toolCostPerSeatUSD.map { ", AI tool \(dollars($0)) a seat" } ?? ""))
        lines += c.market.loadedCostByTeam.keys.sorted().map { "  loaded cost of \($0): \(dollars(c.market.loadedCostByTeam[$0]!))" }
        if let extra = c.attribution {
            lines.append("attribution: \(extra.identities.count) identities and \(extra.rules.count) rules added to the catalogue")
        }
        return lines
    }

    /// `$1.5T`, `$200k`: a configured amount as a person writes it.
    static func dollars(_ value: Double) -> String {
        for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where value >= scale {
            let scaled = value / scale
            return "$" + (scaled == scaled.rounded() ? String(Int(scaled)) : String(format: "%.2f", scaled)) + suffix
        }
        return "$" + String(Int(value))
    }
}
