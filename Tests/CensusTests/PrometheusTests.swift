import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// /metrics as Prometheus reads it: promtool's lint, and the sample Grafana
/// dashboard's every query run by a real Prometheus (Debian's) scraping a
/// real censusd, equal to what `census report` says of the same store.
@Suite("censusd metrics by the Prometheus book", .serialized)
struct PrometheusTests {
    let folder: URL

    init() throws { folder = try TemporaryFolder.make(prefix: "census-prometheus") }

    /// A daemon over the sample repository and a second one (kept while the
    /// daemon runs), first round done.
    func daemon(besides others: [String] = []) async throws -> (RunningDaemon, database: String, second: TemporaryGitRepository) {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let second = try TemporaryGitRepository()
        try second.commit("by hand")
        // Two tools on one commit: per-tool series overlap, and a panel that sums them counts it twice.
        try second.commit("with two agents\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
                          + "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>")
        let database = folder.appendingPathComponent("census.sqlite").path
        let daemon = try RunningDaemon.over([sample, second.path] + others, in: folder)
        #expect(try await daemon.eventually(300) { try await daemon.request("/readyz").status == 200 })
        return (daemon, database, second)
    }

    @Test("promtool check metrics passes on a collector's /metrics")
    func promtoolLint() async throws {
        // A repository whose folder name holds a quote and a backslash: its label is escaped.
        let hostile = folder.appendingPathComponent("we\"ird\\name")
        try FileManager.default.createDirectory(at: hostile, withIntermediateDirectories: true)
        let odd = TemporaryGitRepository(existing: hostile)
        try odd.git(["init", "-q", "-b", "main", "."])
        try odd.commit("odd")
        let (daemon, _, second) = try await daemon(besides: [hostile.path])
        defer { withExtendedLifetime(second) {} }
        let exposition = try await daemon.request("/metrics").body
        let file = folder.appendingPathComponent("metrics.txt")
        try exposition.write(to: file, atomically: true, encoding: .utf8)
        let lint = try Shell.capture("/bin/sh", ["-c", "promtool check metrics < '\(file.path)'"])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(exposition.contains("# TYPE census_commits_total counter"))
        #expect(exposition.contains(#"census_repository_info{repo="we\"ird\\name",repo_id="#), "\(exposition)")
        #expect(daemon.stop() == 0)
    }

    @Test("the sample dashboard's queries, run by Prometheus scraping censusd, equal the report's figures")
    func dashboardQueries() async throws {
        let (daemon, database, second) = try await daemon()
        defer { withExtendedLifetime(second) {} }
        let prometheus = try RunningPrometheus(scraping: daemon.port, in: folder)
        defer { prometheus.stop() }
        #expect(try await prometheus.eventually(90) { try await prometheus.value("up{job=\"census\"}") == 1 })

        let report = try JSONSerialization.jsonObject(with: Data(try CensusCLI.run(["report", "--db", database, "--format", "json"]).stdout.utf8)) as? [String: Any]
        let totals = report?["totals"] as? [String: Int] ?? [:]
        let adoption = report?["adoption"] as? [String: Any] ?? [:]
        let share = (report?["ai_share"] as? [String: Any])?["commits"] as? Double
        #expect(totals["ai"] == 17 && totals["human"] == 12, "\(totals)")

        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: PackagePaths.root.appendingPathComponent("samples/grafana-dashboard.json"))) as? [String: Any]
        let panels = dashboard?["panels"] as? [[String: Any]] ?? []
        var answered = 0
        for panel in panels {
            let title = panel["title"] as? String ?? ""
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let query = (target["expr"] as? String ?? "").replacingOccurrences(of: "$repo", with: ".*")
                let series = try await prometheus.query(query)
                #expect(series != nil, "\(title): \(query) is not a valid query")
                answered += 1
                switch title {
                case let t where t.hasPrefix("AI share of commits"):
                    #expect(abs((series?.first?.value ?? -1) - (share ?? -2)) < 1e-9, "\(title): \(String(describing: series)) vs \(String(describing: share))")
                case let t where t.hasPrefix("People with AI commits"):
                    #expect(series?.first?.value == Double(adoption["ai_authors"] as? Int ?? -1), "\(title)")
                case let t where t.hasPrefix("Active people"):
                    #expect(series?.first?.value == Double(adoption["active_authors"] as? Int ?? -1), "\(title)")
                case "Commits by class":
                    let byClass = Dictionary(uniqueKeysWithValues: (series ?? []).map { ($0.labels["class"] ?? "", Int($0.value)) })
                    #expect(byClass == ["ai": totals["ai"] ?? -1, "human": totals["human"] ?? -1, "bot": totals["bot"] ?? -1], "\(byClass)")
                case "Repositories whose last scan failed":
                    #expect(series?.first?.value == 0)
                default:
                    break
                }
            }
        }
        #expect(answered == panels.count, "every panel has a query")
        #expect(daemon.stop() == 0)
    }
}

@Suite("censusd: an SRE can tell whether the collector is alive", .serialized)
struct CollectorLivenessTests {
    @Test("idle rounds are counted and logged; a vanished repository shows its error in census repos, the API and the metrics")
    func idleAndVanished() async throws {
        let folder = try TemporaryFolder.make(prefix: "census-liveness")
        let kept = try TemporaryGitRepository(), gone = try TemporaryGitRepository()
        try kept.commit("one")
        try gone.commit("two")
        let database = folder.appendingPathComponent("census.sqlite").path
        let daemon = try RunningDaemon.over([kept.path, gone.path], in: folder, scan: "1s")
        #expect(try await daemon.eventually(300) { try await daemon.request("/readyz").status == 200 })
        try FileManager.default.removeItem(at: gone.root)
        let goneName = gone.root.lastPathComponent, keptName = kept.root.lastPathComponent
        // One identity for a repository: the id census repos and the API show labels its series.
        let repos = try JSONSerialization.jsonObject(with: Data(try await daemon.request("/api/v1/repos").body.utf8)) as? [[String: Any]] ?? []
        func id(_ name: String) -> Int { repos.first { ($0["path"] as? String)?.hasSuffix("/" + name) == true }?["id"] as? Int ?? 0 }
        let gonesSeries = "{repo=\"\(goneName)\",repo_id=\"\(id(goneName))\"}", keptSeries = "{repo=\"\(keptName)\",repo_id=\"\(id(keptName))\"}"
        #expect(id(goneName) > 0 && id(keptName) > 0 && id(goneName) != id(keptName), "\(repos)")
        #expect(try await daemon.eventually(60) {
            try await daemon.request("/metrics").body.contains("census_repository_failing\(gonesSeries) 1")
        })
        let metrics = try await daemon.request("/metrics").body
        #expect(metrics.contains("census_repository_failing\(keptSeries) 0"))
        #expect(metrics.contains("census_repository_info\(keptSeries) 1"), "\(metrics)")
        func sample(_ series: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect((sample("census_scan_errors_total\(gonesSeries)") ?? 0) >= 1)
        #expect((sample("census_repository_last_success_timestamp_seconds\(keptSeries)") ?? 0) > Date().timeIntervalSince1970 - 600)
        let rounds = metrics.firstMatch(of: /census_scan_rounds_total (\d+)/).flatMap { Int($0.1) } ?? 0
        #expect(rounds >= 2, "\(rounds) rounds")
        #expect(daemon.log.contains("new_commits=0") && daemon.log.contains("round done"), "an idle round is logged")

        let reposNow = try JSONSerialization.jsonObject(with: Data(try await daemon.request("/api/v1/repos").body.utf8)) as? [[String: Any]] ?? []
        let goneEntry = reposNow.first { ($0["path"] as? String)?.hasSuffix(goneName) == true }
        #expect((goneEntry?["last_error"] as? String)?.contains("no such file or directory") == true, "\(reposNow)")
        let listed = try CensusCLI.run(["repos", "--db", database])
        #expect(listed.stdout.split(separator: "\n").contains {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(id(goneName)) ") && $0.contains(goneName) && $0.contains("no such file or directory")
        }, "census repos leads with the same id: \(listed.stdout)")
        #expect(daemon.stop() == 0)
    }
}

/// Debian's Prometheus on a loopback port of its own, scraping one censusd every second.
final class RunningPrometheus: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(scraping target: Int, in folder: URL) throws {
        port = try LoopbackPort.free()
        let configuration = folder.appendingPathComponent("prometheus.yml")
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: census
                static_configs: [{targets: ["127.0.0.1:\(target)"]}]
            """.write(to: configuration, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = ["--config.file=\(configuration.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("tsdb").path)",
                             "--web.listen-address=127.0.0.1:\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// The series an instant query returns; nil when Prometheus refuses the query.
    func query(_ expression: String) async throws -> [(labels: [String: String], value: Double)]? {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expression)]
        // A form decoder reads "+" as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any], json["status"] as? String == "success",
              let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]] else { return nil }
        return result.map { series in
            let value = (series["value"] as? [Any])?.last as? String
            return (series["metric"] as? [String: String] ?? [:], Double(value ?? "") ?? .nan)
        }
    }

    func value(_ expression: String) async throws -> Double? {
        try await query(expression)?.first?.value
    }

    func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }
}
