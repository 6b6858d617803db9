internal import CLibGit2

extension Repository {
    /// Lines added and deleted by `id` against its first parent (the empty tree
    /// for a root commit), with git's default rename detection. Nil for merges,
    /// which `git log --numstat` does not count either.
    public func lineStats(for id: ObjectID) throws(GitError) -> LineStats? {
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
        defer { git_diff_free(diff) }

        var find = git_diff_find_options()
        git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        // git's default (diff.renameLimit unset), whatever a configuration says.
        find.rename_limit = 1000
        try check(git_diff_find_similar(diff, &find), path: requestedPath, context: "rename detection failed for \(id.hex)")

        var stats: OpaquePointer?
        try check(git_diff_get_stats(&stats, diff), path: requestedPath, context: "cannot count lines of \(id.hex)")
        defer { git_diff_stats_free(stats) }
        return LineStats(added: git_diff_stats_insertions(stats), deleted: git_diff_stats_deletions(stats))
    }
}
