internal import CLibGit2

/// A failure reported by libgit2, carried with libgit2's own message and the
/// path of the repository it concerns, so that a caller can print one line
/// that names the thing and the problem.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The path is not a git repository (neither a work tree nor a git directory).
        case notARepository
        /// The path does not exist or cannot be read.
        case unreadable
        /// The object database is missing an object the walk needed.
        case missingObject
        case other
    }

    public let kind: Kind
    public let message: String
    public let path: String?
    /// libgit2's error code (`GIT_ENOTFOUND`, …), or 0 when the error is census's own.
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_ODB`, `GIT_ERROR_REPOSITORY`, …), or 0.
    public let errorClass: Int32

    public init(kind: Kind, message: String, path: String?, code: Int32 = 0, errorClass: Int32 = 0) {
        self.kind = kind
        self.message = message
        self.path = path
        self.code = code
        self.errorClass = errorClass
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }

    /// Reads libgit2's last error for the calling thread. The kind follows
    /// libgit2's code and class, never the wording of its message.
    static func last(_ code: Int32, path: String?, context: String? = nil) -> GitError {
        var text = "libgit2 error \(code)"
        var errorClass: Int32 = 0
        if let raw = git_error_last() {
            errorClass = raw.pointee.klass
            if let cMessage = raw.pointee.message { text = String(cString: cMessage) }
        }
        if let context { text = "\(context): \(text)" }
        return GitError(kind: kind(code: code, errorClass: errorClass), message: text, path: path, code: code, errorClass: errorClass)
    }

    /// A repository libgit2 could not find is not a repository; any other
    /// thing it could not find, or an object database that could not give an
    /// object, is a missing object (a partial or damaged clone).
    static func kind(code: Int32, errorClass: Int32) -> Kind {
        switch (code, errorClass) {
        case (GIT_ENOTFOUND.rawValue, Int32(GIT_ERROR_REPOSITORY.rawValue)): .notARepository
        case (GIT_ENOTFOUND.rawValue, _): .missingObject
        case (_, Int32(GIT_ERROR_ODB.rawValue)): .missingObject
        default: .other
        }
    }
}

@inline(__always)
func check(_ code: Int32, path: String?, context: String? = nil) throws(GitError) {
    if code < 0 { throw GitError.last(code, path: path, context: context) }
}
