import CensusKit
import Foundation

/// What censusd runs with: the configuration file, then environment
/// variables over it, checked before anything starts.
public struct DaemonSettings: Sendable {
    public var configuration: CensusConfiguration
    public var databasePath: String
    public var listenHost: String
    public var listenPort: Int
    public var scanInterval: TimeInterval
    public var token: String?
    /// Requests a second per client (http.rate_limit, CENSUS_HTTP_RATE_LIMIT); 0 is off.
    public var rateLimit: Int
    /// Deadlines and the per-client connection cap (see `ConnectionLimits`).
    public var connectionLimits = ConnectionLimits()

    public struct Refusal: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) { self.message = message }
    }

    /// Reads `configFile` (if any) and the environment: `CENSUS_DB`,
    /// `CENSUS_HTTP_LISTEN`, `CENSUS_SCAN_INTERVAL`, `CENSUS_TOKEN_FILE`, `CENSUS_HTTP_RATE_LIMIT`.
    public static func load(configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonSettings {
        var configuration = CensusConfiguration()
        if let configFile {
            do {
                configuration = try CensusConfiguration.load(path: configFile)
            } catch {
                throw Refusal(message: error.description)
            }
        }
        func env(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        let database = StoreLocation.resolve(explicit: nil, configuration: configuration, environment: environment).path
        let listen = env("CENSUS_HTTP_LISTEN") ?? configuration.httpListen ?? "127.0.0.1:8787"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port) else {
            throw Refusal(message: "http.listen '\(listen)': must be HOST:PORT (127.0.0.1:8787)")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var interval = configuration.scanInterval
        if let text = env("CENSUS_SCAN_INTERVAL") {
            guard let seconds = CensusConfiguration.duration(text), seconds >= 1 else {
                throw Refusal(message: "CENSUS_SCAN_INTERVAL '\(text)': not a duration (2s, 15m, 1h)")
            }
            interval = seconds
        }
        var token: String?
        if let tokenFile = env("CENSUS_TOKEN_FILE") ?? configuration.httpTokenFile {
            token = try readToken(tokenFile)
        }
        if !isLoopback(host) && token == nil {
            throw Refusal(message: "http.listen \(listen) is not a loopback address and no http.token_file is set: refusing to serve the network without a token")
        }
        var rateLimit = configuration.httpRateLimit ?? 100
        if let text = env("CENSUS_HTTP_RATE_LIMIT") {
            guard let value = Int(text), value >= 0 else {
                throw Refusal(message: "CENSUS_HTTP_RATE_LIMIT '\(text)': must be a whole number of requests a second (0 turns it off)")
            }
            rateLimit = value
        }
        var settings = DaemonSettings(configuration: configuration, databasePath: database, listenHost: host, listenPort: port,
                                      scanInterval: interval, token: token, rateLimit: rateLimit)
        if let seconds = configuration.httpHeaderTimeout { settings.connectionLimits.headerTimeout = .milliseconds(Int64(seconds * 1000)) }
        if let seconds = configuration.httpRequestTimeout { settings.connectionLimits.requestTimeout = .milliseconds(Int64(seconds * 1000)) }
        if let limit = configuration.httpMaxConnectionsPerClient { settings.connectionLimits.maxConnectionsPerClient = limit }
        return settings
    }

    /// The token, refused when the file can be read by other users.
    static func readToken(_ path: String) throws -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw Refusal(message: "\(path): cannot read the token file")
        }
        let permissions = (attributes[.posixPermissions] as? Int) ?? 0
        if permissions & 0o007 != 0 {
            throw Refusal(message: "\(path): the token file can be read by other users (mode \(String(permissions, radix: 8))); chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Refusal(message: "\(path): cannot read the token file")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { throw Refusal(message: "\(path): the token must be at least 16 characters") }
        return token
    }

    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

extension DaemonSettings {
    /// Why censusd cannot listen on its address, when another program holds
    /// it: checked before anything starts, so that a busy port is one line and
    /// exit 2 at once (the server would otherwise fail after the collector ran).
    public var listenProblem: String? {
        guard listenPort != 0 else { return nil }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(listenHost, String(listenPort), &hints, &found) == 0, let address = found else {
            return "http.listen \(listenHost):\(listenPort): cannot resolve the host"
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // As the server binds: SO_REUSEADDR, so a port in TIME_WAIT is not "busy".
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 else { return nil }
        return "http.listen \(listenHost):\(listenPort): \(String(cString: strerror(errno)))"
    }
}
