import CensusStore
import Foundation

/// A PostgreSQL store as `--db`, `$CENSUS_DB` or `database:` name it:
/// `postgresql://[user@]host[:port]/dbname[?sslmode=disable|prefer|require|verify-full]`
/// (also `postgres://`), or a Unix socket as `postgresql:///dbname?host=/var/run/postgresql`.
///
/// The password is never part of it: it comes from `PGPASSWORD`, `~/.pgpass`
/// (or `$PGPASSFILE`) or a password file the configuration names, so that it
/// appears in no command line, log or error. A URL that holds one is refused.
public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// The folder of the server's Unix socket, when connecting through one.
    public var socketDirectory: String?
    public var user: String
    public var database: String
    public var tls: TLSMode
    public var password: String?

    /// True when `text` names a PostgreSQL database rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql:") || text.hasPrefix("postgres:")
    }

    /// Parses `url`; the password, if needed, from `passwordFile`, else
    /// `PGPASSWORD`, else the pgpass file.
    public init(url: String, passwordFile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        let shown = Self.redact(url)
        func refuse(_ detail: String) -> StoreError { StoreError(.invalidLocation, path: shown, detail: detail) }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgresql" || scheme == "postgres" else {
            throw refuse("not a PostgreSQL URL (postgresql://user@host:5432/census)")
        }
        if components.password != nil {
            throw refuse("the URL holds a password: give it in PGPASSWORD, ~/.pgpass or the configuration's database_password_file")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw refuse("the URL names no database (postgresql://host/census)") }
        self.database = database
        user = components.user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        port = components.port ?? Int(environment["PGPORT"] ?? "") ?? 5432
        if let socket = query["host"], socket.hasPrefix("/") {
            socketDirectory = socket
            host = "localhost"
        } else if let host = components.host, !host.isEmpty {
            self.host = host
        } else {
            socketDirectory = "/var/run/postgresql"
            host = "localhost"
        }
        let mode = query["sslmode"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw refuse("sslmode=\(mode) is not one of disable, prefer, require, verify-full")
        }
        self.tls = socketDirectory == nil ? tls : .disable
        password = try Self.password(file: passwordFile, environment: environment, host: socketDirectory == nil ? host : "localhost",
                                     port: port, database: database, user: user, shown: shown)
    }

    /// What errors and logs show: the URL without any password.
    public var description: String {
        let address = socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host):\(port)"
        return "postgresql://\(user)@\(address)/\(database)"
    }

    /// `url` with any password replaced by `***`.
    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgresql://(unreadable URL)"
    }

    static func password(file: String?, environment: [String: String], host: String, port: Int, database: String,
                         user: String, shown: String) throws(StoreError) -> String? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw StoreError(.invalidLocation, path: shown, detail: "cannot read the password file \(file)")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let passfile = environment["PGPASSFILE"] ?? (home as NSString).appendingPathComponent(".pgpass")
        guard let text = try? String(contentsOfFile: passfile, encoding: .utf8) else { return nil }
        return PGPass.lookup(text, host: host, port: port, database: database, user: user)
    }
}

/// `~/.pgpass`: `host:port:database:user:password` lines, `*` matching
/// anything, `\:` and `\\` escaped; the first match wins.
enum PGPass {
    static func lookup(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    static func split(_ line: String) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for character in line {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case ":": fields.append(current); current = ""
            default: current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
