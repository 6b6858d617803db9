internal import CLibGit2

extension Repository {
    /// The object a reference points at (`refs/heads/main`,
    /// `refs/entire/checkpoints/ab/…`), peeled through symbolic references;
    /// nil when the repository has no such reference.
    public func referenceTip(_ name: String) -> ObjectID? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, name) == 0 else { return nil }
        return ObjectID(oid)
    }

    /// True when some reference's name matches `glob` (`refs/entire/checkpoints/*`):
    /// one step of an iterator, however many there are.
    public func hasReference(matching glob: String) -> Bool {
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, handle, glob) == 0 else { return false }
        defer { git_reference_iterator_free(iterator) }
        var name: UnsafePointer<CChar>?
        return git_reference_next_name(&name, iterator) == 0
    }
}

extension Repository {
    /// The references whose names match `glob`, with the object each points
    /// at, sorted by name (symbolic ones are left out).
    public func references(matching glob: String) -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, handle, glob) == 0 else { return [] }
        defer { git_reference_iterator_free(iterator) }
        var found: [(name: String, target: ObjectID)] = []
        var reference: OpaquePointer?
        while git_reference_next(&reference, iterator) == 0 {
            defer { git_reference_free(reference) }
            guard let target = git_reference_target(reference), let name = git_reference_name(reference) else { continue }
            found.append((String(cString: name), ObjectID(target.pointee)))
        }
        return found.sorted { $0.name < $1.name }
    }
}

extension Repository {
    /// Those of `ids` that none of `tips` reaches. Through the commit-graph
    /// when git wrote one (no object is read), else a walk of the history.
    public func unreachable(_ ids: Set<ObjectID>, from tips: [ObjectID]) throws -> Set<ObjectID> {
        var missing = ids
        let graphed = traverseGraph(from: tips) { id, _ in
            missing.remove(id)
            return !missing.isEmpty
        }
        if graphed { return missing }
        for id in try reachableIDs(from: tips.filter(containsCommit)) {
            missing.remove(id)
            if missing.isEmpty { break }
        }
        return missing
    }

    /// The merges `head` reaches, found through the commit-graph; nil without
    /// one, when finding them would mean reading every commit.
    public func reachableMerges(from head: ObjectID) -> [ObjectID]? {
        var merges: [ObjectID] = []
        let graphed = traverseGraph(from: [head]) { id, parents in
            if parents.count > 1 { merges.append(id) }
            return true
        }
        return graphed ? merges : nil
    }

    /// Calls `visit` with every commit `tips` reach and its parents, as the
    /// commit-graph records them (a commit written after the graph: read from
    /// its object), until `visit` returns false. False, and nothing visited,
    /// without a commit-graph or in a shallow clone (where git ignores it).
    private func traverseGraph(from tips: [ObjectID], _ visit: (ObjectID, [ObjectID]) -> Bool) -> Bool {
        guard shallowBoundary.isEmpty, let graph = commitGraph else { return false }
        var seen = Set(tips)
        var pending = Array(seen)
        while let id = pending.popLast() {
            let parents = graph.parents(of: id) ?? (try? commit(id).parents) ?? []
            guard visit(id, parents) else { break }
            for parent in parents where seen.insert(parent).inserted { pending.append(parent) }
        }
        return true
    }
}
