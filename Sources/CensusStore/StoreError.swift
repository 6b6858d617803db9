internal import GRDB

/// Why the store cannot be used, phrased for one line on stderr:
/// `census: /path/census.sqlite: not a CommitCensus database (…)`.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case notSQLite
        case notCensusDatabase
        case newerSchema
        case corrupt
        case unreadable
        case readOnly
        case locked
        case diskFull
        /// A database server that does not answer (down, wrong host or port).
        case unreachable
        /// A database server that refused the credentials.
        case authentication
        /// A database URL or option that cannot be used as given.
        case invalidLocation
        case other
    }

    public let kind: Kind
    public let path: String
    public let detail: String

    public init(_ kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }

    /// Translates an SQLite failure into what it means for the user.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.other, path: path, detail: String(describing: error))
        }
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB:
            return StoreError(.notSQLite, path: path, detail: "not an SQLite database (\(message)); the file was left untouched")
        case .SQLITE_CORRUPT:
            return StoreError(.corrupt, path: path, detail: "the database is corrupt (\(message)); the file was left untouched")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(.unreadable, path: path, detail: "cannot open the database (\(message))")
        case .SQLITE_READONLY:
            return StoreError(.readOnly, path: path, detail: "the database or its folder is read-only (\(message))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.locked, path: path, detail: "the database is locked by another process for longer than the busy timeout")
        case .SQLITE_FULL:
            return StoreError(.diskFull, path: path, detail: "the disk is full; nothing of the interrupted batch was kept")
        case .SQLITE_IOERR:
            return StoreError(.other, path: path, detail: "I/O error (\(message))")
        default:
            return StoreError(.other, path: path, detail: message)
        }
    }
}
