import CensusKit
import Foundation
import Testing

/// A repository seen by several collectors: clones of one origin are one
/// repository (`OriginIdentity`), its commits stored once; one collector at a
/// time scans it, under a lease another takes over when its holder dies.
@Suite("Fleet: clones of one origin, leases, takeover", .serialized)
struct FleetTests {
    let folder: URL

    init() throws { folder = try TemporaryFolder.make(prefix: "census-fleet") }

    func census(_ arguments: [String], collector: String, environment: [String: String] = [:]) throws -> Shell.Result {
        try CensusCLI.run(arguments, environment: environment.merging(["CENSUS_COLLECTOR": collector]) { $1 })
    }

    /// An upstream history and two clones of it whose `origin` is one network
    /// repository, named two ways (https with a token, scp-like ssh).
    func clones(commits: Int = 12) throws -> (upstream: TemporaryGitRepository, a: TemporaryGitRepository, b: TemporaryGitRepository) {
        let upstream = try TemporaryGitRepository()
        try upstream.fastImport(commits: commits, aiEvery: 4)
        func clone(_ name: String, origin: String) throws -> TemporaryGitRepository {
            let path = folder.appendingPathComponent(name)
            try Shell.run("/usr/bin/git", ["clone", "-q", upstream.path, path.path], environment: TemporaryGitRepository.gitEnvironment)
            let repo = TemporaryGitRepository(existing: path)
            try repo.git(["remote", "set-url", "origin", origin])
            return repo
        }
        return (upstream, try clone("machine-a/app", origin: "https://ci:s3cr3t-token@Git.Example.com/Org/App.git"),
                try clone("machine-b/app-clone", origin: "git@git.example.com:Org/App"))
    }

    func entries(_ db: String) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(try census(["repos", "--db", db, "--format", "json"], collector: "x").stdout.utf8))
            as? [[String: Any]] ?? []
    }

    func totals(_ db: String) throws -> [String: Any] {
        let report = try JSONSerialization.jsonObject(with: Data(try census(["report", "--db", db, "--format", "json"], collector: "x").stdout.utf8))
        return (report as? [String: Any])?["totals"] as? [String: Any] ?? [:]
    }

    @Test("an origin's URL however written is one identity; a local remote and credentials are none of it")
    func originNormalised() {
        let same = ["https://github.com/Org/Repo.git", "https://user:ghp_token@github.com/org/repo", "git@github.com:org/repo.git",
                    "ssh://git@github.com:22/org/repo/", "git+ssh://git@GitHub.com/org/Repo", "http://github.com//org/repo.git/"]
        for url in same { #expect(OriginIdentity.normalised(url) == "github.com/org/repo", "\(url)") }
        #expect(OriginIdentity.normalised("https://git.example.com/Team/Tool.git") == "git.example.com/Team/Tool",
                "other hosts keep the path's case")
        #expect(OriginIdentity.normalised("ssh://git@[::1]:2222/x/y.git") == "[::1]/x/y")
        for local in ["/srv/git/app.git", "../app", "file:///srv/git/app.git", "C:/repos/app", "", "https://host-only"] {
            #expect(OriginIdentity.normalised(local) == nil, "\(local)")
        }
        #expect(OriginIdentity.normalised("https://x:s3cr3t@example.com/a/b")?.contains("s3cr3t") == false)
    }

    @Test("two clones of one origin on one machine: one repository, each commit once; a clone behind or lacking the HEAD adds nothing")
    func clonesOnOneMachine() throws {
        let db = folder.appendingPathComponent("census.sqlite").path
        try clonesShareOneRepository(db)
    }

    @Test("two collectors on one PostgreSQL over clones of one origin: one repository, each commit once")
    func clonesOnTwoCollectors() throws {
        try clonesShareOneRepository(try PostgresServer.freshDatabase())
    }

    func clonesShareOneRepository(_ db: String) throws {
        let (upstream, a, b) = try clones()
        #expect(try census(["scan", "--db", db, a.path], collector: "build-a").status == 0)
        let second = try census(["scan", "--db", db, b.path], collector: "build-b")
        #expect(second.status == 0 && second.stderr.contains("a clone of git.example.com/Org/App, stored as"), "\(second.stderr)")
        var stored = try entries(db)
        #expect(stored.count == 1 && stored.first?["commits"] as? Int == 12, "\(stored)")
        #expect(!String(describing: stored).contains("s3cr3t"), "credentials never reach the store")

        // Upstream moves on; clone B fetches it, clone A does not: B adds the new commits.
        try upstream.fastImport(commits: 3, aiEvery: 2, after: 12)
        try b.git(["pull", "-q", "--ff-only", upstream.path, "main"])
        #expect(try census(["scan", "--db", db, b.path], collector: "build-b").status == 0)
        stored = try entries(db)
        #expect(stored.count == 1 && stored.first?["commits"] as? Int == 15 && stored.first?["collector"] as? String == "build-b", "\(stored)")
        let before = try totals(db)
        // A is behind B: its scan changes nothing and says why.
        try a.git(["fetch", "-q", upstream.path, "main"])
        let behind = try census(["scan", "--db", db, a.path], collector: "build-a")
        #expect(behind.status == 0 && behind.stderr.contains("this clone is behind the HEAD scanned from build-b:"), "\(behind.stderr)")
        // A clone that lacks the newer HEAD altogether is skipped too, not taken for a rewritten history.
        let c = TemporaryGitRepository(existing: folder.appendingPathComponent("machine-c"))
        // --no-local: only what A's refs reach, not the objects A fetched.
        try Shell.run("/usr/bin/git", ["clone", "-q", "--no-local", a.path, c.path], environment: TemporaryGitRepository.gitEnvironment)
        try c.git(["remote", "set-url", "origin", "https://git.example.com/Org/App"])
        let lacking = try census(["scan", "--db", db, c.path], collector: "build-c")
        #expect(lacking.status == 0 && lacking.stderr.contains("is not in this clone"), "\(lacking.stderr)")
        #expect(try entries(db).first?["commits"] as? Int == 15 && NSDictionary(dictionary: try totals(db)) == NSDictionary(dictionary: before),
                "nothing marked unreachable, nothing counted twice")
        // Once A catches up it fast-forwards like any clone.
        try a.git(["merge", "-q", "--ff-only", "FETCH_HEAD"])
        try a.fastImport(commits: 1, aiEvery: 1, after: 15)
        #expect(try census(["scan", "--db", db, a.path], collector: "build-a").status == 0)
        stored = try entries(db)
        #expect(stored.first?["commits"] as? Int == 16 && stored.first?["collector"] as? String == "build-a", "\(stored)")
    }

    @Test("two collectors filing two clones of one origin at the same moment make one repository, each commit once")
    func simultaneousClones() throws {
        let db = try PostgresServer.freshDatabase()
        let (_, a, b) = try clones(commits: 3_000)
        let binary = PackagePaths.census
        let script = "CENSUS_COLLECTOR=a \(binary) scan --db '\(db)' '\(a.path)' & first=$!; "
            + "CENSUS_COLLECTOR=b \(binary) scan --db '\(db)' '\(b.path)' & second=$!; wait $first && wait $second"
        let both = try Shell.capture("/bin/bash", ["-c", script])
        #expect(both.status == 0, "\(both.stderr)")
        // The one that found the other scanning retries once the lease is free; a later scan is up to date.
        for (path, collector) in [(a.path, "a"), (b.path, "b")] {
            #expect(try census(["scan", "--db", db, path], collector: collector).status == 0)
        }
        let stored = try entries(db)
        #expect(stored.count == 1 && stored.first?["commits"] as? Int == 3_000, "\(stored)")
    }

    @Test("a collector killed with kill -9 mid-scan keeps the repository from others only until its lease lapses; then another completes it, each commit once")
    func leaseTakeover() throws {
        let db = try PostgresServer.freshDatabase()
        let (_, a, b) = try clones(commits: 20_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PackagePaths.census)
        process.arguments = ["scan", "--db", db, a.path]
        process.standardError = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["CENSUS_COLLECTOR": "build-a", "CENSUS_SCAN_BATCH": "200", "CENSUS_LEASE_SECONDS": "4"]) { $1 }
        try process.run()
        let psql = { (sql: String) throws -> String in
            try Shell.run("/usr/bin/psql", [db, "-Atq", "-c", sql]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Killed once some batches are stored and its lease is live.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, (Int((try? psql("SELECT count(*) FROM commit_record")) ?? "") ?? 0) < 1_000 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning, "the scan was still running when killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try psql("SELECT holder FROM scan_lease").contains("build-a"))

        let refused = try census(["scan", "--db", db, b.path], collector: "build-b")
        #expect(refused.status == 0 && refused.stderr.contains("being scanned by build-a"), "\(refused.stderr)")
        #expect(try entries(db).first?["head"] as? String == nil, "nothing published while the lease was held")
        Thread.sleep(forTimeInterval: 4.5)
        let takeover = try census(["scan", "--db", db, b.path], collector: "build-b")
        #expect(takeover.status == 0 && !takeover.stderr.contains("being scanned"), "\(takeover.stderr)")
        let stored = try entries(db)
        #expect(stored.count == 1 && stored.first?["commits"] as? Int == 20_000 && stored.first?["collector"] as? String == "build-b", "\(stored)")
        #expect(try psql("SELECT count(*) = count(DISTINCT sha) FROM commit_record") == "t", "each commit stored once")
        #expect(try psql("SELECT count(*) FROM scan_lease") == "0", "the lease is given up when the scan ends")
    }

    @Test("two censusd on one PostgreSQL over clones of one origin: every commit stored once; kill -9 of the one scanning, and the other takes over and keeps serving")
    func daemonsTakeOver() async throws {
        let db = try PostgresServer.freshDatabase()
        let (_, a, b) = try clones(commits: 20_000)
        func daemon(_ name: String, _ repo: TemporaryGitRepository) throws -> RunningDaemon {
            let home = folder.appendingPathComponent("daemon-\(name)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let configuration = home.appendingPathComponent("census.yml").path
            try "database: \(db)\nrepositories: [\(repo.path)]\nscan: {interval: 1s}\n".write(toFile: configuration, atomically: true, encoding: .utf8)
            return try RunningDaemon(arguments: ["--config", configuration],
                                     environment: ["CENSUS_COLLECTOR": name, "CENSUS_LEASE_SECONDS": "4", "CENSUS_SCAN_BATCH": "200"])
        }
        let daemons = ["collector-a": try daemon("collector-a", a), "collector-b": try daemon("collector-b", b)]
        let psql = { (sql: String) in (try? Shell.run("/usr/bin/psql", [db, "-Atq", "-c", sql]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        // Whichever claimed the repository is killed in the middle of its first scan.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, (Int(psql("SELECT count(*) FROM commit_record")) ?? 0) < 1_000 { try await Task.sleep(for: .milliseconds(50)) }
        let holder = psql("SELECT holder FROM scan_lease")
        let (killedName, killed) = try #require(daemons.first { holder.hasPrefix($0.key + " ") }, "lease held by '\(holder)'")
        let survivor = try #require(daemons.first { $0.key != killedName }?.value)
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        #expect(psql("SELECT scanned_head IS NULL FROM repository") == "t", "killed in the middle of the first scan")

        let completed = try await survivor.eventually(120) {
            let summary = try await survivor.json("/api/v1/summary")
            return (summary["totals"] as? [String: Any])?["commits"] as? Int == 20_000
        }
        #expect(completed, "the survivor completed the scan: \(survivor.log.suffix(800))")
        #expect(survivor.log.contains("being scanned by another collector") || psql("SELECT collector FROM repository") != killedName)
        #expect(psql("SELECT count(*) || ' ' || count(DISTINCT sha) FROM commit_record") == "20000 20000", "each commit once")
        #expect(psql("SELECT count(*) FROM repository") == "1")
        #expect(try await survivor.request("/readyz").status == 200)
        #expect(survivor.stop() == 0)
    }
}
