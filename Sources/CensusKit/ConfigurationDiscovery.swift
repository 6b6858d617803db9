import Foundation

/// Which `census.yml` is in force, found in the order people know from git
/// and gh: `--config FILE`, then `$CENSUS_CONFIG`, then
/// `$XDG_CONFIG_HOME/census/census.yml` (default `~/.config/census/census.yml`),
/// then `/etc/census/census.yml`.
///
/// A `census.yml` in the current folder is never read on its own: the folder
/// is often a repository, and a repository's content must not configure the
/// tool that measures it.
public struct ConfigurationSource: Sendable, Equatable {
    /// The file, or nil when none is in force (defaults everywhere).
    public var path: String?
    /// Where it came from: `--config`, `$CENSUS_CONFIG`, `$XDG_CONFIG_HOME`,
    /// `~/.config`, `/etc/census`, or `defaults`.
    public var origin: String

    /// The system-wide file a package installs.
    public static let systemPath = "/etc/census/census.yml"

    /// The file in force for `explicit` (the `--config` option) and `environment`.
    /// A file named by `--config` or `$CENSUS_CONFIG` is in force even when it
    /// does not exist (loading it then says so); the discovered ones only when they do.
    public static func find(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> ConfigurationSource {
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit { return .init(path: explicit, origin: "--config") }
        if let named = value("CENSUS_CONFIG") { return .init(path: named, origin: "$CENSUS_CONFIG") }
        // The XDG Base Directory rule: a relative $XDG_CONFIG_HOME is ignored.
        if let xdg = value("XDG_CONFIG_HOME"), xdg.hasPrefix("/") {
            let path = xdg + "/census/census.yml"
            if exists(path) { return .init(path: path, origin: "$XDG_CONFIG_HOME") }
        } else if let home = value("HOME") {
            let path = home + "/.config/census/census.yml"
            if exists(path) { return .init(path: path, origin: "~/.config") }
        }
        if exists(systemPath) { return .init(path: systemPath, origin: "/etc/census") }
        return .init(path: nil, origin: "defaults")
    }

    /// The configuration in force, read and validated; nil when none is.
    public func load() throws(CensusConfiguration.Error) -> CensusConfiguration? {
        guard let path else { return nil }
        return try CensusConfiguration.load(path: path)
    }
}
