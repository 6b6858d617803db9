import CLibGit2

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

    public init(kind: Kind, message: String, path: String?) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }

    /// Reads libgit2's last error for the calling thread.
    static func last(_ code: Int32, path: String?, context: String? = nil) -> GitError {
        var text = "libgit2 error \(code)"
        if let raw = git_error_last(), let cMessage = raw.pointee.message {
            text = String(cString: cMessage)
        }
        if let context { text = "\(context): \(text)" }
        let kind: Kind
        switch code {
        case GIT_ENOTFOUND.rawValue where text.contains("could not find repository"):
            kind = .notARepository
        case GIT_ENOTFOUND.rawValue:
            kind = .missingObject
        case _ where text.contains("object not found") || text.contains("failed to find") || text.contains("missing"):
            kind = .missingObject
        default:
            kind = .other
        }
        return GitError(kind: kind, message: text, path: path)
    }
}

@inline(__always)
func check(_ code: Int32, path: String?, context: String? = nil) throws(GitError) {
    if code < 0 { throw GitError.last(code, path: path, context: context) }
}
