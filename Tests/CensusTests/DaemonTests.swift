import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A running censusd on an ephemeral loopback port.
final class RunningDaemon: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output = ""
    private(set) var port = 0

    init(arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: PackagePaths.censusd)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
        process.arguments = arguments + ["--http-listen", "127.0.0.1:0"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let range = log.range(of: "address=127.0.0.1:") {
                let digits = log[range.upperBound...].prefix(while: \.isNumber)
                if let value = Int(digits), value > 0 { port = value; return }
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ShellError(command: "censusd", status: process.isRunning ? -1 : process.terminationStatus, stderr: log)
    }

    var log: String { lock.withLock { output } }

    /// SIGTERM, then the exit status (nil if it did not stop in time).
    func stop(within seconds: Double = 10) -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL); return nil }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    func request(_ path: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil) async throws -> (status: Int, body: String) {
        let (status, data, _) = try await exchange(path, method: method, headers: headers, body: body)
        return (status, String(decoding: data, as: UTF8.self))
    }

    func exchange(_ path: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, data, http?.allHeaderFields ?? [:])
    }

    func json(_ path: String) async throws -> [String: Any] {
        let (_, body) = try await request(path)
        return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }

    /// Polls until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}

@Suite("censusd: a real daemon on loopback", .serialized)
struct DaemonTests {
    let folder: URL
    let token = "s3cret-token-0123456789abcdef"

    init() throws { folder = try TemporaryFolder.make(prefix: "censusd") }

    func configuration(repositories: [String], extra: String = "") throws -> String {
        let tokenFile = folder.appendingPathComponent("token").path
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let file = folder.appendingPathComponent("census.yml").path
        try """
            database: \(folder.appendingPathComponent("census.sqlite").path)
            repositories: [\(repositories.joined(separator: ", "))]
            scan: {interval: 1s}
            http: {token_file: \(tokenFile)}
            teams: {core: ["*@example.com"]}
            \(extra)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("new commits reach the API, the metrics and the dashboard; scans need the token; SIGTERM exits 0")
    func endToEnd() async throws {
        let repo = try TemporaryGitRepository()
        for index in 1...3 { try repo.commit("commit \(index)", author: ("Dev \(index)", "dev\(index)@example.com")) }
        let daemon = try RunningDaemon(arguments: ["--config", try configuration(repositories: [repo.path])])
        #expect(try await daemon.request("/healthz").status == 200)
        #expect(try await daemon.eventually { try await daemon.request("/readyz").status == 200 })
        var totals = try await daemon.json("/api/v1/summary")["totals"] as? [String: Any]
        #expect(totals?["commits"] as? Int == 3)

        try repo.commit("agent work\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author: ("Dev 1", "dev1@example.com"))
        let seen = try await daemon.eventually {
            totals = try await daemon.json("/api/v1/summary")["totals"] as? [String: Any]
            return totals?["ai"] as? Int == 1
        }
        #expect(seen, "the new commit reached the store within the interval")

        let metrics = try await daemon.request("/metrics").body
        let name = URL(fileURLWithPath: repo.path).lastPathComponent
        let repoID = try #require((try await daemon.request("/api/v1/repos").body).firstMatch(of: /"id" *: *(\d+)/)?.1)
        #expect(metrics.contains("census_commits_total{repo=\"\(name)\",repo_id=\"\(repoID)\",class=\"ai\",tool=\"claude-code\"} 1"), "\(metrics)")
        #expect(metrics.contains("census_ai_share_ratio{repo=\"\(name)\",repo_id=\"\(repoID)\"} 0.25"))
        #expect(metrics.contains("census_build_info"))
        #expect(metrics.contains("census_scan_duration_seconds"))
        #expect(!metrics.contains("@"), "no email address in any label")
        #expect(!metrics.contains(try repo.head().prefix(12)), "no commit id in any label")

        #expect(try await daemon.request("/api/v1/scan", method: "POST").status == 401)
        #expect(try await daemon.request("/api/v1/scan", method: "POST", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await daemon.request("/api/v1/scan", method: "POST", headers: ["Authorization": "Bearer \(token)"]).status == 202)

        let repos = try await daemon.request("/api/v1/repos")
        let entries = try JSONSerialization.jsonObject(with: Data(repos.body.utf8)) as? [[String: Any]]
        #expect(entries?.count == 1)
        let id = try #require(entries?.first?["id"] as? Int)
        let page = try await daemon.json("/api/v1/commits?repo=\(id)&class=ai&limit=1")
        #expect((page["commits"] as? [[String: Any]])?.first?["tools"] as? [String] == ["claude-code"])
        #expect(page["next_cursor"] is NSNull)
        let twoPages = try await daemon.json("/api/v1/commits?limit=2")
        let cursor = try #require(twoPages["next_cursor"] as? String)
        let rest = try await daemon.json("/api/v1/commits?limit=10&cursor=\(cursor)")
        #expect((rest["commits"] as? [Any])?.count == 2)
        let trend = try await daemon.json("/api/v1/trend?interval=week&repo=\(id)")
        #expect(trend["interval"] as? String == "week")
        for bad in ["/api/v1/commits?repo=../../etc/passwd", "/api/v1/commits?class=robot", "/api/v1/commits?limit=0",
                    "/api/v1/summary?repo=999", "/api/v1/summary?since=someday", "/api/v1/trend?interval=year"] {
            let response = try await daemon.request(bad)
            #expect(response.status == 400, "\(bad)")
            #expect(!response.body.contains(folder.path) && !response.body.contains("/work/"), "no internal path in \(bad)")
        }

        // The dashboard, in a real browser.
        let chromium = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let dom = try Shell.capture(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "http://127.0.0.1:\(daemon.port)/?interval=week"])
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 3)
        #expect(dom.stdout.contains("<form class=\"filters\""))
        #expect(dom.stdout.contains(">\(name)</td>"))
        #expect(dom.stdout.contains("25.0%"))
        let shot = folder.appendingPathComponent("dashboard.png").path
        _ = try Shell.capture(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1400",
                                         "--screenshot=\(shot)", "http://127.0.0.1:\(daemon.port)/"])
        #expect(((try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0) > 20_000)

        #expect(daemon.stop() == 0)
    }

    @Test("request limits: a large body is refused with 413, a long target with 414, a flood with 429; health checks always answer")
    func requestLimits() async throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let daemon = try RunningDaemon(arguments: ["--config", try configuration(repositories: [repo.path])],
                                       environment: ["CENSUS_HTTP_RATE_LIMIT": "5"])
        #expect(try await daemon.eventually { try await daemon.request("/readyz").status == 200 })
        try await Task.sleep(for: .seconds(2))  // the bucket refills to its burst of 10

        let big = try await daemon.request("/api/v1/scan", method: "POST",
                                           headers: ["Authorization": "Bearer \(token)"], body: Data(count: 1 << 20))
        #expect(big.status == 413)
        #expect(try await daemon.request("/api/v1/summary?since=" + String(repeating: "x", count: 10_000)).status == 414)

        // Thirty at once: one after another, a loaded machine serving each in over 0.2 s would refill
        // the bucket (five a second) as fast as it is drawn, and no flood would be seen.
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<30 {
                group.addTask {
                    let answer = try await daemon.exchange("/api/v1/repos")
                    return (answer.status, answer.headers["Retry-After"] as? String)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let statuses = answers.map(\.0)
        let retryAfter = answers.first { $0.0 == 429 }?.1
        // The burst (ten, less what the 413 and 414 drew) is served, the rest refused.
        #expect(statuses.filter { $0 == 200 }.count >= 5, "\(statuses)")
        #expect(statuses.contains(429))
        #expect(retryAfter == "1")
        for _ in 0..<30 { #expect(try await daemon.request("/healthz").status == 200) }
        try await Task.sleep(for: .seconds(1))
        #expect(try await daemon.request("/api/v1/repos").status == 200, "the bucket refills")
        #expect(daemon.stop() == 0)
    }

    @Test("cached answers follow the store: a census scan by another process shows at once")
    func cacheFollowsStore() async throws {
        let first = try TemporaryGitRepository()
        try first.commit("one")
        let daemon = try RunningDaemon(arguments: ["--config", try configuration(repositories: [first.path])])
        #expect(try await daemon.eventually { try await daemon.request("/readyz").status == 200 })
        func commits() async throws -> Int? { (try await daemon.json("/api/v1/summary")["totals"] as? [String: Any])?["commits"] as? Int }
        #expect(try await commits() == 1)
        #expect(try await commits() == 1)  // from the cache
        let second = try TemporaryGitRepository()
        for index in 1...4 { try second.commit("other \(index)") }
        let db = folder.appendingPathComponent("census.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", db, second.path]).status == 0)
        #expect(try await commits() == 5, "the other process's commit is seen on the next request")
        #expect(daemon.stop() == 0)
    }

    @Test("SIGHUP adds a repository; a missing one is reported and never stops the others")
    func reloadAndFailures() async throws {
        let first = try TemporaryGitRepository()
        try first.commit("one")
        let second = try TemporaryGitRepository()
        try second.commit("two")
        try second.commit("three")
        let missing = folder.appendingPathComponent("gone").path
        let config = try configuration(repositories: [first.path, missing])
        let daemon = try RunningDaemon(arguments: ["--config", config])
        #expect(try await daemon.eventually { try await daemon.request("/readyz").status == 200 })
        #expect(daemon.log.contains("repository unavailable"))
        func repositoryCount() async throws -> Int {
            let body = try await daemon.request("/api/v1/repos").body
            return ((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [Any]) ?? []).count
        }
        #expect(try await repositoryCount() == 1)
        _ = try configuration(repositories: [first.path, missing, second.path])
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(try await daemon.eventually { try await repositoryCount() == 2 })
        let totals = try await daemon.json("/api/v1/summary")["totals"] as? [String: Any]
        #expect(totals?["commits"] as? Int == 3)

        // A broken file on reload: said in the log, the running configuration kept.
        try "repositories: [\(first.path)\nnot: valid: yaml: [".write(toFile: config, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(try await daemon.eventually(10) { daemon.log.contains("census.yml") && daemon.log.contains("kept") })
        try second.commit("four")
        #expect(try await daemon.eventually {
            (try await daemon.json("/api/v1/summary")["totals"] as? [String: Any])?["commits"] as? Int == 4
        }, "the second repository is still scanned")
        #expect(daemon.stop() == 0)
    }

    @Test("SIGTERM during a scan exits 0 within seconds and loses nothing")
    func shutdownDuringScan() async throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 60_000, aiEvery: 9)
        let daemon = try RunningDaemon(arguments: ["--config", try configuration(repositories: [repo.path])])
        try await Task.sleep(for: .milliseconds(1500))
        let started = Date()
        #expect(daemon.stop(within: 15) == 0)
        #expect(Date().timeIntervalSince(started) < 10)
        let db = folder.appendingPathComponent("census.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        let result = try CensusCLI.run(["report", "--db", db, "--format", "json"])
        let totals = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["totals"] as? [String: Any]
        #expect(totals?["commits"] as? Int == 60_000)
    }

    @Test("a port another program holds: exit 2 at once, one line naming the address")
    func busyPort() throws {
        let holder = try LoopbackPort(listening: true)
        defer { withExtendedLifetime(holder) {} }
        let port = holder.port
        let started = Date()
        let result = try Shell.capture(PackagePaths.censusd, ["--db", folder.appendingPathComponent("census.sqlite").path,
                                                             "--http-listen", "127.0.0.1:\(port)"])
        #expect(result.status == 2)
        #expect(result.stderr == "censusd: http.listen 127.0.0.1:\(port): Address already in use\n", "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 10, "at once, not after a scan round")
    }

    @Test("refusals at start: world-readable token, a public address without a token, an unknown key")
    func refusals() throws {
        let repo = try TemporaryGitRepository()
        let config = try configuration(repositories: [repo.path])
        let tokenFile = folder.appendingPathComponent("token").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile)
        let readable = try Shell.capture(PackagePaths.censusd, ["--config", config])
        #expect(readable.status == 2)
        #expect(readable.stderr.contains("can be read by other users"))

        let open = folder.appendingPathComponent("open.yml").path
        try "database: \(folder.path)/o.sqlite\nhttp: {listen: 0.0.0.0:8787}\n".write(toFile: open, atomically: true, encoding: .utf8)
        let publicBind = try Shell.capture(PackagePaths.censusd, ["--config", open])
        #expect(publicBind.status == 2)
        #expect(publicBind.stderr.contains("not a loopback address and no http.token_file"))

        let typo = folder.appendingPathComponent("typo.yml").path
        try "databse: x\n".write(toFile: typo, atomically: true, encoding: .utf8)
        let unknown = try Shell.capture(PackagePaths.censusd, ["--config", typo])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("typo.yml:1: unknown key 'databse'"))
    }
}

extension RunningDaemon {
    /// A daemon over one repository of one commit, scanning hourly, with `extra` configuration lines.
    /// A daemon over `repositories`, its store and configuration in `folder`.
    static func over(_ repositories: [String], in folder: URL, scan: String = "1h") throws -> RunningDaemon {
        let configuration = folder.appendingPathComponent("census.yml").path
        try "database: \(folder.appendingPathComponent("census.sqlite").path)\nrepositories: [\(repositories.joined(separator: ", "))]\nscan: {interval: \(scan)}\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        return try RunningDaemon(arguments: ["--config", configuration])
    }

    static func overOneCommit(_ prefix: String, extra: String = "", environment: [String: String] = [:]) throws -> RunningDaemon {
        let folder = try TemporaryFolder.make(prefix: prefix)
        // Plain git, not a TemporaryGitRepository: the repository outlives this call.
        let repo = folder.appendingPathComponent("repo").path
        try Shell.run("/usr/bin/git", ["init", "-q", "-b", "main", repo], environment: TemporaryGitRepository.gitEnvironment)
        try Shell.run("/usr/bin/git", ["-C", repo, "commit", "-q", "--allow-empty", "-m", "one"], environment: TemporaryGitRepository.gitEnvironment)
        let file = folder.appendingPathComponent("census.yml").path
        try """
            database: \(folder.appendingPathComponent("census.sqlite").path)
            repositories: [\(repo)]
            scan: {interval: 1h}
            \(extra)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return try RunningDaemon(arguments: ["--config", file], environment: environment)
    }
}

@Suite("censusd: dates from any client", .serialized)
struct DaemonDateTests {
    @Test("dates outside 0001–9999 are a 400 naming the parameter on every route, and the daemon lives on")
    func datesOutOfRange() async throws {
        let daemon = try RunningDaemon.overOneCommit("censusd-dates", environment: ["CENSUS_HTTP_RATE_LIMIT": "1000"])
        // Ready after its first round; these suites start with every other one, on a loaded machine.
        #expect(try await daemon.eventually(300) { try await daemon.request("/readyz").status == 200 })
        for path in ["/api/v1/summary?since=100000y", "/api/v1/trend?until=100000y", "/?since=100000y",
                     "/api/v1/summary?since=9999999d", "/api/v1/commits?until=99999999999999999999",
                     "/api/v1/summary?since=4000y"] {
            let answer = try await daemon.request(path)
            #expect(answer.status == 400, "\(path): \(answer.status)")
            #expect(answer.body.contains("outside the dates census can represent"), "\(path): \(answer.body)")
        }
        #expect(try await daemon.request("/api/v1/summary?since=10y").status == 200)
        #expect(try await daemon.request("/healthz").status == 200, "the daemon is still there")
        #expect(daemon.stop() == 0)
    }
}

/// A bare TCP connection to a loopback port, for clients no HTTP library
/// would imitate: silent ones and ones that trickle a byte at a time.
final class RawConnection {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ShellError(command: "connect", status: errno, stderr: "") }
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { close(socket) }

    /// Sends bytes; false once the server has closed the connection.
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } > 0
    }

    /// True once the server has closed the connection; never waits.
    func isClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// The first line of the answer to `request`; nil when none came within `limit` seconds.
    func statusLine(of request: String, limit: Double) -> String? {
        guard send(request) else { return nil }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 { received += buffer[..<count] } else if count == 0 { break }
            if let end = received.firstIndex(of: UInt8(ascii: "\r")) { return String(decoding: received[..<end], as: UTF8.self) }
        }
        return nil
    }

    /// Closes this end, as a client that is done does.
    func shut() { shutdown(socket, Int32(SHUT_RDWR)) }

    /// Seconds until the server closes the connection (a read returns 0 or
    /// fails), reading and discarding what it sends; nil if still open after `limit`.
    func secondsUntilClosed(limit: Double) -> Double? {
        let start = Date()
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(start) < limit {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return Date().timeIntervalSince(start) }
        }
        return nil
    }
}

@Suite("censusd: slow and greedy clients", .serialized)
struct DaemonSlowClientTests {
    @Test("a silent connection and one that trickles its headers are closed at the header timeout")
    func slowClients() async throws {
        let daemon = try RunningDaemon.overOneCommit("censusd-slow", extra: "http: {header_timeout: 2s, max_connections_per_client: 4}")
        #expect(try await daemon.eventually(300) { try await daemon.request("/readyz").status == 200 })

        let silent = try RawConnection(port: daemon.port)
        let closedAfter = silent.secondsUntilClosed(limit: 8)
        #expect(closedAfter.map { $0 >= 1.5 && $0 < 4 } == true, "silent connection closed after \(String(describing: closedAfter)) s")

        let trickle = try RawConnection(port: daemon.port)
        // 62 bytes at four a second would take 15 s; the 2 s deadline cuts it
        // off after about 8 (fewer when the machine is slow to wake the sender).
        var sent = 0
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
        for byte in request {
            guard trickle.send(String(byte)) else { break }
            sent += 1
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(sent < request.utf8.count / 2, "the trickling client was cut off after \(sent) of \(request.utf8.count) bytes")
        #expect(trickle.secondsUntilClosed(limit: 1) != nil, "and its connection is closed")

        #expect(daemon.stop() == 0)
    }

    @Test("a client's fifth connection with a cap of four is closed at once; the other four stay open")
    func connectionCap() async throws {
        // A header timeout far beyond the wait, so that a closed connection can
        // only be the cap's doing, however slowly a loaded machine accepts.
        let daemon = try RunningDaemon.overOneCommit("censusd-cap", extra: "http: {header_timeout: 5m, max_connections_per_client: 4}")
        // Not through URLSession: it would keep its connection, one of the four.
        #expect(try await daemon.eventually(120) {
            guard let probe = try? RawConnection(port: daemon.port) else { return false }
            let ready = probe.statusLine(of: "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", limit: 10) == "HTTP/1.1 200 OK"
            return ready && probe.secondsUntilClosed(limit: 10) != nil
        })

        // Which of the five is closed depends on the order the server accepts
        // them in, which a busy machine may not keep.
        let held = try (0..<5).map { _ in try RawConnection(port: daemon.port) }
        var closed = Set<Int>()
        let start = Date()
        while closed.isEmpty && Date().timeIntervalSince(start) < 60 {
            for (index, connection) in held.enumerated() where connection.isClosed() { closed.insert(index) }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Another second for a wrong second closure to show.
        try await Task.sleep(for: .seconds(1))
        for (index, connection) in held.enumerated() where connection.isClosed() { closed.insert(index) }
        #expect(closed.count == 1, "connections closed of five with a cap of four: \(closed.sorted())")
        let kept = held.indices.filter { !closed.contains($0) }.map { held[$0] }
        for connection in kept {
            let answer = connection.statusLine(of: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", limit: 30)
            #expect(answer == "HTTP/1.1 200 OK", "a kept connection is served: \(answer ?? "no answer")")
        }
        // Once the client lets them go, it may connect again.
        for connection in kept { connection.shut() }
        #expect(try await daemon.eventually(30) { (try? await daemon.request("/healthz").status) == 200 })
        #expect(daemon.stop() == 0)
    }
}
