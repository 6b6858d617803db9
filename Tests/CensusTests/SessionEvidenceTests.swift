import Foundation
import Testing

/// `census scan --session-logs` as a person runs it: a repository whose
/// commits carry no trailer, the four tools' logs in the home folder.
@Suite("Session logs in scans: agents' commits attested without a trailer, verdicts that outlive the logs")
struct SessionEvidenceTests {
    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func iso(_ seconds: Int) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static let prompt = "PLEASE-KEEP-THIS-PROMPT-PRIVATE"

    /// A Claude Code session in `cwd`: a prompt, an edit when `edited`, then `command` answered by `output`.
    static func claude(cwd: String, at time: Int, edited: Bool, command: String, output: String, session: String) -> String {
        var lines = [json(["type": "user", "timestamp": iso(time - 60), "sessionId": session, "cwd": cwd,
                           "message": ["role": "user", "content": prompt]])]
        if edited {
            lines.append(json(["type": "assistant", "timestamp": iso(time - 30), "sessionId": session, "cwd": cwd,
                               "message": ["content": [["type": "tool_use", "id": "e-\(session)", "name": "Edit",
                                                        "input": ["file_path": cwd + "/file.txt", "old_string": prompt, "new_string": "x"]]]]]))
        }
        lines.append(json(["type": "assistant", "timestamp": iso(time), "sessionId": session, "cwd": cwd,
                           "message": ["content": [["type": "tool_use", "id": "b-\(session)", "name": "Bash", "input": ["command": command]]]]]))
        lines.append(json(["type": "user", "timestamp": iso(time + 1), "sessionId": session, "cwd": cwd,
                           "message": ["content": [["type": "tool_result", "tool_use_id": "b-\(session)", "content": output]]]]))
        return lines.joined(separator: "\n") + "\n"
    }

    func write(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    @Test("each agent's commit gets its tool; a session without edits gives inferred; listings, other projects and a person's dirty commit do not count; deleting the logs or changing the rules changes no verdict; no prompt in the store",
          arguments: ["sqlite", "postgresql"])
    func scanWithLogs(_ backend: String) throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        var shas: [String] = []
        for index in 0..<7 {
            shas.append(try repo.commit("change \(index)", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + index * 3600) +0000"))
        }
        // A helper the rules will name later: its verdict shows when every stored commit is derived again.
        let helper = try repo.commit("change 7", author: ("Helper", "helper@corp.example"), date: "@\(base + 7 * 3600) +0000")
        // 8: a person committed what Claude Code's session wrote (no claim names it); 9: the person's own lines in a file the agent touched.
        try repo.git(["config", "user.email", "jane@corp.example"])
        let written = ["func parse(_ text: String) -> [Token] {", "    var tokens: [Token] = []", "    for word in text.split(separator: \" \") {",
                       "        tokens.append(Token(word))", "    }", "    return tokens", "}"]
        let fromEdits = try repo.commit("change 8", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 8 * 3600) +0000",
                                        file: "src/parser.swift", content: written.joined(separator: "\n") + "\n")
        let own = try repo.commit("change 9", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 9 * 3600) +0000",
                                  file: "src/lexer.swift", content: "let keywords = [\"if\", \"else\"]\nlet operators = [\"+\", \"-\"]\n")
        let short = shas.map { String($0.prefix(7)) }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-sessions-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let claude = home.appendingPathComponent(".claude/projects/-repo")
        // 1: Claude Code made it, after its own edit. 2: Claude Code made it, no edit of its own recorded.
        try write(Self.claude(cwd: repo.path, at: base + 3600, edited: true, command: "git add -A && git commit -m 'change 1'",
                              output: "[main \(short[1])] change 1\n 1 file changed", session: "s1"), to: claude.appendingPathComponent("s1.jsonl"))
        try write(Self.claude(cwd: repo.path + "/sub", at: base + 2 * 3600, edited: false, command: "git commit -am 'change 2'",
                              output: "[main \(short[2])] change 2", session: "s2"), to: claude.appendingPathComponent("s2.jsonl"))
        // 0: a listing that looks like a summary line, and another project's claim of the same id.
        try write(Self.claude(cwd: repo.path, at: base, edited: true, command: "git log -1 --format='[%D %h] %s'",
                              output: "[main \(short[0])] change 0", session: "s3"), to: claude.appendingPathComponent("s3.jsonl"))
        try write(Self.claude(cwd: "/srv/another-project", at: base, edited: true, command: "git commit -m 'change 0'",
                              output: "[main \(short[0])] change 0", session: "s4"), to: home.appendingPathComponent(".claude/projects/-other/s4.jsonl"))
        var editing = [Self.json(["type": "assistant", "timestamp": Self.iso(base + 8 * 3600 - 600), "sessionId": "s5", "cwd": repo.path,
                                  "message": ["content": [["type": "tool_use", "id": "w5", "name": "Write",
                                                           "input": ["file_path": repo.path + "/src/parser.swift", "content": written.joined(separator: "\n")]]]]])]
        editing.append(Self.json(["type": "assistant", "timestamp": Self.iso(base + 9 * 3600 - 600), "sessionId": "s5", "cwd": repo.path,
                                  "message": ["content": [["type": "tool_use", "id": "w6", "name": "Edit",
                                                           "input": ["file_path": repo.path + "/src/lexer.swift", "old_string": "x",
                                                                     "new_string": "let unrelated = computeSomethingElse()"]]]]]))
        try write(editing.joined(separator: "\n") + "\n", to: claude.appendingPathComponent("s5.jsonl"))
        // 3: Codex made it.
        try write([
            Self.json(["timestamp": Self.iso(base + 3 * 3600 - 100), "type": "session_meta", "payload": ["id": "cx", "cwd": repo.path]]),
            Self.json(["timestamp": Self.iso(base + 3 * 3600 - 50), "type": "event_msg",
                       "payload": ["type": "patch_apply_end", "success": true, "changes": [repo.path + "/file.txt": ["type": "update"]]]]),
            Self.json(["timestamp": Self.iso(base + 3 * 3600), "type": "response_item",
                       "payload": ["type": "function_call", "name": "shell", "call_id": "c1",
                                   "arguments": Self.json(["command": ["bash", "-lc", "git commit -am 'change 3'"]])]]),
            Self.json(["timestamp": Self.iso(base + 3 * 3600 + 1), "type": "response_item",
                       "payload": ["type": "function_call_output", "call_id": "c1", "output": "Output:\n[main \(short[3])] change 3\n"]]),
        ].joined(separator: "\n") + "\n", to: home.appendingPathComponent(".codex/sessions/2026/05/28/rollout-cx.jsonl"))
        // 4: Gemini CLI made it (its project is the hash of the repository's root).
        let hash = try Shell.capture("/bin/sh", ["-c", "printf '%s' \"$1\" | sha256sum", "sh", repo.path]).stdout.prefix(64)
        try write([
            Self.json(["sessionId": "gm", "projectHash": String(hash), "startTime": Self.iso(base + 4 * 3600 - 100), "kind": "main"]),
            Self.json(["id": "m1", "timestamp": Self.iso(base + 4 * 3600), "type": "gemini", "toolCalls": [
                ["id": "r", "name": "replace", "args": ["file_path": repo.path + "/file.txt"], "status": "success"],
                ["id": "c", "name": "run_shell_command", "args": ["command": "git commit -am 'change 4'"], "status": "success",
                 "result": "Output: [main \(short[4])] change 4\nExit Code: 0", "timestamp": Self.iso(base + 4 * 3600)]]]),
        ].joined(separator: "\n") + "\n", to: home.appendingPathComponent(".gemini/tmp/repo/chats/session-gm.jsonl"))
        // 5: aider made it after an edit; 6: aider committed the person's own pending changes first.
        try write("# aider chat started at 2026-05-28 10:00:00\n#### fix it\n> Applied edit to file.txt  \n> Commit \(short[5]) change 5  \n"
                  + "#### next\n> Commit \(short[6]) change 6  \n", to: URL(fileURLWithPath: repo.path).appendingPathComponent(".aider.chat.history.md"))

        let db = backend == "sqlite" ? home.appendingPathComponent("census.sqlite").path : try PostgresServer.freshDatabase()
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        func verdicts() throws -> [String: [String: Any]] { try CensusCLI.commitsBySHA(db, environment: environment) }
        // A first scan without the logs: every commit a person's. Then with them: the agents' commits gain their evidence.
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path], environment: environment).status == 0)
        #expect(try verdicts().values.allSatisfy { $0["class"] as? String == "human" })
        let scan = try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        func check(_ when: String) throws {
            let rows = try verdicts()
            let expected: [(Int, String?, String?)] = [(0, nil, nil), (1, "claude-code", "attested"), (2, "claude-code", "inferred"),
                                                       (3, "codex", "attested"), (4, "gemini", "attested"), (5, "aider", "attested"), (6, nil, nil)]
            for (index, tool, confidence) in expected {
                let row = try #require(rows[shas[index]])
                if let tool {
                    #expect(row["class"] as? String == "ai" && row["tools"] as? [String] == [tool], "\(when): commit \(index): \(row)")
                    #expect(row["confidence"] as? String == confidence && row["mode"] as? String == "agent", "\(when): commit \(index)")
                } else {
                    #expect(row["class"] as? String == "human", "\(when): commit \(index): \(row)")
                }
            }
        }
        try check("after the harvest")
        let inferred = try #require(try verdicts()[fromEdits])
        #expect(inferred["class"] as? String == "ai" && inferred["tools"] as? [String] == ["claude-code"], "\(inferred)")
        #expect(inferred["confidence"] as? String == "inferred" && inferred["mode"] as? String == "assisted")
        #expect((inferred["evidence"] as? [String])?.contains { $0.contains("edits, 100% of added lines") } == true, "\(inferred)")
        #expect(try verdicts()[own]?["class"] as? String == "human", "the person's own lines in a file the agent touched")
        // The report says the share rests on session logs alone, and Jane's exposure starts at her first agent commit (1).
        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"], environment: environment)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let bySource = ((figures["ai_share"] as? [String: Any])?["by_source"] as? [[String: Any]] ?? [])
            .reduce(into: [String: Int]()) { $0[$1["source"] as? String ?? "?"] = $1["commits"] as? Int }
        #expect(bySource == ["trailer-identity": 0, "git-ai-notes": 0, "session-log": 6, "agent-trace": 0, "branch": 0], "\(bySource)")
        #expect((figures["totals"] as? [String: Any])?["adopter_commits"] as? Int == 8, "commits 1–6, 8 and 9")
        // How far back each tool's logs reach: Claude Code's oldest record is the listing's prompt, a minute before commit 0.
        func horizon() throws -> [String: String] {
            let report = try CensusCLI.run(["report", "--db", db, "--format", "json"], environment: environment)
            let figures = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
            return ((figures["ai_share"] as? [String: Any])?["session_log_horizon"] as? [[String: Any]] ?? [])
                .reduce(into: [String: String]()) { $0[$1["tool"] as? String ?? "?"] = "\($1["oldest"] ?? "")…\($1["newest"] ?? "") \($1["collectors"] ?? "")" }
        }
        let read = try horizon()
        #expect(read["claude-code"] == "\(Self.iso(base - 60))…\(Self.iso(base + 9 * 3600 - 600)) 1", "\(read)")
        #expect(read["codex"] == "\(Self.iso(base + 3 * 3600 - 100))…\(Self.iso(base + 3 * 3600 + 1)) 1", "\(read)")
        #expect(read["gemini"] != nil, "\(read)")
        let text = try CensusCLI.run(["report", "--db", db], environment: environment).stdout
        #expect(text.contains("session logs read: ") && text.contains("claude-code since \(Self.iso(base - 60).prefix(10)) (1 machine)"), "\(text)")
        // The store holds the tool, a hash of the session and the kind: never the prompt.
        if backend == "sqlite" {
            for file in [db, db + "-wal"] where FileManager.default.fileExists(atPath: file) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                #expect(bytes.range(of: Data(Self.prompt.utf8)) == nil, "\(file)")
            }
        } else {
            let dump = try Shell.capture("/usr/bin/pg_dump", [db.replacingOccurrences(of: "?sslmode=disable", with: "")])
            #expect(dump.status == 0 && dump.stdout.contains("session-log: claude-code"), "\(dump.stderr)")
            #expect(!dump.stdout.contains(Self.prompt))
        }
        // The logs deleted (Claude Code and Gemini CLI delete them after 30 days), then the rules changed: every commit derived again.
        try FileManager.default.removeItem(at: home.appendingPathComponent(".claude"))
        try FileManager.default.removeItem(at: home.appendingPathComponent(".gemini"))
        #expect(try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment).status == 0)
        try check("after the logs were deleted")
        #expect(try horizon() == read, "the evidence outlives the logs, and so does how far back it reaches")
        let config = home.appendingPathComponent("census.yml")
        try "attribution:\n  identities:\n    - {id: corp.helper, tool: corp-helper, class: ai, emails: [helper@corp.example]}\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let rescan = try CensusCLI.run(["scan", "--config", config.path, "--db", db, repo.path], environment: environment)
        #expect(rescan.status == 0, "\(rescan.stderr)")
        #expect(try verdicts()[helper]?["tools"] as? [String] == ["corp-helper"], "the stored commits were derived again")
        try check("after the rules changed")
    }

    @Test("a commit the session made, then rebased: its copy with the same change is the agent's, inferred; another change is not")
    func rebasedCommit() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        _ = try repo.commit("start", author: ("Jane Roe", "jane@corp.example"), date: "@\(base) +0000")
        let made = try repo.commit("parse tokens", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 3600) +0000",
                                   file: "src/parser.swift", content: "func parse() -> [Token] { tokenize(input) }\n")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-rebased-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try write(Self.claude(cwd: repo.path, at: base + 3600, edited: true, command: "git commit -am 'parse tokens'",
                              output: "[main \(made.prefix(7))] parse tokens", session: "r1"),
                  to: home.appendingPathComponent(".claude/projects/-repo/r1.jsonl"))
        // Rebased onto a commit made meanwhile: the session's commit is no longer on the branch, its change is.
        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        let meanwhile = try repo.commit("meanwhile", author: ("Ann Lee", "ann@corp.example"), date: "@\(base + 1800) +0000", file: "other.txt")
        try repo.git(["cherry-pick", made], environment: ["GIT_COMMITTER_DATE": "@\(base + 7200) +0000"])
        let copy = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(copy != made)

        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        let scan = try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try CensusCLI.commitsBySHA(db, environment: environment)
        let rebased = try #require(rows[copy])
        #expect(rebased["class"] as? String == "ai" && rebased["tools"] as? [String] == ["claude-code"], "\(rebased)")
        #expect(rebased["confidence"] as? String == "inferred", "one step less sure than the commit the session made")
        #expect((rebased["evidence"] as? [String])?.contains { $0.contains("as \(made.prefix(12)), rewritten (same patch-id)") } == true, "\(rebased)")
        #expect(rows[meanwhile]?["class"] as? String == "human")
        #expect(rows[made] == nil, "the session's own commit is not on the branch")
    }

    @Test("Copilot CLI's session: the commit its agent made after an edit is attested, tool copilot, mode agent")
    func copilotCLISession() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        let made = try repo.commit("add answer", author: ("Jane Roe", "jane@corp.example"), date: "@\(base) +0000")
        let other = try repo.commit("by hand", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 3600) +0000")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-copilot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        func event(_ type: String, _ seconds: Int, _ data: [String: Any]) -> String {
            Self.json(["type": type, "id": UUID().uuidString, "timestamp": Self.iso(seconds), "data": data])
        }
        try write([
            event("session.start", base - 300, ["sessionId": "cp1", "context": ["cwd": repo.path]]),
            event("tool.execution_start", base - 60, ["toolCallId": "e", "toolName": "edit", "arguments": ["path": repo.path + "/file.txt", "new_str": "x"]]),
            event("tool.execution_start", base, ["toolCallId": "c", "toolName": "bash", "arguments": ["command": "git commit -am 'add answer'"]]),
            event("tool.execution_complete", base + 1, ["toolCallId": "c", "success": true, "result": ["content": "[main \(made.prefix(7))] add answer"]]),
        ].joined(separator: "\n") + "\n", to: home.appendingPathComponent(".copilot/session-state/cp1/events.jsonl"))
        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        #expect(try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment).status == 0)
        let rows = try CensusCLI.commitsBySHA(db, environment: environment)
        let agent = try #require(rows[made])
        #expect(agent["class"] as? String == "ai" && agent["tools"] as? [String] == ["copilot"], "\(agent)")
        #expect(agent["confidence"] as? String == "attested" && agent["mode"] as? String == "agent")
        #expect(rows[other]?["class"] as? String == "human")
    }

    @Test("a log file unchanged since the last harvest is not read again; a changed one is; the cache holds no prompt or command")
    func harvestCache() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        let first = try repo.commit("parse tokens", author: ("Jane Roe", "jane@corp.example"), date: "@\(base) +0000")
        let second = try repo.commit("parse tokens", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 60) +0000")
        let home = try TemporaryFolder.make(prefix: "census-harvest-cache")
        defer { try? FileManager.default.removeItem(at: home) }
        let log = home.appendingPathComponent(".claude/projects/-repo/h1.jsonl")
        try write(Self.claude(cwd: repo.path, at: base, edited: true, command: "git commit -am 'parse tokens'",
                              output: "[main \(first.prefix(7))] parse tokens", session: "h1"), to: log)
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": "", "XDG_STATE_HOME": "", "STATE_DIRECTORY": ""]
        func scan(_ name: String) throws -> [String: String] {
            let db = home.appendingPathComponent(name).path
            let result = try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            return try CensusCLI.commitsBySHA(db, environment: environment).mapValues { $0["class"] as? String ?? "" }
        }
        #expect(try scan("one.sqlite") == [first: "ai", second: "human"])
        let cache = home.appendingPathComponent(".local/state/census/session-logs.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: cache.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let cached = try Data(contentsOf: cache)
        for secret in [Self.prompt, "git commit -am"] { #expect(cached.range(of: Data(secret.utf8)) == nil, "\(secret)") }

        // The same file, size and time, now naming the other commit: an unchanged file is not read again.
        let modified = try FileManager.default.attributesOfItem(atPath: log.path)[.modificationDate] as! Date
        let text = try String(contentsOf: log, encoding: .utf8).replacingOccurrences(of: String(first.prefix(7)), with: String(second.prefix(7)))
        let handle = try FileHandle(forWritingTo: log)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: log.path)
        #expect(try scan("two.sqlite") == [first: "ai", second: "human"])
        // Written to since (a session goes on): read again.
        let more = try FileHandle(forWritingTo: log)
        try more.seekToEnd()
        try more.write(contentsOf: Data("\n".utf8))
        try more.close()
        #expect(try scan("three.sqlite") == [first: "human", second: "ai"])
        // censusd under systemd (StateDirectory=census): the cache goes where the unit says.
        let state = home.appendingPathComponent("var-lib-census")
        var service = environment
        service["STATE_DIRECTORY"] = state.path
        #expect(try CensusCLI.run(["scan", "--session-logs", "--db", home.appendingPathComponent("four.sqlite").path, repo.path],
                                  environment: service).status == 0)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("session-logs.json").path))
    }

    @Test("aider's history where $AIDER_CHAT_HISTORY_FILE puts it (a path in the repository) is read; the default name otherwise")
    func aiderHistoryFromEnvironment() throws {
        let repo = try TemporaryGitRepository()
        let made = try repo.commit("change 1", author: ("Jane Roe", "jane@corp.example"), date: "@1780000000 +0000")
        try write("# aider chat started at 2026-05-28 10:00:00\n#### fix it\n> Applied edit to file.txt  \n> Commit \(made.prefix(7)) change 1  \n",
                  to: URL(fileURLWithPath: repo.path).appendingPathComponent("notes/aider.md"))
        let home = try TemporaryFolder.make(prefix: "census-aider-env")
        defer { try? FileManager.default.removeItem(at: home) }
        for (name, configured, expected) in [("plain.sqlite", "", "human"), ("configured.sqlite", "notes/aider.md", "ai")] {
            let db = home.appendingPathComponent(name).path
            let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": "", "AIDER_CHAT_HISTORY_FILE": configured]
            #expect(try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment).status == 0)
            #expect(try CensusCLI.commitsBySHA(db, environment: environment)[made]?["class"] as? String == expected, "\(name)")
        }
    }

    @Test("notes that arrive after the logs were deleted add to a session verdict, HEAD moved or not; they never take it away")
    func notesAfterLogsWereDeleted() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        let made = try repo.commit("parse tokens", author: ("Jane Roe", "jane@corp.example"), date: "@\(base) +0000")
        let home = try TemporaryFolder.make(prefix: "census-notes-after-logs")
        defer { try? FileManager.default.removeItem(at: home) }
        try write(Self.claude(cwd: repo.path, at: base, edited: true, command: "git commit -am 'parse tokens'",
                              output: "[main \(made.prefix(7))] parse tokens", session: "n1"),
                  to: home.appendingPathComponent(".claude/projects/-repo/n1.jsonl"))
        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        func tools() throws -> [String]? {
            #expect(try CensusCLI.run(["scan", "--session-logs", "--db", db, repo.path], environment: environment).status == 0)
            return try CensusCLI.commitsBySHA(db, environment: environment)[made]?["tools"] as? [String]
        }
        #expect(try tools() == ["claude-code"])
        try FileManager.default.removeItem(at: home.appendingPathComponent(".claude"))
        // git-ai's note arrives (fetched), HEAD where it was: the walk derives the commit again.
        try repo.git(["notes", "--ref=ai", "add", "-m", NotesTests.note, made])
        #expect(try tools() == ["claude-code", "cursor"])
        // And when HEAD has moved too (the incremental walk's re-attribution).
        try repo.git(["notes", "--ref=ai", "add", "-f", "-m", NotesTests.note.replacingOccurrences(of: "\"cursor\"", with: "\"codex\""), made])
        try repo.commit("more", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + 3600) +0000")
        #expect(try tools() == ["claude-code", "codex"])
    }
}
