import CensusKit
import CensusServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// censusd's routes in process (HummingbirdTesting), over a real store that a
/// real scan of a real repository filled. `DaemonTests` keep the few checks
/// that need the binary: start-up, signals, sockets.
@Suite("censusd routes, in process")
struct RouteTests {
    let folder: URL
    let census: CommitCensus

    init() throws {
        folder = try TemporaryFolder.make(prefix: "census-routes")
        census = try CommitCensus(location: StoreLocation(path: folder.appendingPathComponent("census.sqlite").path, origin: "test"),
                                  configuration: nil)
    }

    /// An application over this store: one repository of three commits, one of them AI, already scanned.
    func application(rateLimit: Int = 0, teams: [String: [String]] = [:],
                     serveLastAbove: TimeInterval = 0.25) throws -> (some ApplicationProtocol, TemporaryGitRepository) {
        // "Slow" for the cache is slow for the metrics too.
        let metrics = CensusMetrics(version: CensusVersion.current, refreshInBackgroundAbove: serveLastAbove)
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        try repo.commit("two\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        try repo.commit("three")
        let summary = try census.scan([ScanTarget(path: repo.path)], ScanRequest())
        #expect(summary.succeeded == 1)
        var configuration = CensusConfiguration()
        configuration.teams = teams
        let collector = Collector(census: census.with(configuration: configuration), interval: 3600,
                                  logger: Logger(label: "test"), metrics: metrics)
        let http = CensusHTTP(collector: collector, metrics: metrics,
                              token: "a-token-of-sixteen-chars", rateLimit: rateLimit, serveLastAbove: serveLastAbove)
        return (Application(router: http.router()), repo)
    }

    static func errorMessage(_ body: ByteBuffer) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["error"] as? String
    }

    @Test("the summary counts the scanned commits; bad parameters are 400s whose body is {\"error\": \"…\"}")
    func summaryAndBadRequests() async throws {
        let (app, repo) = try application()
        let repoName = repo.root.lastPathComponent
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/summary", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let totals = json?["totals"] as? [String: Any]
                #expect(totals?["commits"] as? Int == 3 && totals?["ai"] as? Int == 1)
            }
            // One repository's summary says which repository it covers.
            try await client.execute(uri: "/api/v1/summary?repo=1", method: .get) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let repositories = (json?["scope"] as? [String: Any])?["repositories"] as? [String]
                #expect(repositories?.count == 1 && repositories?.first?.hasSuffix(repoName) == true, "\(String(describing: repositories))")
                #expect((json?["scope"] as? [String: Any])?["repository_ids"] as? [Int] == [1], "and by the id it was asked for")
            }
            try await client.execute(uri: "/?repo=1", method: .get) { response in
                #expect(!String(buffer: response.body).contains("All scanned repositories"))
            }
            for (uri, message) in [("/api/v1/summary?since=100000y", "since: outside the dates census can represent"),
                                   ("/api/v1/trend?until=9999999d", "until: outside the dates census can represent"),
                                   ("/api/v1/summary?repo=abc", "repo: no scanned repository with id 'abc'"),
                                   ("/api/v1/commits?limit=0", "limit: 1 to 1000"),
                                   ("/api/v1/summary?interval=day", "interval: week or month"),
                                   // A name Foundation half-accepts: formatting in it trapped (found by FuzzDates).
                                   ("/api/v1/summary?timezone=Africa:Asmara", "timezone: UTC, +02:00 or a zone name")] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(Self.errorMessage(response.body)?.hasPrefix(message) == true, "\(uri): \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test("the dashboard says what the share rests on, the exposure, and when each repository adopted AI tools")
    func dashboardEvidenceAndAdoption() async throws {
        let (app, repo) = try application()
        try repo.commit("agent instructions", date: "@1760000000 +0000", file: "AGENTS.md", content: "Run the tests.\n")
        #expect(try await census.scan([ScanTarget(path: repo.path)], ScanRequest()).succeeded == 1)
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("<th>AI adopted</th>") && page.contains("2025-10-09 (AGENTS.md)"), "\(page)")
                #expect(page.contains("The share rests on") && page.contains("trailers and identities 25.0% (1)"))
                #expect(page.contains("Exposure to AI"))
            }
        }
    }

    @Test("an answer slow to compute is served as last computed, with its Age, while one computation brings it up to date")
    func lastAnswerWhileComputing() async throws {
        // Every answer counts as slow here (a fleet's report takes seconds).
        let (app, repo) = try application(serveLastAbove: 0)
        let path = repo.path, census = census
        try await app.test(.router) { client in
            let first = try await Self.summaryCommits(client)
            #expect(first.commits == 3 && first.age == nil)
            try await Self.commitAndScan(path, into: census)
            // The store changed: the last answer at once, saying how old it is…
            let served = try await Self.summaryCommits(client)
            #expect(served.commits == 3 && served.age.flatMap(Int.init) != nil, "\(served)")
            // …and the computation it started brings the new figures.
            var fresh = served
            for _ in 0..<100 where fresh.commits != 4 {
                try await Task.sleep(for: .milliseconds(100))
                fresh = try await Self.summaryCommits(client)
            }
            #expect(fresh.commits == 4 && fresh.age == nil, "\(fresh)")
        }
    }

    @Test("/metrics slow to refresh: a scrape gets the figures last made while one refresh in the background makes the new ones")
    func metricsRefreshedInBackground() async throws {
        let (app, repo) = try application(serveLastAbove: 0)
        let path = repo.path, census = census
        try await app.test(.router) { client in
            // The first scrape reads the store itself: there are no figures yet.
            #expect(try await Self.humanCommits(client) == 2)
            try await Self.commitAndScan(path, into: census)
            // Figures exist and the last reading counts as slow: this scrape gets them as they were…
            #expect(try await Self.humanCommits(client) == 2)
            // …and the refresh it started brings the new count.
            var count = 2
            for _ in 0..<100 where count != 3 {
                try await Task.sleep(for: .milliseconds(100))
                count = try await Self.humanCommits(client) ?? 0
            }
            #expect(count == 3)
        }
    }

    /// A fourth commit in the repository at `path`, scanned into the store.
    static func commitAndScan(_ path: String, into census: CommitCensus) async throws {
        try Shell.run("/usr/bin/git", ["commit", "-q", "--allow-empty", "-m", "four"], in: URL(fileURLWithPath: path),
                      environment: TemporaryGitRepository.gitEnvironment)
        #expect(try await census.scan([ScanTarget(path: path)], ScanRequest()).succeeded == 1)
    }

    /// The human commits /metrics counts for the one repository.
    static func humanCommits(_ client: some TestClientProtocol) async throws -> Int? {
        try await client.execute(uri: "/metrics", method: .get) { response in
            let text = String(buffer: response.body)
            let line = text.split(separator: "\n").first { $0.hasPrefix("census_commits_total{") && $0.contains("class=\"human\"") }
            return line?.split(separator: " ").last.flatMap { Int(Double($0) ?? -1) }
        }
    }

    static func summaryCommits(_ client: some TestClientProtocol) async throws -> (commits: Int?, age: String?) {
        try await client.execute(uri: "/api/v1/summary", method: .get) { response in
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return ((json?["totals"] as? [String: Any])?["commits"] as? Int, response.headers[.age])
        }
    }

    @Test("a scan request without the token is a 401 with the documented body; with it, 202")
    func scanNeedsToken() async throws {
        let (app, _) = try application()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/scan", method: .post) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.errorMessage(response.body) == "a valid Authorization: Bearer token is required")
            }
            try await client.execute(uri: "/api/v1/scan", method: .post, headers: [.authorization: "Bearer a-token-of-sixteen-chars"]) { response in
                #expect(response.status == .accepted)
            }
        }
    }

    @Test("request limits answer through the same error type: 414, and 429 with Retry-After")
    func limits() async throws {
        let (app, _) = try application(rateLimit: 1)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/repos?x=" + String(repeating: "y", count: 9000), method: .get) { response in
                #expect(response.status == .uriTooLong)
                #expect(Self.errorMessage(response.body)?.contains("longer than 8192 bytes") == true)
            }
            // Ten at once to a route that costs nothing (the OpenAPI description): the bucket (one a
            // second, two of burst) must not refill between them, however slowly a loaded machine serves.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                            if response.status == .tooManyRequests {
                                #expect(response.headers[.retryAfter] == "1")
                                #expect(Self.errorMessage(response.body)?.hasPrefix("too many requests") == true)
                            }
                            return response.status
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.contains(.tooManyRequests), "\(statuses)")
        }
    }

    @Test("privacy: a team below the minimum group is withheld (403) on the API and the dashboard; commits are pseudonymous with evidence withheld")
    func privacy() async throws {
        let (app, _) = try application(teams: ["solo": ["test@example.com"]])
        try await app.test(.router) { client in
            for uri in ["/api/v1/summary?team=solo", "/api/v1/trend?team=solo"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    #expect(Self.errorMessage(response.body)?.contains("figures about this group are withheld") == true, "\(uri)")
                    #expect(!String(buffer: response.body).contains("\"ai_share\""), "\(uri)")
                }
            }
            // The dashboard answers a person: a page that says why, and a select that says so beforehand.
            try await client.execute(uri: "/?team=solo", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let page = String(buffer: response.body)
                #expect(page.contains("<h1>Withheld</h1>") && page.contains("figures about this group are withheld") && !page.contains("AI share"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("<option value=\"solo\">solo (withheld: fewer than 5 people)</option>"))
            }
            try await client.execute(uri: "/api/v1/commits", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(!body.contains("test@example.com") && !body.contains("Test Person"), "\(body)")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let commits = json?["commits"] as? [[String: Any]] ?? []
                #expect(commits.count == 3)
                #expect(commits.allSatisfy { ($0["author_email"] as? String)?.hasPrefix("person-") == true })
                #expect(commits.allSatisfy { ($0["evidence"] as? [String])?.allSatisfy { $0 == "(withheld: --anonymize)" } == true })
            }
        }
    }

    @Test("the contract: unknown parameters and since after until are 400s; repo= twice is both; 404 and 405 have JSON bodies")
    func contract() async throws {
        let (app, _) = try application()
        let second = try TemporaryGitRepository()
        try second.commit("four\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        try second.commit("five")
        #expect(try await census.scan([ScanTarget(path: second.path)], ScanRequest()).succeeded == 1)
        try await app.test(.router) { client in
            for (uri, message) in [("/api/v1/summary?sinec=30d", "sinec: not a parameter of /api/v1/summary"),
                                   ("/api/v1/commits?team=x", "team: not a parameter of /api/v1/commits"),
                                   ("/api/v1/repos?repo=1", "repo: not a parameter of /api/v1/repos"),
                                   ("/?foo=1", "foo: not a parameter of /"),
                                   ("/api/v1/summary?since=2025-01-01&until=2024-01-01", "since (2025-01-01T00:00:00Z) is not before until"),
                                   ("/api/v1/commits?since=2025-01-01&until=2025-01-01", "since (2025-01-01T00:00:00Z) is not before until"),
                                   ("/api/v1/summary?repo=1&repo=99", "repo: no scanned repository with id '99'")] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(Self.errorMessage(response.body)?.hasPrefix(message) == true, "\(uri): \(String(buffer: response.body))")
                }
            }
            var totals: [String: [String: Any]] = [:]
            for query in ["repo=1", "repo=2", "repo=1&repo=2", ""] {
                try await client.execute(uri: "/api/v1/summary?" + query, method: .get) { response in
                    #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    totals[query] = json?["totals"] as? [String: Any]
                }
            }
            #expect(totals["repo=1"]?["commits"] as? Int == 3 && totals["repo=2"]?["commits"] as? Int == 2)
            #expect(totals["repo=1&repo=2"]?["commits"] as? Int == 5 && totals["repo=1&repo=2"]?["ai"] as? Int == 2)
            try await client.execute(uri: "/api/v1/commits?repo=1&repo=2", method: .get) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((json?["commits"] as? [Any])?.count == 5)
            }
            try await client.execute(uri: "/api/v1/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json")
                #expect(Self.errorMessage(response.body)?.hasPrefix("no such route") == true)
            }
            for (uri, method, allowed) in [("/api/v1/summary", HTTPRequest.Method.post, "GET"), ("/api/v1/scan", .get, "POST")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allowed)
                    #expect(Self.errorMessage(response.body) == "\(uri) takes \(allowed) only")
                }
            }
        }
    }

    @Test("two repositories with one name: the dashboard's choice tells them apart by path, the metrics by repo_id")
    func sameNamedRepositories() async throws {
        let (app, _) = try application()
        var paths: [String] = []
        var kept: [TemporaryGitRepository] = []
        for parent in ["team-a", "team-b"] {
            let root = folder.appendingPathComponent(parent).appendingPathComponent("service")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let repo = TemporaryGitRepository(existing: root)
            try repo.git(["init", "-q", "-b", "main", "."])
            try repo.commit("work in \(parent)")
            #expect(try await census.scan([ScanTarget(path: repo.path)], ScanRequest()).succeeded == 1)
            paths.append(root.resolvingSymlinksInPath().path)
            kept.append(repo)
        }
        let ids = try census.repositories().filter { $0.name == "service" }.map(\.id).sorted()
        #expect(ids.count == 2)
        let expected = zip(ids, paths).map { "<option value=\"\($0)\">\($1)</option>" }
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                for option in expected { #expect(page.contains(option), "\(option)") }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let metrics = String(buffer: response.body)
                for id in ids { #expect(metrics.contains("census_repository_info{repo=\"service#\(id)\",repo_id=\"\(id)\"} 1"), "\(metrics)") }
            }
        }
    }

    @Test("/api/v1/openapi.json serves the checked-in description, which names every /api/v1 route with its method")
    func openAPI() async throws {
        let (app, _) = try application()
        let file = try Data(contentsOf: PackagePaths.root.appendingPathComponent("Sources/CensusServer/OpenAPI/openapi.json"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/json")
                #expect(Data(buffer: response.body) == file + Data("\n".utf8) || Data(buffer: response.body) == file)
                let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(document?["openapi"] as? String == "3.1.0")
                let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
                let served = CensusHTTP.routes.filter { $0.key.hasPrefix("/api/v1/") }
                #expect(Set(paths.keys) == Set(served.keys))
                for (path, method) in served {
                    #expect(paths[path]?[method.rawValue.lowercased()] != nil, "\(method) \(path)")
                }
            }
        }
    }
}
