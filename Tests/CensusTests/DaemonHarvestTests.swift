import Foundation
import Testing

@Suite("censusd: session logs harvested on its schedule", .serialized)
struct DaemonHarvestTests {
    @Test("with evidence: {session_logs: true}, a log an agent writes after the first round makes its commit AI at the next")
    func harvestOnSchedule() async throws {
        let folder = try TemporaryFolder.make(prefix: "censusd-harvest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = folder.appendingPathComponent("repo").path
        let environment = TemporaryGitRepository.gitEnvironment
        try Shell.run("/usr/bin/git", ["init", "-q", "-b", "main", repo], environment: environment)
        try Shell.run("/usr/bin/git", ["-C", repo, "commit", "-q", "--allow-empty", "-m", "by hand"], environment: environment)
        let base = 1_780_000_000
        try Shell.run("/usr/bin/git", ["-C", repo, "commit", "-q", "--allow-empty", "-m", "by the agent"],
                      environment: environment.merging(["GIT_AUTHOR_DATE": "@\(base) +0000", "GIT_COMMITTER_DATE": "@\(base) +0000"]) { $1 })
        let made = try Shell.run("/usr/bin/git", ["-C", repo, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("census.yml").path
        try """
            database: \(folder.appendingPathComponent("census.sqlite").path)
            repositories: [\(repo)]
            scan: {interval: 1s}
            evidence: {session_logs: true}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let daemon = try RunningDaemon(arguments: ["--config", file], environment: ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""])
        func ai() async throws -> Int? { ((try await daemon.json("/api/v1/summary"))["totals"] as? [String: Any])?["ai"] as? Int }
        #expect(try await daemon.eventually(300) { try await daemon.request("/readyz").status == 200 })
        #expect(try await ai() == 0, "no log yet: both commits a person's")

        // Claude Code writes its transcript; the daemon notices the logs changed and scans again.
        let log = SessionEvidenceTests.claude(cwd: repo, at: base, edited: true, command: "git commit --allow-empty -m 'by the agent'",
                                              output: "[main \(made.prefix(7))] by the agent", session: "d1")
        let transcript = home.appendingPathComponent(".claude/projects/-repo/d1.jsonl")
        try FileManager.default.createDirectory(at: transcript.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(log.utf8).write(to: transcript)
        #expect(try await daemon.eventually(60) { try await ai() == 1 }, "\(daemon.log)")
        let commits = try await daemon.json("/api/v1/commits?class=ai")
        let listed = commits["commits"] as? [[String: Any]] ?? []
        #expect(listed.first?["tools"] as? [String] == ["claude-code"], "\(commits)")
        #expect(daemon.stop() == 0)
    }
}
