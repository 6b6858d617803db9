internal import CLibGit2

/// A commit that brought paths into the history, as `Repository.commitThatAdded` finds it.
public struct PathIntroduction: Sendable {
    public var commit: Commit
    /// Those of the paths asked for that the commit's tree holds.
    public var paths: [String]
}

extension Repository {
    /// The commit that added the paths of `paths` that `head` has, walking
    /// back while one of them stays in the tree: along first parents, and
    /// into a merged side where the first parent has none (the branch that
    /// brought them). Nil when `head` has none of them. A path is a file or
    /// a folder (`.cursor/rules`). A path added, removed and added again is
    /// found where it was last added.
    ///
    /// Each step reads one commit and looks the paths up in its tree, so the
    /// cost grows with the history since the paths came in, not with all of it.
    /// A parent libgit2 cannot read (a malformed header) ends the walk there.
    public func commitThatAdded(anyOf paths: [String], from head: ObjectID) throws(GitError) -> PathIntroduction? {
        var present = try self.paths(paths, presentIn: head)
        guard !present.isEmpty else { return nil }
        var current = try commit(head)
        while true {
            var next: (Commit, [String])?
            for parent in shallowBoundary.contains(current.id) ? [] : current.parents {
                guard let found = try? self.paths(paths, presentIn: parent), !found.isEmpty,
                      let read = try? commit(parent) else { continue }
                next = (read, found)
                break
            }
            guard let (parent, found) = next else { return PathIntroduction(commit: current, paths: present) }
            current = parent
            present = found
        }
    }

    /// Those of `paths` that the tree of commit `id` holds.
    func paths(_ paths: [String], presentIn id: ObjectID) throws(GitError) -> [String] {
        try withTree(of: id) { tree in
            paths.filter { path in
                var entry: OpaquePointer?
                guard git_tree_entry_bypath(&entry, tree, path) == 0 else { return false }
                git_tree_entry_free(entry)
                return true
            }
        }
    }

    /// `body` with the root tree of commit `id`, freed after.
    func withTree<T>(of id: ObjectID, _ body: (OpaquePointer?) throws(GitError) -> T) throws(GitError) -> T {
        var oid = id.gitOID
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), path: requestedPath, context: "cannot read commit \(id.hex)")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, commit), path: requestedPath, context: "cannot read tree of \(id.hex)")
        defer { git_tree_free(tree) }
        return try body(tree)
    }
}

extension Repository {
    /// The contents of the file at `path` in commit `id`'s tree; nil when
    /// there is none, it is not a file, or it is larger than `limit` bytes.
    public func file(at path: String, in id: ObjectID, limit: Int = 64 << 20) throws(GitError) -> [UInt8]? {
        try withTree(of: id) { tree throws(GitError) -> [UInt8]? in
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, path) == 0 else { return nil }
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, handle, git_tree_entry_id(entry)), path: requestedPath, context: "cannot read \(path) in \(id.hex)")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            guard size <= limit, let bytes = git_blob_rawcontent(blob) else { return nil }
            return Array(UnsafeRawBufferPointer(start: bytes, count: size))
        }
    }
}
