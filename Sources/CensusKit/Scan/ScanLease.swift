import CensusStore
import Foundation

/// The lease a collector holds on a repository while it scans it, in a store
/// several collectors share (`CommitStore.sharedByCollectors`): taken before
/// the scan, renewed on a thread of its own every third of its length, given
/// up when the scan ends. A collector killed with `kill -9` stops renewing,
/// and another takes the repository over once the lease lapses.
final class ScanLease: @unchecked Sendable {
    /// Seconds a lease lasts unrenewed: how long a killed collector keeps a
    /// repository from the others. `CENSUS_LEASE_SECONDS` sets another.
    static let seconds = ProcessInfo.processInfo.environment["CENSUS_LEASE_SECONDS"].flatMap(Int.init).map { max(2, $0) } ?? 60
    /// Who holds it: this machine and process (two census on one machine are two holders).
    static let holder = "\(CollectorName.current) (pid \(getpid()))"

    private let store: any CommitStore
    private let repositoryID: Int64
    private let stop = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let lostLock = NSLock()
    private var lostTo: String?

    /// Takes the lease, or returns who holds it.
    static func take(_ store: any CommitStore, repositoryID: Int64) throws -> Result<ScanLease, HeldElsewhere> {
        if let holder = try store.claim(repositoryID: repositoryID, holder: Self.holder, seconds: Self.seconds) {
            return .failure(HeldElsewhere(holder: holder))
        }
        return .success(ScanLease(store: store, repositoryID: repositoryID))
    }

    struct HeldElsewhere: Error { var holder: String }

    private init(store: any CommitStore, repositoryID: Int64) {
        self.store = store
        self.repositoryID = repositoryID
        let thread = Thread { [self] in renew() }
        thread.name = "census-lease"
        thread.start()
    }

    /// Another collector took the repository over (this one stalled past its
    /// lease): the scan stops after the batch in flight.
    var lost: String? { lostLock.withLock { lostTo } }

    private func renew() {
        defer { finished.signal() }
        let every = Double(Self.seconds) / 3
        while stop.wait(timeout: .now() + every) == .timedOut {
            // A store that cannot be reached now is retried at the next renewal.
            guard let other = try? store.claim(repositoryID: repositoryID, holder: Self.holder, seconds: Self.seconds) else { continue }
            lostLock.withLock { lostTo = other }
            return
        }
    }

    /// Stops renewing and gives the lease up.
    func release() {
        stop.signal()
        finished.wait()
        try? store.release(repositoryID: repositoryID, holder: Self.holder)
    }
}
