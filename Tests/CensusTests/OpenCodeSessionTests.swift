import Foundation
import GRDB
import Testing

/// OpenCode's database (`$XDG_DATA_HOME/opencode/opencode.db`, v1.2+) as a
/// scan with `--session-logs` reads it: the commits its agent made.
@Suite("OpenCode: the commits its agent made, from its own database")
struct OpenCodeSessionTests {
    /// A database with OpenCode's tables (those read, and one that holds prompts).
    static func database(at path: String, sessions: [(id: String, directory: String)], parts: [(session: String, ms: Int, data: [String: Any])]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, vcs TEXT, time_created INTEGER, time_updated INTEGER);
                CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, parent_id TEXT, slug TEXT NOT NULL, directory TEXT NOT NULL,
                                      title TEXT NOT NULL, version TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL);
                CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL,
                                      data TEXT NOT NULL);
                CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, session_id TEXT NOT NULL, time_created INTEGER NOT NULL,
                                   time_updated INTEGER NOT NULL, data TEXT NOT NULL);
                """)
            for session in sessions {
                try db.execute(sql: "INSERT INTO session VALUES (?, 'p', NULL, 's', ?, 't', '1.2.0', 0, 0)", arguments: [session.id, session.directory])
                try db.execute(sql: "INSERT INTO message VALUES (?, ?, 0, 0, ?)",
                               arguments: ["m-" + session.id, session.id, SessionEvidenceTests.json(["role": "user", "text": SessionEvidenceTests.prompt])])
            }
            for (index, part) in parts.enumerated() {
                try db.execute(sql: "INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: ["prt_\(index)", "m-" + part.session, part.session, part.ms, part.ms, SessionEvidenceTests.json(part.data)])
            }
        }
    }

    static func tool(_ name: String, input: [String: Any], output: String = "", status: String = "completed", endMs: Int) -> [String: Any] {
        ["type": "tool", "callID": UUID().uuidString, "tool": name,
         "state": ["status": status, "input": input, "output": output, "time": ["start": endMs - 500, "end": endMs]]]
    }

    @Test("its agent's commit after an edit is attested, tool opencode, mode agent; a listing, a failed call and another folder's session do not count; no prompt stored")
    func openCodeSessions() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        let made = try repo.commit("add answer", author: ("Jane Roe", "jane@corp.example"), date: "@\(base) +0000")
        let listed = try repo.commit("by hand", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 3600) +0000")
        let failed = try repo.commit("tried", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 7200) +0000")
        let home = try TemporaryFolder.make(prefix: "census-opencode")
        defer { try? FileManager.default.removeItem(at: home) }
        let ms = { (seconds: Int) in seconds * 1000 }
        try Self.database(at: home.appendingPathComponent("data/opencode/opencode.db").path,
                          sessions: [("ses_1", repo.path), ("ses_2", "/elsewhere/project")], parts: [
            ("ses_1", ms(base - 120), Self.tool("edit", input: ["filePath": repo.path + "/file.txt", "oldString": "a", "newString": "b"], endMs: ms(base - 100))),
            ("ses_1", ms(base - 2), Self.tool("bash", input: ["command": "git commit -am 'add answer'"], output: "[main \(made.prefix(7))] add answer\n 1 file changed", endMs: ms(base + 1))),
            ("ses_1", ms(base + 3600), Self.tool("bash", input: ["command": "git log --format='[%D %h] %s'"], output: "[main \(listed.prefix(7))] by hand", endMs: ms(base + 3601))),
            ("ses_1", ms(base + 7200), Self.tool("bash", input: ["command": "git commit -am tried"], output: "[main \(failed.prefix(7))] tried", status: "error", endMs: ms(base + 7201))),
            ("ses_2", ms(base + 3600), Self.tool("bash", input: ["command": "git commit -m 'by hand'"], output: "[main \(listed.prefix(7))] by hand", endMs: ms(base + 3601))),
        ])
        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        let listing = try CensusCLI.run(["evidence"], environment: environment)
        #expect(listing.status == 0 && listing.stdout.contains("opencode"), "\(listing.stdout)\(listing.stderr)")
        let scan = try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try CensusCLI.commitsBySHA(db, environment: environment)
        let agent = try #require(rows[made])
        #expect(agent["class"] as? String == "ai" && agent["tools"] as? [String] == ["opencode"], "\(agent)")
        #expect(agent["confidence"] as? String == "attested" && agent["mode"] as? String == "agent", "\(agent)")
        for sha in [listed, failed] { #expect(rows[sha]?["class"] as? String == "human", "\(rows[sha] ?? [:])") }
        for file in [db, db + "-wal"] where FileManager.default.fileExists(atPath: file) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(SessionEvidenceTests.prompt.utf8)) == nil)
        }
    }
}
