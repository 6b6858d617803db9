import Foundation
import Testing

/// `census evidence` as a person runs it: a scanned repository, an agent's
/// transcripts in the home folder, the listing of what would be read.
@Suite("census evidence: the session logs on this machine, and the stored commits they claim")
struct EvidenceCommandTests {
    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A Claude Code session in `cwd` that ran `git commit` and got `[main <sha>] …` back.
    static func transcript(cwd: String, sha: String, prompt: String) -> String {
        [json(["type": "user", "timestamp": "2026-06-01T09:59:00Z", "sessionId": "s-\(sha)", "cwd": cwd,
               "message": ["role": "user", "content": prompt]]),
         json(["type": "assistant", "timestamp": "2026-06-01T10:00:20Z", "sessionId": "s-\(sha)", "cwd": cwd,
               "message": ["content": [["type": "tool_use", "id": "t1", "name": "Bash", "input": ["command": "git commit -am 'x'"]]]]]),
         json(["type": "user", "timestamp": "2026-06-01T10:00:21Z", "sessionId": "s-\(sha)", "cwd": cwd,
               "message": ["content": [["type": "tool_result", "tool_use_id": "t1", "content": "[main \(sha)] x"]]],
               "toolUseResult": ["stdout": "[main \(sha)] x\n 1 file changed"]])].joined(separator: "\n") + "\n"
    }

    @Test("a claim from the repository's own folder matches its stored commit; another project's claim of the same id does not; no prompt is shown")
    func listsAndMatches() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        try repo.commit("two")
        let sha = String(try repo.head().prefix(7))
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-evidence-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let projects = home.appendingPathComponent(".claude/projects")
        for (folder, cwd) in [("own", repo.path + "/src"), ("other", "/srv/another-project")] {
            try FileManager.default.createDirectory(at: projects.appendingPathComponent(folder), withIntermediateDirectories: true)
            try Data(Self.transcript(cwd: cwd, sha: sha, prompt: "PROMPT-TEXT-\(folder)").utf8)
                .write(to: projects.appendingPathComponent("\(folder)/session.jsonl"))
        }
        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path], environment: environment).status == 0)

        let listed = try CensusCLI.run(["evidence", "--db", db, "--format", "json"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let sources = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let claude = try #require(sources.first { $0["tool"] as? String == "claude-code" })
        #expect(claude["files"] as? Int == 2 && claude["sessions"] as? Int == 2)
        #expect(claude["commit_claims"] as? Int == 2)
        #expect(claude["matched"] as? Int == 1, "only the claim made in the repository's own folder")
        #expect(claude["oldest"] as? String == "2026-06-01T09:59:00Z")

        let table = try CensusCLI.run(["evidence", "--db", db], environment: environment)
        #expect(table.status == 0 && table.stdout.contains("claude-code") && table.stdout.contains("Read only"))
        #expect(!(listed.stdout + table.stdout).contains("PROMPT-TEXT"))
    }

    @Test("no logs anywhere: one line saying where census looked")
    func none() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let listed = try CensusCLI.run(["evidence", "--db", home.appendingPathComponent("s.sqlite").path],
                                       environment: ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""])
        #expect(listed.status == 0)
        #expect(listed.stdout.hasPrefix("No AI session logs found"))
    }
}
