import Foundation
import Testing

/// A PostgreSQL cluster of a test's own (scripts/pg-cluster.sh on a free
/// loopback port, in a folder of its own), to stop and start under a running
/// census without disturbing the tests that share `make test`'s cluster.
final class PrivateCluster: @unchecked Sendable {
    let folder: String
    let port: Int
    var url: String { "postgresql://postgres@127.0.0.1:\(port)/census?sslmode=disable" }

    init() throws {
        folder = NSTemporaryDirectory() + "census-pg-private-" + UUID().uuidString.prefix(8).lowercased()
        port = try LoopbackPort.free()
        try start()
    }

    /// Runs the cluster script with posix_spawn and waitpid: Foundation's
    /// `Process` was seen to miss the script's exit (a zombie never reaped)
    /// once pg_ctl had started the server.
    private func script(_ command: String) throws {
        let arguments = ["/bin/bash", PackagePaths.root.appendingPathComponent("scripts/pg-cluster.sh").path, command]
        let environment = ProcessInfo.processInfo.environment.merging(["PGPORT": "\(port)", "PG_CLUSTER_DIR": folder]) { $1 }
            .map { "\($0.key)=\($0.value)" }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1] { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDWR, 0) }
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil], envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp) == 0 else {
            throw ShellError(command: "pg-cluster.sh \(command)", status: errno, stderr: "cannot start")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw ShellError(command: "pg-cluster.sh \(command)", status: status, stderr: "see \(folder)/server.log") }
    }

    func start() throws { try script("start") }
    func stop() throws { try script("stop") }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

@Suite("PostgreSQL faults: a server restarted or down, a statement timeout", .serialized)
struct PostgresFaultTests {
    let folder: URL

    init() throws { folder = try TemporaryFolder.make(prefix: "census-pg-faults") }

    func census(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Result {
        try CensusCLI.run(arguments, environment: environment)
    }

    @Test("the server restarted in the middle of a scan: the scan waits for it, retries the batch, and completes — nothing lost, nothing stored twice")
    func restartMidScan() throws {
        let cluster = try PrivateCluster()
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 20_000, aiEvery: 7)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PackagePaths.census)
        process.arguments = ["scan", "--db", cluster.url, repo.path]
        let errors = Pipe()
        process.standardError = errors
        process.environment = ProcessInfo.processInfo.environment.merging(["CENSUS_SCAN_BATCH": "200"]) { $1 }
        try process.run()
        let psql = { (sql: String) in
            (try? Shell.run("/usr/bin/psql", [cluster.url, "-Atq", "-c", sql]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, (Int(psql("SELECT count(*) FROM commit_record")) ?? 0) < 2_000 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning, "the scan was still running when the server went down")
        try cluster.stop()
        Thread.sleep(forTimeInterval: 2)
        try cluster.start()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(psql("SELECT count(*) || ' ' || count(DISTINCT sha) FROM commit_record") == "20000 20000", "each commit once")
        #expect(psql("SELECT scanned_head FROM repository") == (try repo.head()), "the scan was published")
        let reference = folder.appendingPathComponent("reference.sqlite").path
        #expect(try census(["scan", "--db", reference, repo.path]).status == 0)
        for format in ["json", "csv"] {
            let stable = { (text: String) in text.split(separator: "\n").filter { !$0.contains("generated") }.joined(separator: "\n") }
            let there = try census(["report", "--db", cluster.url, "--format", format]).stdout
            #expect(stable(there) == stable(try census(["report", "--db", reference, "--format", format]).stdout),
                    "the same report as an uninterrupted scan (\(format))")
        }
    }

    @Test("censusd started with the server down: it runs, /readyz says why (503), and once the server is up it connects and scans")
    func daemonWaitsForServer() async throws {
        let cluster = try PrivateCluster()
        try cluster.stop()
        let repo = try TemporaryGitRepository()
        try repo.commit("one\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        let configuration = folder.appendingPathComponent("census.yml").path
        try "database: \(cluster.url)\nrepositories: [\(repo.path)]\nscan: {interval: 1h}\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        let daemon = try RunningDaemon(arguments: ["--config", configuration])
        let down = try await daemon.eventually(60) {
            let answer = try await daemon.request("/readyz")
            return answer.status == 503 && answer.body.contains("store unavailable") && answer.body.contains("127.0.0.1:\(cluster.port)")
        }
        #expect(down, "\(daemon.log.suffix(600))")
        #expect(try await daemon.request("/healthz").status == 200, "alive while the store is not")
        try cluster.start()
        let up = try await daemon.eventually(90) {
            guard try await daemon.request("/readyz").status == 200 else { return false }
            return (try await daemon.json("/api/v1/summary")["totals"] as? [String: Any])?["ai"] as? Int == 1
        }
        #expect(up, "reconnected and scanned: \(daemon.log.suffix(600))")
        #expect(daemon.stop() == 0)
    }

    @Test("a statement timeout: one line saying what to raise, exit 2; what was stored is kept")
    func statementTimeout() throws {
        let db = try PostgresServer.freshDatabase()
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 5_000)
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        let name = try #require(db.split(separator: "/").last?.split(separator: "?").first)
        try Shell.run("/usr/bin/psql", [db, "-q", "-c", "ALTER DATABASE \(name) SET statement_timeout = '1ms'"])
        try repo.fastImport(commits: 5_000, after: 5_000)
        let slow = try census(["scan", "--db", db, repo.path])
        #expect(slow.status == 2, "\(slow.stderr)")
        #expect(slow.stderr.split(separator: "\n").count == 1 && slow.stderr.contains("statement_timeout"), "\(slow.stderr)")
        try Shell.run("/usr/bin/psql", [db, "-q", "-c", "ALTER DATABASE \(name) RESET statement_timeout"])
        let entries = try JSONSerialization.jsonObject(with: Data(try census(["repos", "--db", db, "--format", "json"]).stdout.utf8)) as? [[String: Any]]
        #expect((entries?.first?["commits"] as? Int ?? 0) >= 5_000, "the first scan's commits are kept")
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
    }
}
