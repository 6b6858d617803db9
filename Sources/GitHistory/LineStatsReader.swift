internal import CLibGit2

extension Repository {
    /// Lines added and deleted by `id` against its first parent (the empty tree
    /// for a root commit), with git's default rename detection. Nil for merges,
    /// which `git log --numstat` does not count either.
    public func lineStats(for id: ObjectID) throws(GitError) -> LineStats? {
        guard let diff = try firstParentDiff(id) else { return nil }
        defer { git_diff_free(diff) }
        var stats: OpaquePointer?
        try check(git_diff_get_stats(&stats, diff), path: requestedPath, context: "cannot count lines of \(id.hex)")
        defer { git_diff_stats_free(stats) }
        return LineStats(added: git_diff_stats_insertions(stats), deleted: git_diff_stats_deletions(stats))
    }

    /// The lines `id` adds against its first parent, with their file's path
    /// (nil for a merge; at most `limit` lines). Read to compare a commit with
    /// an agent's edits in memory; nothing of it is kept.
    public func addedLines(for id: ObjectID, limit: Int = 20_000) throws(GitError) -> [(path: String, line: String)]? {
        guard let diff = try firstParentDiff(id) else { return nil }
        defer { git_diff_free(diff) }
        let collected = AddedLines(limit: limit)
        // A non-zero answer from the callback stops the walk over a huge diff: what was read is enough.
        _ = git_diff_foreach(diff, nil, nil, nil, { delta, _, line, payload in
            guard let line, let payload, line.pointee.origin == CChar(UInt8(ascii: "+")) else { return 0 }
            let collected = Unmanaged<AddedLines>.fromOpaque(payload).takeUnretainedValue()
            let path = delta.flatMap { $0.pointee.new_file.path.map { String(cString: $0) } } ?? ""
            let bytes = UnsafeRawBufferPointer(start: line.pointee.content, count: line.pointee.content_len)
            collected.lines.append((path, String(decoding: bytes, as: UTF8.self)))
            return collected.lines.count < collected.limit ? 0 : 1
        }, Unmanaged.passUnretained(collected).toOpaque())
        return collected.lines
    }

    /// `id` against its first parent (the empty tree for a root commit), with
    /// git's default rename detection; nil for a merge. The caller frees it.
    func firstParentDiff(_ id: ObjectID) throws(GitError) -> OpaquePointer? {
        var oid = id.gitOID
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), path: requestedPath, context: "cannot read commit \(id.hex)")
        defer { git_commit_free(commit) }
        // A shallow clone's boundary commit shows as a root, as in git.
        let parentCount = shallowBoundary.contains(id) ? 0 : git_commit_parentcount(commit)
        if parentCount > 1 { return nil }

        var newTree: OpaquePointer?
        try check(git_commit_tree(&newTree, commit), path: requestedPath, context: "cannot read tree of \(id.hex)")
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if parentCount == 1 {
            var parent: OpaquePointer?
            try check(git_commit_parent(&parent, commit, 0), path: requestedPath, context: "cannot read parent of \(id.hex)")
            defer { git_commit_free(parent) }
            try check(git_commit_tree(&oldTree, parent), path: requestedPath, context: "cannot read parent tree of \(id.hex)")
        }
        defer { if let oldTree { git_tree_free(oldTree) } }

        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options), path: requestedPath, context: "cannot diff \(id.hex)")

        var find = git_diff_find_options()
        git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        // git's default (diff.renameLimit unset), whatever a configuration says.
        find.rename_limit = 1000
        do {
            try check(git_diff_find_similar(diff, &find), path: requestedPath, context: "rename detection failed for \(id.hex)")
        } catch {
            git_diff_free(diff)
            throw error
        }
        return diff
    }

    /// The address `user.email` sets for this repository (its own, the user's
    /// or the system's configuration): who commits from this machine.
    public var configuredEmail: String? { configuredString("user.email") }

    /// The URL of the `origin` remote, as configured (credentials and all:
    /// the caller keeps only what identifies the repository).
    public var originURL: String? { configuredString("remote.origin.url") }

    /// A setting of this repository's configuration, with the user's and the system's beneath it.
    func configuredString(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, handle) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, key) == 0, let value else { return nil }
        return String(cString: value)
    }
}

/// What `addedLines` gathers, passed through libgit2's callback.
private final class AddedLines {
    let limit: Int
    var lines: [(path: String, line: String)] = []
    init(limit: Int) { self.limit = limit }
}
