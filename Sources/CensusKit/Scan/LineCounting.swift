import CensusStore
import Foundation
import GitHistory

/// Line counts: a stage of its own after the walk, over every stored commit
/// that has none yet, so `--lines` added later fills in old history too.
extension HistoryScanner {
    typealias LineResult = (sha: String, stats: LineStats?, missing: Bool)

    /// Which program counted a commit's lines, as stored beside the counts.
    enum LineEngine: String { case git, libgit2 }

    /// Counts lines for every stored non-merge commit that has no counts yet;
    /// a separate pass, so `--lines` added later fills in old history too.
    /// Line counts are the slowest part of a scan (a tree diff with rename
    /// detection per commit), and commits are independent of one another: two
    /// workers count, each on half of the commits, while this thread stores.
    func computeLineStats(_ repository: Repository, head: ObjectID, repositoryID: Int64, path: String) throws -> Int {
        let missing = try store.commitsMissingLineStats(repositoryID: repositoryID)
        guard !missing.isEmpty else { return 0 }
        let workerCount = missing.count < 64 ? 1 : max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        // Counted in a workspace of census's own: git's defaults and the
        // committed .gitattributes at HEAD, whatever the user's configuration.
        let workspace = try LineCountWorkspace(for: repository, head: head)
        var tally = LineTally(total: missing.count)
        var left = missing
        if let git = lineCounter {
            // Two git processes, each given a contiguous half of the commits
            // (neighbours share trees and delta bases).
            let share = (missing.count + workerCount - 1) / workerCount
            var received = Set<String>(minimumCapacity: missing.count)
            try runLineCounters(workers: workerCount, named: "census-lines-git", engine: .git, repositoryID: repositoryID, path: path,
                           tally: &tally, seen: { received.insert($0) }) { worker, results, failure in
                let part = missing[min(missing.count, worker * share)..<min(missing.count, (worker + 1) * share)]
                do {
                    try git.counts(in: workspace, ids: part.compactMap(ObjectID.init(hex:))) { counted in
                        guard results.push(counted.map { ($0.id.hex, $0.stats, false) }) else { throw Stopped() }
                    }
                } catch is GitNumstat.Failure {
                    // What git could not count, libgit2 counts below.
                } catch {
                    failure.record(error)
                }
            }
            left = received.count == missing.count ? [] : missing.filter { !received.contains($0) }
        }
        if !left.isEmpty {
            try runLineCounters(workers: workerCount, named: "census-lines", engine: .libgit2, repositoryID: repositoryID, path: path,
                           tally: &tally, seen: { _ in }) { [left] worker, results, failure in
                let handle: Repository
                do { handle = try Repository(at: workspace.gitDirectory) } catch {
                    failure.record(error)
                    return
                }
                var chunk: [LineResult] = []
                for index in stride(from: worker, to: left.count, by: workerCount) {
                    guard failure.value == nil, let id = ObjectID(hex: left[index]) else { continue }
                    let result = Self.countLines(handle, id)
                    if let error = result.error, !result.missing {
                        failure.record(error)
                        return
                    }
                    chunk.append((left[index], result.stats, result.missing))
                    if chunk.count >= 256 {
                        guard results.push(chunk) else { return }
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                if !chunk.isEmpty { results.push(chunk) }
            }
        }
        if tally.skipped > 0 {
            lineStatsSkipped = tally.skipped
        }
        return tally.computed
    }

    /// How far the line counting of one scan has come.
    struct LineTally {
        var total: Int
        var computed = 0
        var skipped = 0
        let started = Date()
    }

    /// Runs `work` on `workers` threads (each gets its index, the pipe for its
    /// results and the first-error slot) and stores what they send, in
    /// batches, until all are done; `seen` hears of every commit answered for.
    func runLineCounters(workers workerCount: Int, named name: String, engine: LineEngine, repositoryID: Int64, path: String,
                            tally: inout LineTally, seen: (String) -> Void,
                            _ work: @escaping @Sendable (Int, BoundedPipe<[LineResult]>, FirstError) -> Void) throws {
        let results = BoundedPipe<[LineResult]>(capacity: 8)
        let failure = FirstError()
        let remaining = Countdown(workerCount) { results.close() }
        let workers = (0..<workerCount).map { worker in
            Stage("\(name)-\(worker)") {
                defer { remaining.finish() }
                work(worker, results, failure)
            }
        }
        var stats: [(sha: String, added: Int, deleted: Int)] = []
        do {
            while let chunk = results.pop() {
                for result in chunk {
                    seen(result.sha)
                    // A partial clone (--filter=blob:none) lacks the blobs: no count, said below.
                    if result.missing { tally.skipped += 1; continue }
                    guard let counted = result.stats else { continue }
                    stats.append((result.sha, counted.added, counted.deleted))
                }
                // Small batches: each is a progress step of a long count.
                if stats.count >= min(batchSize, 2000) {
                    try store.saveLineStats(repositoryID: repositoryID, engine: engine.rawValue, stats)
                    tally.computed += stats.count
                    stats.removeAll(keepingCapacity: true)
                    if shouldStop?() == true { throw Stopped() }
                    progress?(ScanProgress(path: path, phase: "lines", done: tally.computed,
                                           elapsed: Date().timeIntervalSince(tally.started), total: tally.total))
                }
            }
            if let error = failure.value { throw error }
            try store.saveLineStats(repositoryID: repositoryID, engine: engine.rawValue, stats)
            tally.computed += stats.count
        } catch {
            failure.record(error)
            results.close()
            workers.forEach { $0.join() }
            throw error
        }
        workers.forEach { $0.join() }
    }

    static func countLines(_ repository: Repository, _ id: ObjectID) -> (stats: LineStats?, missing: Bool, error: GitError?) {
        do {
            return (try repository.lineStats(for: id), false, nil)
        } catch {
            return (nil, error.kind == .missingObject, error)
        }
    }
}
