internal import CLibGit2

extension Repository {
    /// Calls `body` for every commit reachable from `tips` and not from `hidden`,
    /// each once, newest first as far as the graph allows, and a merge before
    /// the commits that only it leads to.
    ///
    /// `body` may stop the walk early by returning false.
    public func walk(
        from tips: [ObjectID],
        hiding hidden: [ObjectID] = [],
        _ body: (Commit) throws -> Bool
    ) throws {
        if !shallowBoundary.isEmpty {
            return try walkShallow(from: tips, hiding: hidden, body)
        }
        // Nothing hidden (a first or full scan): follow parents by hand, each
        // object read and parsed once. libgit2's revwalk would parse every
        // commit for its parents and then again for its message.
        if hidden.isEmpty {
            return try traverse(from: tips, body)
        }
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), path: requestedPath)
        defer { git_revwalk_free(walker) }
        // Children before parents, whatever the clocks said: a merge is seen
        // before the commits it brought in.
        git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        for tip in tips {
            var oid = tip.gitOID
            try check(git_revwalk_push(walker, &oid), path: requestedPath, context: "cannot walk from \(tip.hex)")
        }
        for hide in hidden {
            var oid = hide.gitOID
            // A hidden tip that no longer exists (history rewritten, objects pruned)
            // hides nothing; the caller's bookkeeping sorts out the rest.
            _ = git_revwalk_hide(walker, &oid)
        }
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walker)
            if code == GIT_ITEROVER.rawValue { break }
            try check(code, path: requestedPath, context: "history walk failed")
            let commit = try readCommit(oid)
            if try !body(commit) { break }
        }
    }

    /// The walk for shallow clones: follows parents by hand and stops at the
    /// shallow boundary, whose parents are not in the object database.
    /// Topological like libgit2's: each commit's children to be read are
    /// counted from the headers first, and a commit is read after all of them.
    private func walkShallow(from tips: [ObjectID], hiding hidden: [ObjectID], _ body: (Commit) throws -> Bool) throws {
        var excluded = Set<ObjectID>()
        traverseParents(from: hidden.filter(containsCommit)) { id, _ in
            excluded.insert(id)
            return true
        }
        var children: [ObjectID: Int] = [:]
        var pending = tips.filter { !excluded.contains($0) }
        var seen = Set(pending)
        var parents: [ObjectID] = []
        while let id = pending.popLast() {
            // A commit that cannot be read is read again below, which says why.
            guard !shallowBoundary.contains(id), readParents(of: id, into: &parents) else { continue }
            for parent in parents where !excluded.contains(parent) {
                children[parent, default: 0] += 1
                if seen.insert(parent).inserted { pending.append(parent) }
            }
        }
        var ready = tips.filter { seen.contains($0) && children[$0] == nil }.reversed() as [ObjectID]
        var read = Set<ObjectID>()
        while let id = ready.popLast() {
            guard read.insert(id).inserted else { continue }
            var commit = try readCommit(id.gitOID)
            if shallowBoundary.contains(id) { commit.parents = [] }
            if try !body(commit) { return }
            for parent in commit.parents.reversed() where !excluded.contains(parent) {
                children[parent, default: 1] -= 1
                if children[parent] == 0 { ready.append(parent) }
            }
        }
    }

    private func traverse(from tips: [ObjectID], _ body: (Commit) throws -> Bool) throws {
        var seen = Set<ObjectID>()
        var pending = tips
        while let id = pending.popLast() {
            guard seen.insert(id).inserted else { continue }
            var commit = try readCommit(id.gitOID)
            if shallowBoundary.contains(id) { commit.parents = [] }
            if try !body(commit) { return }
            for parent in commit.parents.reversed() where !seen.contains(parent) { pending.append(parent) }
        }
    }

    /// Reads one commit's metadata.
    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        try readCommit(id.gitOID)
    }

    /// `location`: where `CommitLocations` found the commit in the packs, if it did.
    func readCommit(_ oid: git_oid, at location: (pack: Int, offset: Int)? = nil) throws(GitError) -> Commit {
        var oid = oid
        if let packedObjects {
            let id = ObjectID(oid)
            if let commit = packedObjects.withCommit(id, at: location, { CommitObject.parse(id: id, $0) }) { return commit }
        }
        if let objectDatabase {
            var object: OpaquePointer?
            if git_odb_read(&object, objectDatabase, &oid) == 0, let object {
                defer { git_odb_object_free(object) }
                if git_odb_object_type(object) == GIT_OBJECT_COMMIT, let data = git_odb_object_data(object),
                   let commit = CommitObject.parse(id: ObjectID(oid), UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object))) {
                    return commit
                }
            }
        }
        // Not readable raw (or not a well-formed commit): libgit2 says why.
        return try lookupCommit(oid)
    }

    /// Replaces `parents` with the parents of commit `id`, read from its
    /// header; false when it cannot be read. `keep` gets the raw object when
    /// it was read from the packs.
    func readParents(of id: ObjectID, into parents: inout [ObjectID],
                     keep: (UnsafeRawBufferPointer) -> Void = { _ in }) -> Bool {
        if let packedObjects, packedObjects.withCommit(id, { raw in
            guard CommitObject.parents(raw, into: &parents) else { return nil as Bool? }
            keep(raw)
            return true
        }) == true {
            return true
        }
        guard let commit = try? readCommit(id.gitOID) else { return false }
        parents = commit.parents
        return true
    }

    func lookupCommit(_ oid: git_oid) throws(GitError) -> Commit {
        var oid = oid
        var pointer: OpaquePointer?
        try check(git_commit_lookup(&pointer, handle, &oid), path: requestedPath, context: "cannot read commit")
        guard let pointer else { throw GitError(kind: .missingObject, message: "cannot read commit", path: requestedPath) }
        defer { git_commit_free(pointer) }
        let parentCount = git_commit_parentcount(pointer)
        var parents: [ObjectID] = []
        parents.reserveCapacity(Int(parentCount))
        for index in 0..<parentCount {
            if let parent = git_commit_parent_id(pointer, index) {
                parents.append(ObjectID(parent.pointee))
            }
        }
        let message = git_commit_message_raw(pointer).map { String(cString: $0) } ?? ""
        return Commit(
            id: ObjectID(oid),
            parents: parents,
            author: Signature(git_commit_author(pointer)),
            committer: Signature(git_commit_committer(pointer)),
            message: message
        )
    }
}

extension Signature {
    init(_ raw: UnsafePointer<git_signature>?) {
        guard let signature = raw?.pointee else {
            self.init(name: "", email: "", time: 0, offsetMinutes: 0)
            return
        }
        self.init(
            name: signature.name.map { String(cString: $0) } ?? "",
            email: signature.email.map { String(cString: $0) } ?? "",
            time: Int64(signature.when.time),
            offsetMinutes: Int(signature.when.offset)
        )
    }
}
