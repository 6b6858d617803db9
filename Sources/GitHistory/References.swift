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
    /// Those of `ids` that none of `tips` reaches.
    public func unreachable(_ ids: Set<ObjectID>, from tips: [ObjectID]) -> Set<ObjectID> {
        var missing = ids
        traverseParents(from: tips.filter(containsCommit)) { id, _ in
            missing.remove(id)
            return !missing.isEmpty
        }
        return missing
    }

    /// The ids `tips` reach: through the commit-graph when git wrote one.
    public func reachableIDs(from tips: [ObjectID]) -> [ObjectID] {
        var ids: [ObjectID] = []
        traverseParents(from: tips) { id, _ in
            ids.append(id)
            return true
        }
        return ids
    }

    /// Calls `visit` with every commit `tips` reach and its parents, until
    /// `visit` returns false. The parents come from the commit-graph when git
    /// wrote one (no object is read), else from each commit read.
    /// A shallow clone's boundary commits have none (and git ignores the
    /// commit-graph there). A commit that cannot be read has none either:
    /// the scan's walk reads every commit and says what is wrong.
    func traverseParents(from tips: [ObjectID], _ visit: (ObjectID, [ObjectID]) -> Bool) {
        let boundary = shallowBoundary
        let graph = boundary.isEmpty ? commitGraph : nil
        var seen = Set(tips)
        var pending = Array(seen)
        var read: [ObjectID] = []
        while let id = pending.popLast() {
            let parents = boundary.contains(id) ? []
                : graph?.parents(of: id) ?? (readParents(of: id, into: &read) ? read : [])
            guard visit(id, parents) else { break }
            for parent in parents where seen.insert(parent).inserted { pending.append(parent) }
        }
    }
}
