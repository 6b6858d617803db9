import Foundation
import GRDB
import Testing

/// Faults a collector meets in months of unattended runs, each provoked for
/// real: a full disk, a locked store, a read-only folder, repositories that
/// move, deepen, or lack their blobs.
@Suite("Faults: nothing stored is lost, the next run completes", .serialized)
struct FaultTests {
    static var isRoot: Bool { getuid() == 0 }

    /// A tmpfs of `size` mounted on a new folder; unmounted when released.
    final class SmallDisk {
        let url: URL
        init(size: String) throws {
            url = try TemporaryFolder.make(prefix: "small-disk")
            try Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", url.path])
        }
        func remount(_ options: String) throws { try Shell.run("/bin/mount", ["-o", "remount,\(options)", url.path]) }
        deinit {
            _ = try? Shell.capture("/bin/umount", [url.path])
            try? FileManager.default.removeItem(at: url)
        }
    }

    func commitCount(_ db: String) throws -> Int {
        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"])
        let totals = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["totals"] as? [String: Any]
        return ((totals?["commits"] as? Int) ?? -1) + ((totals?["merges"] as? Int) ?? 0)
    }

    @Test("disk full while writing: a clear error, the store still opens, the next scan on free space completes",
          .enabled(if: isRoot, "mounting a small tmpfs needs root (CI runs as root)"))
    func diskFull() throws {
        let disk = try SmallDisk(size: "3m")
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 20_000)
        let db = disk.url.appendingPathComponent("census.sqlite").path
        let full = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(full.status == 2)
        #expect(full.stderr.split(separator: "\n").count == 1)
        #expect(full.stderr.contains("disk is full") || full.stderr.contains("disk I/O") || full.stderr.contains("full"), "\(full.stderr)")
        #expect(try CensusCLI.run(["repos", "--db", db]).status == 0, "the store still opens")
        #expect(try commitCount(db) == 0, "nothing half-written is visible")
        try disk.remount("size=200m")
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        #expect(try commitCount(db) == 20_000)
    }

    @Test("a store locked by another writer past the busy timeout: exit 2, one line, the file kept")
    func lockedStore() throws {
        let folder = try TemporaryFolder.make(prefix: "locked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let db = folder.appendingPathComponent("census.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        try repo.commit("two")
        // Another process holds an exclusive lock (sqlite3 from Python: a writer census does not know).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            print('locked', flush=True)
            time.sleep(6)
            """, db]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        _ = pipe.fileHandleForReading.availableData  // waits for "locked"
        let locked = try CensusCLI.run(["scan", "--db", db, repo.path], environment: ["CENSUS_BUSY_TIMEOUT": "0.5"])
        #expect(locked.status == 2)
        #expect(locked.stderr.contains("locked"), "\(locked.stderr)")
        #expect(locked.stderr.split(separator: "\n").count == 1)
        holder.terminate()
        holder.waitUntilExit()
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        #expect(try commitCount(db) == 2)
    }

    @Test("a store on a read-only file system: exit 2 with one line; the file is not changed",
          .enabled(if: isRoot, "remounting read-only needs root (CI runs as root)"))
    func readOnlyStore() throws {
        let disk = try SmallDisk(size: "20m")
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let db = disk.url.appendingPathComponent("census.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        try disk.remount("ro")
        try repo.commit("two")
        let result = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(db))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        try disk.remount("rw")
    }

    @Test("a repository moved between scans keeps its history, counted once")
    func movedRepository() throws {
        let folder = try TemporaryFolder.make(prefix: "moved")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("census.sqlite").path
        let repo = try TemporaryGitRepository()
        for index in 1...4 { try repo.commit("commit \(index)") }
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        let moved = folder.appendingPathComponent("renamed-project")
        try FileManager.default.moveItem(at: repo.root, to: moved)
        defer { try? FileManager.default.moveItem(at: moved, to: repo.root) }
        let gone = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("no such file or directory"))
        #expect(try CensusCLI.run(["scan", "--db", db, moved.path]).status == 0)
        #expect(try commitCount(db) == 4)
        let repos = try JSONSerialization.jsonObject(with: Data(try CensusCLI.run(["repos", "--db", db, "--format", "json"]).stdout.utf8)) as? [[String: Any]]
        #expect(repos?.count == 1)
        #expect(repos?.first?["path"] as? String == moved.path)
    }

    @Test("a shallow clone deepened later: the next scan adds the older history")
    func shallowDeepened() throws {
        let folder = try TemporaryFolder.make(prefix: "deepen")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("census.sqlite").path
        let origin = try TemporaryGitRepository()
        for index in 1...10 { try origin.commit("commit \(index)") }
        let clone = folder.appendingPathComponent("clone").path
        try Shell.run("/usr/bin/git", ["clone", "-q", "--depth", "3", "file://" + origin.path, clone])
        let first = try CensusCLI.run(["scan", "--db", db, clone])
        #expect(first.status == 0)
        #expect(first.stderr.contains("shallow clone"))
        #expect(try commitCount(db) == 3)
        try Shell.run("/usr/bin/git", ["-C", clone, "fetch", "-q", "--deepen", "4"])
        #expect(try CensusCLI.run(["scan", "--db", db, clone]).status == 0)
        #expect(try commitCount(db) == 7)
        try Shell.run("/usr/bin/git", ["-C", clone, "fetch", "-q", "--unshallow"])
        #expect(try CensusCLI.run(["scan", "--db", db, clone]).status == 0)
        #expect(try commitCount(db) == 10)
    }

    @Test("a partial clone without blobs: commits are classified, line counts skipped and said so")
    func partialClone() throws {
        let folder = try TemporaryFolder.make(prefix: "partial")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("census.sqlite").path
        let origin = try TemporaryGitRepository()
        for index in 1...5 { try origin.commit("commit \(index)", file: "f\(index).txt", content: "content \(index)\n") }
        try origin.git(["config", "uploadpack.allowFilter", "true"])
        let clone = folder.appendingPathComponent("clone").path
        try Shell.run("/usr/bin/git", ["clone", "-q", "--no-checkout", "--filter=blob:none", "file://" + origin.path, clone])
        let result = try CensusCLI.run(["scan", "--db", db, "--lines", clone])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("line counts skipped"), "\(result.stderr)")
        #expect(try commitCount(db) == 5)
    }
}
