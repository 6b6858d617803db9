import CensusStore
import Foundation

/// What `census copy` did.
public struct CopySummary: Sendable {
    public var repositories = 0
    /// Commits the destination did not hold yet.
    public var commitsCopied = 0
    /// Commits the source holds, reachable or not.
    public var commitsRead = 0
}

extension CommitCensus {
    /// Copies every repository of this store, with every commit (reachable
    /// from its scanned HEAD or kept apart after a rewrite), its verdicts,
    /// line counts and the engine that counted them, and its scanned HEAD,
    /// into `destination` — SQLite to PostgreSQL or back — through the store
    /// seam. A repository is matched by its path, and keeps its id where the
    /// destination has it free (a new store: always); commits the destination
    /// already holds are skipped, so a second run copies nothing and changes
    /// nothing. Each repository is published whole or not at all (its first
    /// copy stays out of reports until it completes).
    public func copy(to destination: CommitCensus, batchSize: Int = 2_000,
                     copied: (String, Int) -> Void = { _, _ in }) throws(StoreError) -> CopySummary {
        var summary = CopySummary()
        for source in try store.repositories() {
            guard let sourceID = source.id else { continue }
            let target = try destination.store.repository(at: source.path, name: source.name, isBare: source.isBare,
                                                          isShallow: source.isShallow, identity: source.identity, origin: source.origin)
            guard var targetID = target.id else { continue }
            // A new repository keeps the source's id where it is free: dashboards and scripts know it by it.
            if targetID != sourceID, try destination.store.renumber(repositoryID: targetID, to: sourceID) { targetID = sourceID }
            if target.scannedHead == nil { try destination.store.beginFirstScan(repositoryID: targetID) }
            let before = try destination.store.storedCommitCount(repositoryID: targetID)
            let shas = Array(try store.storedSHAs(repositoryID: sourceID)).sorted()
            var reachable = Set<String>()
            for start in stride(from: 0, to: shas.count, by: batchSize) {
                var records = try store.commits(repositoryID: sourceID, shas: Array(shas[start..<min(start + batchSize, shas.count)]))
                for index in records.indices {
                    records[index].id = nil
                    records[index].repositoryId = targetID
                    if records[index].reachable { reachable.insert(records[index].sha) }
                }
                try destination.store.insert(batches: [EncodedCommits(records)])
                try destination.copyLineEngines(records, repositoryID: targetID)
                summary.commitsRead += records.count
            }
            try destination.store.completeScan(repositoryID: targetID, head: source.scannedHead, headBranch: source.headBranch,
                                               catalogueVersion: source.catalogueVersion ?? "", notesTip: source.notesTip,
                                               reachable: reachable, newlyReachable: [], scannedFrom: source.scannedFrom)
            if let error = source.lastError { try destination.store.recordFailure(repositoryID: targetID, message: error) }
            if let adoption = source.adoption { try destination.store.recordAdoption(repositoryID: targetID, adoption) }
            let added = try destination.store.storedCommitCount(repositoryID: targetID) - before
            summary.commitsCopied += added
            summary.repositories += 1
            copied(source.path, added)
        }
        for horizon in try store.sessionHorizonRecords() { try destination.store.recordSessionHorizon(horizon) }
        return summary
    }

    /// Line counts keep the program that counted them (the insert itself
    /// carries the counts, not the engine).
    private func copyLineEngines(_ records: [CommitRecord], repositoryID: Int64) throws(StoreError) {
        var byEngine: [String: [(sha: String, added: Int, deleted: Int)]] = [:]
        for record in records {
            guard let engine = record.linesEngine, let added = record.linesAdded, let deleted = record.linesDeleted else { continue }
            byEngine[engine, default: []].append((record.sha, added, deleted))
        }
        for (engine, stats) in byEngine { try store.saveLineStats(repositoryID: repositoryID, engine: engine, stats) }
    }
}
