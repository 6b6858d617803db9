import CensusStore
import Foundation
import GitHistory

/// Where the store files a repository, and how one repository reached by
/// two paths, or moved, stays one repository.
extension HistoryScanner {
    /// Where the store files a repository: its location (see
    /// `Repository.location`), symlinks resolved.
    public static func location(of repository: Repository) -> String {
        canonicalPath(repository.location)
    }

    /// The stored repository this one is. One repository reached by two
    /// paths (a bind mount, a second name, `core.bare` switched on in its
    /// work tree) is the same git directory: it is counted once, where it was
    /// first stored, and the scan says so. A repository moved on its file
    /// system keeps its identity and takes the new path. A clone of an origin
    /// already stored from another clone (here or on another collector) is
    /// that repository (see `OriginIdentity`).
    func storedRecord(for repository: Repository, outcome: inout ScanOutcome) throws -> RepositoryRecord {
        var identity = repository.storageIdentity
        let origin = repository.originURL.flatMap(OriginIdentity.normalised)
        var path = outcome.path
        if let origin, let clone = try storedClone(origin: origin, path: path) {
            outcome.notices.append(Self.cloneNotice(origin: origin, stored: clone))
            path = clone.path
            // This clone's inode means nothing where the stored path is.
            identity = nil
        } else if let identity, let known = try store.repository(identity: identity), let id = known.id, known.path != path {
            if (try? Repository(at: known.path))?.storageIdentity == identity {
                outcome.notices.append("the same repository as \(known.path), reached by another path: counted once, there")
                path = known.path
            } else if Self.holdsScannedHead(of: known, repository) {
                try store.move(repositoryID: id, to: path, name: Self.displayName(path))
            }
            // Else a new repository whose git directory took a deleted one's
            // inode: it is filed on its own, and the deleted one keeps its history.
        } else {
            try adoptMovedRepository(repository, newPath: path)
        }
        let record = try store.repository(at: path, name: Self.displayName(path), isBare: repository.isBare,
                                          isShallow: repository.isShallow, identity: identity, origin: origin)
        if record.path != path, let origin {
            // Another collector filed another clone of the origin a moment ago.
            outcome.notices.append(Self.cloneNotice(origin: origin, stored: record))
        }
        return record
    }

    /// The repository stored from another clone of `origin`, when nothing is
    /// stored at `path` yet (a repository stored at its path before origins
    /// were recorded stays where it is).
    private func storedClone(origin: String, path: String) throws -> RepositoryRecord? {
        guard let clone = try store.repository(origin: origin), clone.path != path else { return nil }
        return try store.repositories(under: path).contains { $0.path == path } ? nil : clone
    }

    static func cloneNotice(origin: String, stored: RepositoryRecord) -> String {
        "a clone of \(origin), stored as \(stored.path)\(stored.collector.map { " (last scanned by \($0))" } ?? ""): counted once, there"
    }

    /// This clone, as a scan records it (`RepositoryRecord.scannedFrom`).
    static func cloneName(_ location: String) -> String { CollectorName.current + ":" + location }

    /// A repository moved or renamed since its last scan is the same
    /// repository: when nothing is stored at the new path, a stored repository
    /// whose folder is gone and whose scanned HEAD this one holds takes the new
    /// path, so its commits are not counted twice.
    private func adoptMovedRepository(_ repository: Repository, newPath: String) throws {
        let known = try store.repositories()
        guard !known.contains(where: { $0.path == newPath }) else { return }
        for candidate in known where !FileManager.default.fileExists(atPath: candidate.path) {
            guard candidate.scannedHead != nil, Self.holdsScannedHead(of: candidate, repository), let id = candidate.id else { continue }
            try store.move(repositoryID: id, to: newPath, name: Self.displayName(newPath))
            return
        }
    }

    /// True when `repository` holds the commit `stored` was last scanned at
    /// (or it never completed a scan): the same history, so the same repository.
    static func holdsScannedHead(of stored: RepositoryRecord, _ repository: Repository) -> Bool {
        guard let hex = stored.scannedHead else { return true }
        guard let head = ObjectID(hex: hex) else { return false }
        return repository.containsCommit(head)
    }

    /// The path with symlinks resolved, so one repository reached two ways is stored once.
    public static func canonicalPath(_ path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return resolved.count > 1 && resolved.hasSuffix("/") ? String(resolved.dropLast()) : resolved
    }

    static func displayName(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent
        if name == ".git" { name = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent }
        if name.hasSuffix(".git") && name.count > 4 { name = String(name.dropLast(4)) }
        return name
    }
}
