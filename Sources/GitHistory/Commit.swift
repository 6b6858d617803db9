/// Who made a commit and when, as git records it.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The committer's own UTC offset, in minutes (git's `+0200` is 120).
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Int64, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// A commit's signature lines that git shows empty (`author cvs2svn`, no address).
public struct UnreadableSignatures: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let author = UnreadableSignatures(rawValue: 1)
    public static let committer = UnreadableSignatures(rawValue: 2)
}

/// The metadata of one commit: everything attribution and reports need, and no
/// file contents.
public struct Commit: Sendable {
    public var id: ObjectID
    public var parents: [ObjectID]
    public var author: Signature
    public var committer: Signature
    /// The full message in UTF-8: converted from the commit's declared
    /// encoding, if any, else decoded with invalid bytes replaced.
    public var message: String
    /// The signature lines git could not read; each is kept empty.
    public var unreadableSignatures: UnreadableSignatures = []

    /// Which signatures could not be read, in words for a notice; nil when both were read.
    public var malformed: String? {
        let which = [(UnreadableSignatures.author, "author"), (.committer, "committer")]
            .filter { unreadableSignatures.contains($0.0) }.map(\.1)
        return which.isEmpty ? nil : which.joined(separator: " and ") + " line without a name and an e-mail address git can read"
    }

    public var isMerge: Bool { parents.count > 1 }

    public init(id: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) {
        self.id = id
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
    }
}

/// Lines added and deleted by a commit against its first parent, as
/// `git show --numstat` counts them (rename detection on, binary files zero).
public struct LineStats: Sendable, Equatable {
    public var added: Int
    public var deleted: Int

    public init(added: Int, deleted: Int) {
        self.added = added
        self.deleted = deleted
    }
}
