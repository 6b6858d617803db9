internal import CLibGit2

extension Repository {
    /// The stable patch id of `id` against its first parent — what stays the
    /// same when a rebase, an amend of the message or a cherry-pick gives the
    /// change a new commit id (`git patch-id --stable`); nil for a merge.
    public func patchID(of id: ObjectID) throws(GitError) -> ObjectID? {
        guard let diff = try firstParentDiff(id) else { return nil }
        defer { git_diff_free(diff) }
        var out = git_oid()
        try check(git_diff_patchid(&out, diff, nil), path: requestedPath, context: "cannot compute the patch id of \(id.hex)")
        return ObjectID(out)
    }

    /// The one commit reachable from `head` but not from `original` whose
    /// change is `original`'s (the same patch id), made at most `within`
    /// seconds before or any time after it: where a rewrite of history put
    /// a commit `head` no longer reaches. Nil when none or several do, or
    /// more than `limit` commits would have to be compared.
    public func rewrittenCopy(of original: Commit, head: ObjectID, within: Int64 = 300, limit: Int = 5_000) throws(GitError) -> ObjectID? {
        try rewrittenCopies(of: [original], head: head, within: within, limit: limit)[original.id]
    }

    /// `rewrittenCopy` for several commits, by original (those with exactly
    /// one copy). Each gets a walk of its own — what one original's history
    /// hides may be another's copy — and a patch id is computed once.
    public func rewrittenCopies(of originals: [Commit], head: ObjectID, within: Int64 = 300,
                                limit: Int = 5_000) throws(GitError) -> [ObjectID: ObjectID] {
        var patches: [ObjectID: ObjectID?] = [:]
        func patch(_ id: ObjectID) throws(GitError) -> ObjectID? {
            if let known = patches[id] { return known }
            let computed = try patchID(of: id)
            patches[id] = computed
            return computed
        }
        var copies: [ObjectID: ObjectID] = [:]
        for original in originals {
            guard let wanted = try patch(original.id) else { continue }
            var found: [ObjectID] = []
            var compared = 0
            do {
                try walk(from: [head], hiding: [original.id]) { candidate in
                    guard !candidate.isMerge, candidate.committer.time >= original.committer.time - within else { return true }
                    compared += 1
                    if try patch(candidate.id) == wanted { found.append(candidate.id) }
                    return compared < limit && found.count < 2
                }
            } catch let error as GitError {
                throw error
            } catch {
                continue
            }
            if found.count == 1 && compared < limit { copies[original.id] = found[0] }
        }
        return copies
    }
}
