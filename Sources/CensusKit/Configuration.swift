import Attribution
import CensusPostgres
import Foundation
import Yams

/// `census.yml`: one file for the CLI (`--config`) and the daemon.
///
/// Unknown keys and bad values are errors that name the file and the line:
/// a typo must not silently fall back to a default in a job that runs
/// unattended every night.
public struct CensusConfiguration: Sendable, Equatable {
    public struct Root: Sendable, Equatable {
        public var path: String
        public var depth: Int
        public var exclude: [String]

        public init(path: String, depth: Int, exclude: [String]) {
            self.path = path
            self.depth = depth
            self.exclude = exclude
        }
    }

    public struct Market: Sendable, Equatable {
        public var lowUSD: Double
        public var highUSD: Double
        /// One engineer's loaded annual cost, for the team-scale projection.
        public var loadedAnnualCostUSD: Double
        /// A team's own loaded cost (`market.loaded_cost_by_team`).
        public var loadedCostByTeam: [String: Double] = [:]
        /// Fewer commits than this in scope: a drive-by contributor (`market.drive_by_commits`).
        public var driveByCommits: Int?
        /// An AI tool's cost per seat a year (`market.tool_cost_per_seat_usd`).
        public var toolCostPerSeatUSD: Double?

        public init(lowUSD: Double, highUSD: Double, loadedAnnualCostUSD: Double = 200_000) {
            self.lowUSD = lowUSD
            self.highUSD = highUSD
            self.loadedAnnualCostUSD = loadedAnnualCostUSD
        }
    }

    /// The file it was read from.
    public var file: String?
    public var database: String?
    /// The PostgreSQL password, read from this file (never written in the configuration itself).
    public var databasePasswordFile: String?
    public var repositories: [String] = []
    public var roots: [Root] = []
    /// Seconds between scans for the daemon.
    public var scanInterval: Double = 900
    public var scanLines = false
    /// `evidence.session_logs`: scans read the AI tools' session logs (off by default).
    public var sessionLogs = false
    public var httpListen: String?
    public var httpTokenFile: String?
    /// Requests a second each client may make to censusd (bursts of twice
    /// that); 0 turns the limit off.
    public var httpRateLimit: Int?
    /// Seconds a client has to send a request's head (http.header_timeout).
    public var httpHeaderTimeout: Double?
    /// Seconds a client has to send a request's body (http.request_timeout).
    public var httpRequestTimeout: Double?
    /// Connections one client address may hold (http.max_connections_per_client).
    public var httpMaxConnectionsPerClient: Int?
    public var reportsAt: String?
    public var reportsDirectory: String?
    public var reportsFormats: [String] = []
    /// The reporting time zone (`UTC`, `+02:00`, `Europe/Berlin`).
    public var reportsTimezone: String?
    /// Per-team and per-person figures need at least this many people.
    public var reportsMinGroup: Int?
    /// Team name → email globs or names.
    public var teams: [String: [String]] = [:]
    public var market = Market(lowUSD: 1.0e12, highUSD: 2.0e12)
    /// The user's own identities and rules, added to the bundled catalogue.
    public var attribution: Catalogue?

    public init() {}

    /// Files larger than this are refused before parsing.
    public static let maxFileSize = 1 << 20

    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int?
        public var message: String

        public var description: String {
            line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
        }
    }

    /// Reads and validates a configuration file.
    public static func load(path: String) throws(Error) -> CensusConfiguration {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw Error(file: path, line: nil, message: "cannot read the configuration file (no such file, or permission denied)")
        }
        if let size = attributes[.size] as? Int, size > maxFileSize {
            throw Error(file: path, line: nil, message: "the configuration file is \(size) bytes; more than \(maxFileSize) is refused")
        }
        // A file handle also reads /dev/null, which people name for "no configuration".
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw Error(file: path, line: nil, message: "cannot read the configuration file (a folder, or permission denied)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Error(file: path, line: nil, message: "the configuration file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "census.yml") throws(Error) -> CensusConfiguration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Error(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.summary(of: error))")
        } catch {
            throw Error(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        var configuration = CensusConfiguration()
        configuration.file = file
        guard let node else { return configuration }
        do {
            try Reader(file: file, baseFolder: (file as NSString).deletingLastPathComponent).read(node, into: &configuration)
        } catch let error as Error {
            throw error
        } catch {
            throw Error(file: file, line: nil, message: String(describing: error))
        }
        return configuration
    }

    /// The catalogue in force: the bundled one plus the file's `attribution` entries.
    public func catalogue() throws -> Catalogue {
        let bundled = try Catalogue.bundled()
        guard let attribution else { return bundled }
        return bundled.merging(attribution)
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        case .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return String(describing: error).split(separator: "\n").first.map(String.init) ?? "syntax error"
        }
    }
}

/// Walks the YAML tree against the known keys.
private struct Reader {
    let file: String
    /// Relative paths in the file are relative to the file's folder.
    let baseFolder: String

    typealias Error = CensusConfiguration.Error

    func fail(_ node: Node, _ message: String) -> Error {
        Error(file: file, line: node.mark?.line, message: message)
    }

    func mapping(_ node: Node, _ what: String, keys: [String]) throws -> [(String, Node)] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of keys to values") }
        var result: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "a key in \(what) is not text") }
            guard keys.contains(name) else {
                throw fail(key, "unknown key '\(name)' in \(what) (known: \(keys.joined(separator: ", ")))")
            }
            result.append((name, value))
        }
        return result
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, "\(what) must be a single value") }
        return scalar.string
    }

    func path(_ node: Node, _ what: String) throws -> String {
        let raw = try string(node, what)
        guard !raw.isEmpty else { throw fail(node, "\(what) is empty") }
        let expanded = (raw as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") || baseFolder.isEmpty { return expanded }
        return (baseFolder as NSString).appendingPathComponent(expanded)
    }

    func strings(_ node: Node, _ what: String) throws -> [String] {
        if case .scalar = node { return [try string(node, what)] }
        guard let sequence = node.sequence else { throw fail(node, "\(what) must be a list") }
        return try sequence.map { try string($0, what) }
    }

    func bool(_ node: Node, _ what: String) throws -> Bool {
        guard let value = node.bool else { throw fail(node, "\(what) must be true or false") }
        return value
    }

    func number(_ node: Node, _ what: String) throws -> Double {
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            throw fail(node, "\(what) must be a number")
        }
        return value
    }

    func read(_ root: Node, into configuration: inout CensusConfiguration) throws {
        for (key, value) in try mapping(root, "the configuration", keys: [
            "database", "database_password_file", "repositories", "roots", "scan", "http", "reports", "teams", "market", "attribution",
            "evidence",
        ]) {
            switch key {
            case "database":
                // A PostgreSQL URL is not a path: it is taken as written.
                let text = try string(value, "database")
                configuration.database = PostgresLocation.isURL(text) ? text : try path(value, "database")
            case "database_password_file": configuration.databasePasswordFile = try path(value, "database_password_file")
            case "repositories": try readRepositories(value, into: &configuration)
            case "roots": try readRoots(value, into: &configuration)
            case "scan": try readScan(value, into: &configuration)
            case "http": try readHTTP(value, into: &configuration)
            case "reports": try readReports(value, into: &configuration)
            case "teams": try readTeams(value, into: &configuration)
            case "market": try readMarket(value, into: &configuration)
            case "evidence":
                for (field, fieldValue) in try mapping(value, "evidence", keys: ["session_logs"]) where field == "session_logs" {
                    configuration.sessionLogs = try bool(fieldValue, "evidence.session_logs")
                }
            default: configuration.attribution = try attribution(value, text: nil)
            }
        }
    }

    /// `repositories`: paths, or `{path: …}` mappings.
    func readRepositories(_ value: Node, into configuration: inout CensusConfiguration) throws {
        guard let items = value.sequence else { throw fail(value, "repositories must be a list") }
        for item in items {
            if case .scalar = item {
                configuration.repositories.append(try path(item, "a repository path"))
                continue
            }
            for (field, fieldValue) in try mapping(item, "a repository", keys: ["path"]) where field == "path" {
                configuration.repositories.append(try path(fieldValue, "repositories.path"))
            }
        }
    }

    /// `roots`: folders searched for repositories, each with a depth and names to exclude.
    func readRoots(_ value: Node, into configuration: inout CensusConfiguration) throws {
        guard let items = value.sequence else { throw fail(value, "roots must be a list") }
        for item in items {
            var root = CensusConfiguration.Root(path: "", depth: 3, exclude: [])
            for (field, fieldValue) in try mapping(item, "a root", keys: ["path", "depth", "exclude"]) {
                switch field {
                case "path": root.path = try path(fieldValue, "roots.path")
                case "depth":
                    guard let depth = fieldValue.int, (0...64).contains(depth) else {
                        throw fail(fieldValue, "roots.depth must be a whole number from 0 to 64")
                    }
                    root.depth = depth
                default: root.exclude = try strings(fieldValue, "roots.exclude")
                }
            }
            guard !root.path.isEmpty else { throw fail(item, "a root needs a path") }
            configuration.roots.append(root)
        }
    }

    /// `scan`: `interval` and `lines`.
    func readScan(_ value: Node, into configuration: inout CensusConfiguration) throws {
        for (field, fieldValue) in try mapping(value, "scan", keys: ["interval", "lines"]) {
            if field == "lines" {
                configuration.scanLines = try bool(fieldValue, "scan.lines")
            } else {
                let text = try string(fieldValue, "scan.interval")
                guard let seconds = CensusConfiguration.duration(text), seconds >= 1 else {
                    throw fail(fieldValue, "scan.interval '\(text)' is not a duration (2s, 15m, 1h, 1d)")
                }
                configuration.scanInterval = seconds
            }
        }
    }

    /// `http`: censusd's address, token, rate limit, deadlines and connection cap.
    func readHTTP(_ value: Node, into configuration: inout CensusConfiguration) throws {
        for (field, fieldValue) in try mapping(value, "http", keys: ["listen", "token_file", "rate_limit", "header_timeout",
                                                                     "request_timeout", "max_connections_per_client"]) {
            if field == "header_timeout" || field == "request_timeout" {
                guard let text = fieldValue.string, let seconds = CensusConfiguration.duration(text), seconds >= 1 else {
                    throw fail(fieldValue, "http.\(field) must be a duration of a second or more (10s, 1m)")
                }
                if field == "header_timeout" { configuration.httpHeaderTimeout = seconds } else { configuration.httpRequestTimeout = seconds }
            } else if field == "max_connections_per_client" {
                guard let limit = fieldValue.int, limit >= 1 else {
                    throw fail(fieldValue, "http.max_connections_per_client must be a whole number, 1 or more")
                }
                configuration.httpMaxConnectionsPerClient = limit
            } else if field == "rate_limit" {
                guard let limit = fieldValue.int, limit >= 0 else {
                    throw fail(fieldValue, "http.rate_limit must be a whole number of requests a second (0 turns it off)")
                }
                configuration.httpRateLimit = limit
            } else if field == "listen" {
                let listen = try string(fieldValue, "http.listen")
                guard Self.isHostPort(listen) else {
                    throw fail(fieldValue, "http.listen '\(listen)' must be HOST:PORT (127.0.0.1:8787)")
                }
                configuration.httpListen = listen
            } else {
                configuration.httpTokenFile = try path(fieldValue, "http.token_file")
            }
        }
    }

    /// `reports`: the daily reports' time, folder, formats, time zone and minimum group.
    func readReports(_ value: Node, into configuration: inout CensusConfiguration) throws {
        for (field, fieldValue) in try mapping(value, "reports", keys: ["at", "directory", "formats", "timezone", "min_group"]) {
            switch field {
            case "at":
                let at = try string(fieldValue, "reports.at")
                let parts = at.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
                    throw fail(fieldValue, "reports.at '\(at)' must be a time of day, HH:MM")
                }
                configuration.reportsAt = at
            case "directory": configuration.reportsDirectory = try path(fieldValue, "reports.directory")
            case "timezone":
                let zone = try string(fieldValue, "reports.timezone")
                guard TimeZone(identifier: zone) != nil || zone.uppercased() == "UTC" || zone.first == "+" || zone.first == "-" else {
                    throw fail(fieldValue, "reports.timezone '\(zone)' is not a time zone (UTC, +02:00, Europe/Berlin)")
                }
                configuration.reportsTimezone = zone
            case "min_group":
                guard let size = fieldValue.int, size >= 1 else { throw fail(fieldValue, "reports.min_group must be a whole number of at least 1") }
                configuration.reportsMinGroup = size
            default:
                let formats = try strings(fieldValue, "reports.formats")
                let known = ["text", "json", "csv", "markdown", "html"]
                if let bad = formats.first(where: { !known.contains($0) }) {
                    throw fail(fieldValue, "reports.formats: unknown format '\(bad)' (known: \(known.joined(separator: ", ")))")
                }
                configuration.reportsFormats = formats
            }
        }
    }

    /// `teams`: team names mapped to email globs or names.
    func readTeams(_ value: Node, into configuration: inout CensusConfiguration) throws {
        guard let mapping = value.mapping else { throw fail(value, "teams must map team names to lists of email globs or names") }
        for (team, members) in mapping {
            guard let name = team.string, !name.isEmpty else { throw fail(team, "a team name must be text") }
            configuration.teams[name] = try strings(members, "teams.\(name)")
        }
    }

    /// `market`: the software labour market and an engineer's loaded cost, in USD.
    func readMarket(_ value: Node, into configuration: inout CensusConfiguration) throws {
        for (field, fieldValue) in try mapping(value, "market", keys: ["low_usd", "high_usd", "loaded_annual_cost_usd",
                                                                       "loaded_cost_by_team", "drive_by_commits", "tool_cost_per_seat_usd"]) {
            if field == "loaded_cost_by_team" {
                guard let costs = fieldValue.mapping else { throw fail(fieldValue, "market.loaded_cost_by_team must map team names to dollars") }
                for (key, cost) in costs {
                    guard let team = key.string else { throw fail(key, "a team name in market.loaded_cost_by_team must be text") }
                    let amount = try number(cost, "market.loaded_cost_by_team.\(team)")
                    guard amount > 0 else { throw fail(cost, "market.loaded_cost_by_team.\(team) must be positive") }
                    configuration.market.loadedCostByTeam[team] = amount
                }
                continue
            }
            if field == "drive_by_commits" {
                guard let count = fieldValue.int, count >= 0 else { throw fail(fieldValue, "market.drive_by_commits must be a whole number, 0 or more") }
                configuration.market.driveByCommits = count
                continue
            }
            let amount = try number(fieldValue, "market.\(field)")
            guard amount > 0 else { throw fail(fieldValue, "market.\(field) must be positive") }
            switch field {
            case "low_usd": configuration.market.lowUSD = amount
            case "high_usd": configuration.market.highUSD = amount
            case "tool_cost_per_seat_usd": configuration.market.toolCostPerSeatUSD = amount
            default: configuration.market.loadedAnnualCostUSD = amount
            }
        }
        if configuration.market.lowUSD > configuration.market.highUSD {
            throw fail(value, "market.low_usd is above market.high_usd")
        }
    }

    /// `attribution: {identities: [...], rules: [...], tools: [...], lexicon: {...}}`
    /// in the catalogue's own field names; the lexicon's lists add to the bundled ones.
    func attribution(_ node: Node, text: String?) throws -> Catalogue {
        var catalogue = Catalogue(version: "config")
        let decoder = YAMLDecoder()
        for (key, value) in try mapping(node, "attribution", keys: ["identities", "rules", "tools", "lexicon"]) {
            if key == "lexicon" {
                do {
                    catalogue.lexicon = try decoder.decode(Catalogue.Lexicon.self, from: value)
                } catch {
                    throw fail(value, "attribution.lexicon: \(Self.describe(error))")
                }
                continue
            }
            guard let items = value.sequence else { throw fail(value, "attribution.\(key) must be a list") }
            for item in items {
                do {
                    switch key {
                    case "identities": catalogue.identities.append(try decoder.decode(Catalogue.Identity.self, from: item))
                    case "rules": catalogue.rules.append(try decoder.decode(Catalogue.Rule.self, from: item))
                    default: catalogue.tools.append(try decoder.decode(Catalogue.Tool.self, from: item))
                    }
                } catch {
                    throw fail(item, "attribution.\(key): \(Self.describe(error))")
                }
            }
        }
        // The version names the content, so an edited rule set reclassifies stored commits.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let digest = (try? encoder.encode(catalogue)).map { StableHash.fnv1a($0) } ?? 0
        catalogue.version = "config-" + String(digest, radix: 16)
        return catalogue
    }

    static func describe(_ error: Swift.Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "'\(path)': \(context.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }

    static func isHostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return false }
        return (1...65_535).contains(port) && colon != text.startIndex
    }
}

extension CensusConfiguration {
    /// `2s`, `15m`, `1h`, `1d`, or plain seconds: `scan_interval` here, and
    /// `CENSUS_SCAN_INTERVAL` for the daemon, read alike.
    public static func duration(_ text: String) -> Double? {
        guard let unit = text.last else { return nil }
        if let seconds = Double(text) { return seconds }
        guard let amount = Double(text.dropLast()) else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        default: return nil
        }
    }
}
