import CensusStore
import Foundation
import GitHistory

/// The writing stage of a scan: threads of its own (one per the store's
/// `concurrentWriters`) store what the attributing stage hands over,
/// whatever waits joined into one transaction — in a long scan, at least
/// four batches (fewer, larger transactions rewrite the sha index less
/// often) — and says how far it has come.
final class ScanWriter: @unchecked Sendable {
    /// Four hand-offs of a quarter transaction each: the store lags the
    /// readers by at most about one transaction.
    let writes = BoundedPipe<ClassifyingSink.Write>(capacity: 4)
    private var stages: [Stage] = []

    /// Starts storing into `repositoryID` on the store's `concurrentWriters`
    /// threads; the first error goes to `failure`, after which what arrives
    /// is dropped. Each transaction holds its commits whole and a scan is
    /// published only after all of them, so their order does not matter.
    init(store: any CommitStore, repositoryID: Int64, batchSize: Int, failure: FirstError,
         shouldStop: (@Sendable () -> Bool)?, progress: CommitProgress?) {
        let writes = self.writes
        let stored = StoredCount()
        stages = (0..<max(1, store.concurrentWriters)).map { index in
            Stage("census-store-\(index)") {
                var storedHere = 0
                while case let rows = Self.transactionRows(batchSize, after: storedHere),
                      case let batch = Self.nextTransaction(from: writes, rows: rows, batchSize: batchSize), !batch.isEmpty {
                    guard failure.value == nil else { continue }
                    do {
                        let count = try Self.store(batch, into: store, repositoryID: repositoryID)
                        if shouldStop?() == true { throw HistoryScanner.Stopped() }
                        storedHere += count
                        stored.add(count) { progress?.stored($0) }
                    } catch {
                        failure.record(error)
                    }
                }
            }
        }
    }

    /// Rows a transaction waits for: none (whatever waits is stored) until
    /// a writer has stored ten batches, then four batches. Each transaction
    /// rewrites the sha index's pages it touches (shas come in random
    /// order), and past ~100,000 commits the index outgrows the page cache:
    /// on a 1,000,000-commit history 40,000 a transaction cut the scan's CPU
    /// by a tenth and its wall time by a fifth (less WAL written and read
    /// again), for ~30 MB more in hand. On git/git it made no difference.
    static func transactionRows(_ batchSize: Int, after stored: Int) -> Int {
        stored >= 10 * batchSize ? 4 * batchSize : 0
    }

    /// Whatever waits, and more while it holds fewer than `rows` rows (new
    /// commits and new verdicts); empty once the pipe is closed and drained.
    private static func nextTransaction(from writes: BoundedPipe<ClassifyingSink.Write>, rows: Int,
                                        batchSize: Int) -> [ClassifyingSink.Write] {
        // Room for a whole transaction of hand-offs lets the readers read the
        // next while this one is stored.
        if rows > 0 { writes.grow(to: rows / ClassifyingSink.handOff(batchSize: batchSize)) }
        var taken: [ClassifyingSink.Write] = []
        var count = 0
        repeat {
            let more = writes.popAll()
            if more.isEmpty { break }
            for write in more {
                switch write {
                case .insert(let batch): count += batch.count
                case .replaceVerdicts(let verdicts): count += verdicts.count
                }
            }
            taken += more
        } while count < rows
        return taken
    }

    /// Commits stored so far by all the writing threads; the progress hears
    /// of them one thread at a time.
    private final class StoredCount: @unchecked Sendable {
        private var total = 0
        private let lock = NSLock()

        func add(_ count: Int, then report: (Int) -> Void) {
            lock.withLock {
                total += count
                report(total)
            }
        }
    }

    /// One transaction of new commits; new verdicts of stored commits first.
    private static func store(_ writes: [ClassifyingSink.Write], into store: any CommitStore, repositoryID: Int64) throws -> Int {
        var batches: [EncodedCommits] = []
        for write in writes {
            switch write {
            case .insert(let batch): batches.append(batch)
            case .replaceVerdicts(let verdicts): try store.replaceVerdicts(repositoryID: repositoryID, verdicts)
            }
        }
        try store.insert(batches: batches)
        return batches.reduce(0) { $0 + $1.count }
    }

    /// Waits for everything handed over to be stored.
    func finish() {
        writes.close()
        stages.forEach { $0.join() }
    }
}

/// A first or long scan's progress on a terminal: commits stored so far and,
/// once the scan has run for `HistoryScanner.estimateAfter`, an estimate of
/// how many it will store in all (see `CommitCountEstimate`); a short scan
/// never pays for the estimate.
final class CommitProgress: @unchecked Sendable {
    private let path: String
    private let started = Date()
    private let estimator: CommitCountEstimate
    /// Commits stored before the scan, when known without asking the store.
    private let storedBefore: Int?
    private let store: any CommitStore
    private let repositoryID: Int64
    private let report: @Sendable (ScanProgress) -> Void
    private var estimatedTotal: Int??

    init(path: String, repository: Repository, storedBefore: Int?, store: any CommitStore, repositoryID: Int64,
         report: @escaping @Sendable (ScanProgress) -> Void) {
        self.path = path
        estimator = CommitCountEstimate(repository)
        self.storedBefore = storedBefore
        self.store = store
        self.repositoryID = repositoryID
        self.report = report
    }

    /// Called by the writing stage after each transaction.
    func stored(_ count: Int) {
        let elapsed = Date().timeIntervalSince(started)
        if estimatedTotal == nil && elapsed >= HistoryScanner.estimateAfter { estimatedTotal = .some(newCommits(storedSoFar: count)) }
        report(ScanProgress(path: path, phase: "commits", done: count, elapsed: elapsed,
                            total: estimatedTotal ?? nil, totalIsEstimate: true))
    }

    /// The repository's commits less those stored before this scan.
    private func newCommits(storedSoFar: Int) -> Int? {
        // Counted in the store now, what this scan stored is no longer "before".
        guard let all = estimator.commits(),
              let before = storedBefore ?? (try? store.storedCommitCount(repositoryID: repositoryID)).map({ $0 - storedSoFar })
        else { return nil }
        return max(0, all - before)
    }
}
