import Foundation

/// The name of the machine a scan ran on, which a store records with each
/// repository's last completed scan: in a fleet writing to one database,
/// `census repos` says which collector scanned what. `$CENSUS_COLLECTOR`
/// names it where the host name says little (a container, a CI runner).
public enum CollectorName {
    public static let current: String = {
        if let named = ProcessInfo.processInfo.environment["CENSUS_COLLECTOR"], !named.isEmpty { return String(named.prefix(255)) }
        // gethostname, not ProcessInfo.hostName, which may ask the resolver.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
