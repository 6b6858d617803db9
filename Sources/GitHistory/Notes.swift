internal import CLibGit2

extension Repository {
    /// The commit a notes ref points at (`refs/notes/ai`), or nil when the
    /// repository has no such ref (notes are not fetched by a plain clone).
    public func notesTip(_ ref: String) -> ObjectID? { referenceTip(ref) }

    /// Which commits have a note under `ref`, and the blob that holds each
    /// note; empty when the ref does not exist. Reading the index is cheap; the
    /// notes themselves are read with `noteText(_:)` only for the commits a
    /// scan visits (git-ai notes run to tens of kilobytes each).
    public func notesIndex(_ ref: String) throws -> [ObjectID: ObjectID] {
        guard notesTip(ref) != nil else { return [:] }
        var pairs: [(note: git_oid, target: git_oid)] = []
        let code = withUnsafeMutablePointer(to: &pairs) { pointer -> Int32 in
            git_note_foreach(handle, ref, { noteID, targetID, payload in
                guard let noteID, let targetID, let payload else { return 0 }
                payload.assumingMemoryBound(to: [(note: git_oid, target: git_oid)].self)
                    .pointee.append((noteID.pointee, targetID.pointee))
                return 0
            }, pointer)
        }
        try check(code, path: requestedPath, context: "cannot read notes \(ref)")
        var index: [ObjectID: ObjectID] = [:]
        index.reserveCapacity(pairs.count)
        for pair in pairs { index[ObjectID(pair.target)] = ObjectID(pair.note) }
        return index
    }

    /// A note's text; nil when the blob is missing or larger than `limit` bytes.
    public func noteText(_ blobID: ObjectID, limit: Int = 16 << 20) -> String? {
        var oid = blobID.gitOID
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, handle, &oid) == 0, let blob else { return nil }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size <= limit, let raw = git_blob_rawcontent(blob) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: raw, count: size), as: UTF8.self)
    }

    /// Every note under `ref`, keyed by the commit it annotates.
    public func notes(_ ref: String) throws -> [ObjectID: String] {
        var notes: [ObjectID: String] = [:]
        for (commit, blob) in try notesIndex(ref) {
            if let text = noteText(blob) { notes[commit] = text }
        }
        return notes
    }
}
