import Attribution
import Foundation

/// The store seam: everything a scan writes and a report reads, and nothing
/// of how it is kept.
///
/// `SQLiteStore` (GRDB, one file, the default) is the first implementation; a
/// server database for a fleet of collectors is the second. Above this
/// protocol nobody knows SQL: the scan calls the write half, reports and
/// the API the read half, each with values defined in this module
/// (`RepositoryRecord`, `CommitRecord`, `EncodedCommits`, `CommitFilter`,
/// `Aggregation`). Every call either completes or throws a `StoreError`
/// whose `kind` says what went wrong; a write is one transaction.
///
/// What every implementation promises (the scan's correctness rests on it):
/// - a report never sees half a scan: rows written between
///   `beginFirstScan`/the first insert and `completeScan` are not counted
///   until `completeScan` commits;
/// - `insert(batches:)` skips a commit already stored for its repository
///   (a re-run after a kill stores each commit once);
/// - `changeCounter()` changes whenever any process commits a change.
public protocol CommitStore: AnyObject, Sendable {
    /// Where the store is, as a person would name it (a file path, or a
    /// server address without its password).
    var location: String { get }

    // MARK: Repositories

    /// The repository stored at `path`, created on first use; its flags are
    /// refreshed, and its origin recorded when given.
    func repository(at path: String, name: String, isBare: Bool, isShallow: Bool,
                    identity: String?, origin: String?) throws(StoreError) -> RepositoryRecord
    /// The repository stored with this storage identity (`dev:inode` of its git directory).
    func repository(identity: String) throws(StoreError) -> RepositoryRecord?
    /// The first repository stored with this origin (`RepositoryRecord.origin`).
    func repository(origin: String) throws(StoreError) -> RepositoryRecord?
    func repositories() throws(StoreError) -> [RepositoryRecord]
    /// Repositories at `path` or in folders below it.
    func repositories(under path: String) throws(StoreError) -> [RepositoryRecord]
    /// Gives a repository that holds no commit yet the id `id`, unless
    /// another has it (`census copy` keeps the ids people and dashboards
    /// know); returns whether it did.
    func renumber(repositoryID: Int64, to id: Int64) throws(StoreError) -> Bool
    /// A repository moved on disk keeps its commits under its new path.
    func move(repositoryID: Int64, to path: String, name: String) throws(StoreError)
    /// Remembers why the last scan failed (`census repos` shows it).
    func recordFailure(repositoryID: Int64, message: String) throws(StoreError)
    /// Remembers when the repository adopted AI tools (nil: no agent configuration file found).
    func recordAdoption(repositoryID: Int64, _ adoption: RepositoryAdoption?) throws(StoreError)
    /// Widens a collector's horizon of a tool's session logs to take in the
    /// record's `oldest`…`newest`: it never narrows, as the evidence matched
    /// from logs since deleted stays.
    func recordSessionHorizon(_ record: SessionHorizonRecord) throws(StoreError)
    /// Every collector's horizon of every tool (`SessionHorizon.byTool` sums them up).
    func sessionHorizonRecords() throws(StoreError) -> [SessionHorizonRecord]
    /// Keeps the repository out of reports until `completeScan`.
    func beginFirstScan(repositoryID: Int64) throws(StoreError)
    /// Publishes a scan: its HEAD, its commits, which stored commits are
    /// reachable, and the clone it was made from (`RepositoryRecord.scannedFrom`).
    func completeScan(repositoryID: Int64, head: String?, headBranch: String?, catalogueVersion: String,
                      notesTip: String?, reachable: Set<String>?, newlyReachable: [String],
                      scannedFrom: String?) throws(StoreError)
    /// True when collectors on several machines may write to this store at
    /// once: a scan takes a lease on its repository (`claim`) first.
    var sharedByCollectors: Bool { get }
    /// How many threads of one scan store its batches side by side: one
    /// where writes are serialised anyway (SQLite), more where each has a
    /// connection and the server works on them at once (PostgreSQL).
    var concurrentWriters: Int { get }
    /// Takes or renews the lease that lets one collector at a time scan the
    /// repository, for `seconds`; returns nil when it is `holder`'s now, else
    /// who holds it (a live lease of another, or another claiming it this
    /// very moment). A holder killed with its lease loses it when it expires.
    func claim(repositoryID: Int64, holder: String, seconds: Int) throws(StoreError) -> String?
    /// Gives up `holder`'s lease on the repository, if it holds one.
    func release(repositoryID: Int64, holder: String) throws(StoreError)
    /// Per repository: commits reachable from its HEAD and commits no longer reachable.
    func commitCounts() throws(StoreError) -> [Int64: (reachable: Int, unreachable: Int)]

    // MARK: Commits written by a scan

    func storedSHAs(repositoryID: Int64) throws(StoreError) -> Set<String>
    func storedCommitCount(repositoryID: Int64) throws(StoreError) -> Int
    /// Stores encoded commits in one transaction.
    func insert(batches: [EncodedCommits]) throws(StoreError)
    /// New verdicts for stored commits (a catalogue change, notes that arrived
    /// later), in one transaction; a row whose verdict is the same is left as
    /// it is (most of a reclassification), an unknown sha is skipped.
    func replaceVerdicts(repositoryID: Int64, _ verdicts: [(sha: String, verdict: Verdict)]) throws(StoreError)
    func commits(repositoryID: Int64, shas: [String]) throws(StoreError) -> [CommitRecord]
    /// A repository's commits whose stored verdict holds evidence of `kind`
    /// (session logs: carried over when the catalogue reclassifies the rest).
    func commits(repositoryID: Int64, withEvidence kind: SignalKind) throws(StoreError) -> [CommitRecord]
    /// Non-merge commits without line counts.
    func commitsMissingLineStats(repositoryID: Int64) throws(StoreError) -> [String]
    /// Line counts, with the program that counted them (`git`, `libgit2`).
    func saveLineStats(repositoryID: Int64, engine: String, _ stats: [(sha: String, added: Int, deleted: Int)]) throws(StoreError)
    /// A hint that much was written and the writer is nearly done: an
    /// implementation may flush now, on the caller's spare thread.
    func checkpointWhileWriting()

    // MARK: Reading

    /// Every figure of a report, in one pass over `filter`'s commits.
    func aggregate(_ filter: CommitFilter, periodSets: [Aggregation.Periods],
                   teams: [String: [String]]) throws(StoreError) -> Aggregation
    /// The first and last date (by the filter's date field) of `filter`'s commits.
    func timeRange(_ filter: CommitFilter) throws(StoreError) -> (first: Int64, last: Int64)?
    /// `filter`'s commits, newest first, with their repository's path.
    func commits(_ filter: CommitFilter, limit: Int?, after: PageCursor?) throws(StoreError)
        -> [(commit: CommitRecord, repositoryPath: String)]
    /// Commits whose id starts with `prefix`, with their repository's path.
    func commits(shaPrefix prefix: String, repositoryID: Int64?) throws(StoreError)
        -> [(commit: CommitRecord, repositoryPath: String)]
    /// Changes whenever any process commits a change: cached answers are fresh while it holds.
    func changeCounter() throws(StoreError) -> Int
}

extension CommitStore {
    public func aggregate(_ filter: CommitFilter) throws(StoreError) -> Aggregation {
        try aggregate(filter, periodSets: [], teams: [:])
    }

    public func commits(shaPrefix prefix: String) throws(StoreError) -> [(commit: CommitRecord, repositoryPath: String)] {
        try commits(shaPrefix: prefix, repositoryID: nil)
    }

    public func completeScan(repositoryID: Int64, head: String?, headBranch: String?, catalogueVersion: String,
                             reachable: Set<String>?) throws(StoreError) {
        try completeScan(repositoryID: repositoryID, head: head, headBranch: headBranch, catalogueVersion: catalogueVersion,
                         notesTip: nil, reachable: reachable, newlyReachable: [], scannedFrom: nil)
    }

    public func repository(at path: String, name: String, isBare: Bool, isShallow: Bool) throws(StoreError) -> RepositoryRecord {
        try repository(at: path, name: name, isBare: isBare, isShallow: isShallow, identity: nil, origin: nil)
    }
}

extension SQLiteStore: CommitStore {
    public var location: String { path }
}
