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
    /// Set when a signature line could not be read as git reads one (the
    /// commit is kept, with that signature empty): says which, for a notice.
    public var malformed: String?

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
