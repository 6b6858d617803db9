import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One scan at a time per store: a nightly cron run that overlaps the previous
/// one waits for it instead of doing the same work twice. An advisory lock
/// (`flock`) on `<store>.lock`, released by the kernel when the process ends,
/// however it ends, so a killed scan never leaves a stale lock behind.
public final class ScanLock {
    private let descriptor: Int32
    public let path: String

    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String, String)
        case busy(String, TimeInterval)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "\(path): cannot open the scan lock (\(reason))"
            case .busy(let path, let waited):
                "another census scan is still running on this store (lock \(path)); gave up after \(Int(waited)) s — use --wait SECONDS to wait longer"
            }
        }
    }

    /// Takes the lock for the store at `storePath`, waiting up to `wait` seconds.
    public init(storePath: String, wait: TimeInterval, onWait: (() -> Void)? = nil) throws {
        path = storePath + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure.cannotOpen(path, String(cString: strerror(errno))) }
        let started = Date()
        var announced = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let waited = Date().timeIntervalSince(started)
            guard errno == EWOULDBLOCK || errno == EINTR, waited < wait else {
                close(descriptor)
                throw Failure.busy(path, waited)
            }
            if !announced { onWait?(); announced = true }
            usleep(200_000)
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
