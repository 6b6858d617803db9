import Foundation
@testable import SessionLogs
import Testing

/// Logs written from each tool's documented format into a temporary home
/// (shared/reference/session-logs.md), read as `census evidence` reads them.
@Suite("Session logs: what each tool's logs hold, read without keeping their text")
final class SessionLogsTests {
    let home: URL

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("census-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: home) }

    func write(_ relative: String, _ lines: [String]) throws {
        let file = home.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A Bash call and its result, as Claude Code writes them.
    static func claudeBash(_ id: String, command: String, cwd: String, time: String, result: [String: Any]) -> [String] {
        [json(["type": "assistant", "timestamp": time, "sessionId": "s1", "cwd": cwd,
               "message": ["content": [["type": "tool_use", "id": id, "name": "Bash", "input": ["command": command]]]]]),
         json(["type": "user", "timestamp": time, "sessionId": "s1", "cwd": cwd,
               "message": ["content": [["type": "tool_result", "tool_use_id": id,
                                        "content": result["content"] as? String ?? ""]]]]
              .merging(result["toolUseResult"].map { ["toolUseResult": $0] } ?? [:]) { $1 })]
    }

    @Test("Claude Code: gitOperation, stdout and plain content all claim; a listing never does; bad and huge lines are skipped")
    func claudeCode() throws {
        let edit = Self.json(["type": "assistant", "timestamp": "2026-06-01T09:58:05.000Z", "sessionId": "s1", "cwd": "/r",
                              "message": ["content": [["type": "tool_use", "id": "e1", "name": "Edit",
                                                       "input": ["file_path": "/r/a.go", "old_string": "SECRET-PROMPT", "new_string": "x"]]]]])
        var lines = [edit]
        lines += Self.claudeBash("b1", command: "git add -A && git commit -m 'x'", cwd: "/r", time: "2026-06-01T10:00:21.000Z",
                                 result: ["toolUseResult": ["stdout": "[main def5678] x\n 1 file changed", "gitOperation": ["commit": ["sha": "def5678", "kind": "committed"]]]])
        lines += Self.claudeBash("b2", command: "git commit --amend --no-edit", cwd: "/r", time: "2026-06-01T10:01:00Z",
                                 result: ["toolUseResult": ["stdout": "[main 1a2b3c4] x\n Date: …"]])
        lines += Self.claudeBash("b3", command: "cd /r && git cherry-pick abc", cwd: "/r", time: "2026-06-01T10:02:00Z",
                                 result: ["content": "[detached HEAD 7e7e7e7] y\n"])
        // A listing shaped like a summary line is not a commit the agent made.
        lines += Self.claudeBash("b4", command: "git log -1 --format='[%D %h] %s'", cwd: "/r", time: "2026-06-01T10:03:00Z",
                                 result: ["toolUseResult": ["stdout": "[main 9999999] looks like one"]])
        lines.append("{\"type\":\"user\",\"timestamp\":\"2026-06-01T10:04")  // cut off mid-record
        try write(".claude/projects/-r/s1.jsonl", lines)
        // A huge line (9 MiB) between two good ones: skipped, the next one still read.
        try write(".claude/projects/-r/big.jsonl", [
            Self.json(["type": "user", "timestamp": "2026-05-01T00:00:00Z", "sessionId": "s2", "cwd": "/r", "message": ["content": "hi"]]),
            "{\"x\":\"" + String(repeating: "y", count: 9 << 20) + "\"}",
            Self.json(["type": "user", "timestamp": "2026-07-01T00:00:00Z", "sessionId": "s2", "cwd": "/r", "message": ["content": "bye"]]),
        ])
        try write(".claude/projects/-r/combined_transcripts.html", ["<html>[main abcdef0] not a log</html>"])
        let summary = try #require(SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).first)
        #expect(summary.tool == .claudeCode && summary.files == 2 && summary.sessions == 2)
        #expect(summary.claims.map(\.sha) == ["def5678", "1a2b3c4", "7e7e7e7"])
        #expect(summary.claims.allSatisfy { $0.folder == "/r" && $0.sessionEdited })
        #expect(summary.edits == 1)
        #expect(summary.editEvents.map(\.path) == ["/r/a.go"] && summary.editEvents.first?.lines == [AddedLine.hash("x")].compactMap { $0 }.reduce(into: Set<Int>()) { $0.insert($1) })
        #expect(summary.skippedLines == 2)
        #expect(summary.oldest == ISO8601DateFormatter().date(from: "2026-05-01T00:00:00Z"))
        #expect(summary.newest == ISO8601DateFormatter().date(from: "2026-07-01T00:00:00Z"))
        #expect(!String(describing: summary).contains("SECRET-PROMPT"))
    }

    @Test("$CLAUDE_CONFIG_DIR lists several homes; ~/.claude-work is read beside ~/.claude")
    func claudeHomes() throws {
        try write("a/projects/p/s.jsonl", Self.claudeBash("b", command: "git commit -m x", cwd: "/a", time: "2026-01-01T00:00:00Z",
                                                          result: ["content": "[main aaaa111] x"]))
        try write("b/projects/p/s.jsonl", Self.claudeBash("b", command: "git commit -m x", cwd: "/b", time: "2026-01-01T00:00:00Z",
                                                          result: ["content": "[main bbbb222] x"]))
        let listed = SessionLogs(home: home.path, environment: ["CLAUDE_CONFIG_DIR": "\(home.path)/a, \(home.path)/b"])
        #expect(listed.summaries(repositories: []).flatMap(\.claims).map(\.sha) == ["aaaa111", "bbbb222"])
        try FileManager.default.moveItem(at: home.appendingPathComponent("a"), to: home.appendingPathComponent(".claude-work"))
        #expect(SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).flatMap(\.claims).map(\.sha) == ["aaaa111"])
    }

    @Test("Copilot CLI: a shell commit after an edit claims, a listing and a failed call do not; the older one-file layout is read")
    func copilotCLI() throws {
        func event(_ type: String, _ time: String, _ data: [String: Any]) -> String {
            Self.json(["type": type, "id": UUID().uuidString, "timestamp": time, "data": data])
        }
        func shell(_ call: String, _ command: String, _ output: String, success: Bool = true) -> [String] {
            [event("tool.execution_start", "2026-06-01T10:05:00Z", ["toolCallId": call, "toolName": "bash", "arguments": ["command": command]]),
             event("tool.execution_complete", "2026-06-01T10:05:02Z", ["toolCallId": call, "success": success, "result": ["content": output]])]
        }
        try write(".copilot/session-state/5e55-10n/events.jsonl", [
            event("session.start", "2026-06-01T10:00:00Z", ["sessionId": "5e55-10n", "copilotVersion": "0.0.400", "context": ["cwd": "/w"]]),
            event("user.message", "2026-06-01T10:00:10Z", ["content": "PRIVATE PROMPT"]),
            event("tool.execution_start", "2026-06-01T10:01:00Z", ["toolCallId": "e1", "toolName": "edit",
                                                                  "arguments": ["path": "/w/a.rs", "old_str": "x", "new_str": "let answer = compute();"]]),
        ] + shell("c1", "git add -A && git commit -m 'x'", "[main 9ab12cd] x\n 1 file changed")
          + shell("c2", "git log -1 --format='[%D %h] %s'", "[main 1111111] listed, not made")
          + shell("c3", "git commit -m 'y'", "[main 2222222] y", success: false)
          + ["{not json", ""])
        try write(".copilot/session-state/0ld.jsonl", [
            event("session.start", "2026-05-01T09:00:00Z", ["sessionId": "0ld", "context": ["cwd": "/v"]]),
        ] + shell("c9", "git commit -am 'z'", "[dev abcdef1] z"))
        let summary = try #require(SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).first { $0.tool == .copilotCLI })
        #expect(summary.files == 2 && summary.sessions == 2 && summary.skippedLines == 1)
        #expect(summary.claims.map(\.sha) == ["abcdef1", "9ab12cd"] || summary.claims.map(\.sha) == ["9ab12cd", "abcdef1"], "\(summary.claims)")
        let made = try #require(summary.claims.first { $0.sha == "9ab12cd" })
        #expect(made.folder == "/w" && made.session == "5e55-10n" && made.sessionEdited && made.tool.rawValue == "copilot")
        #expect(summary.claims.first { $0.sha == "abcdef1" }?.sessionEdited == false)
        #expect(summary.edits == 1 && summary.editEvents.map(\.path) == ["/w/a.rs"])
        #expect(summary.oldest == ISO8601DateFormatter().date(from: "2026-05-01T09:00:00Z"))
    }

    @Test("Codex: argv and cmd calls, plain and wrapped output, apply_patch edits; a zstd rollout is read, a broken one counted as not read")
    func codex() throws {
        let meta = Self.json(["timestamp": "2026-05-05T10:28:34.120Z", "type": "session_meta",
                              "payload": ["id": "019d", "cwd": "/w", "git": ["commit_hash": String(repeating: "3", count: 40), "repository_url": "git@x:o/r.git"]]])
        func call(_ id: String, _ arguments: [String: Any]) -> String {
            Self.json(["timestamp": "2026-05-05T10:41:00Z", "type": "response_item",
                       "payload": ["type": "function_call", "name": arguments["cmd"] == nil ? "shell" : "exec_command",
                                   "call_id": id, "arguments": Self.json(arguments)]])
        }
        func output(_ id: String, _ text: String) -> String {
            Self.json(["timestamp": "2026-05-05T10:41:10.500Z", "type": "response_item",
                       "payload": ["type": "function_call_output", "call_id": id, "output": text]])
        }
        try write(".codex/sessions/2026/05/05/rollout-2026-05-05T10-28-34-019d.jsonl", [
            meta,
            Self.json(["timestamp": "2026-05-05T10:40:02Z", "type": "response_item",
                       "payload": ["type": "custom_tool_call", "name": "apply_patch", "call_id": "p", "input": "*** Begin Patch"]]),
            Self.json(["timestamp": "2026-05-05T10:40:03Z", "type": "event_msg",
                       "payload": ["type": "patch_apply_end", "success": true, "changes": ["/w/a.rs": ["type": "update"], "/w/b.rs": ["type": "add"]]]]),
            call("c1", ["command": ["bash", "-lc", "git commit -am 'x'"], "workdir": "/w/sub"]),
            output("c1", "Process exited with code 0\nOutput:\n[feat/x 9ab12cd] x\n 1 file changed"),
            call("c2", ["cmd": "git -C /w revert HEAD --no-edit"]),
            output("c2", Self.json(["output": "[feat/x 0fedcba] Revert \"x\"\n", "metadata": ["exit_code": 0]])),
            call("c3", ["cmd": "git show --oneline HEAD"]),
            output("c3", "[feat/x 1111111] shown, not made"),
        ])
        try write(".codex/archived_sessions/rollout-old.jsonl.zst", ["(not zstd at all)"])
        // An archived rollout compressed with zstd, as Codex writes them: read through the system's libzstd.
        try write(".codex/archived_sessions/rollout-zipped.jsonl", [
            meta, call("z1", ["command": ["bash", "-lc", "git commit -m 'z'"], "workdir": "/w"]), output("z1", "[main 7777777] z"),
        ])
        let zstd = try Process.run(URL(fileURLWithPath: "/usr/bin/zstd"),
                                   arguments: ["-q", "--rm", home.appendingPathComponent(".codex/archived_sessions/rollout-zipped.jsonl").path])
        zstd.waitUntilExit()
        #expect(zstd.terminationStatus == 0)
        #expect(ZstdStream.isAvailable, "libzstd1 is installed on every Debian system")
        let summary = try #require(SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).first)
        #expect(summary.tool == .codex && summary.files == 2 && summary.unreadFiles == 1 && summary.sessions == 2)
        #expect(summary.claims.map(\.sha) == ["9ab12cd", "0fedcba", "7777777"])
        #expect(summary.claims.map(\.folder) == ["/w/sub", "/w", "/w"])
        #expect(summary.claims.allSatisfy { $0.session == "019d" })
        #expect(summary.edits == 3)
        #expect(Set(summary.editEvents.map(\.path)) == ["/w/a.rs", "/w/b.rs"])
        // $CODEX_HOME moves it.
        try FileManager.default.moveItem(at: home.appendingPathComponent(".codex"), to: home.appendingPathComponent("elsewhere"))
        let moved = SessionLogs(home: home.path, environment: ["CODEX_HOME": home.appendingPathComponent("elsewhere").path])
        #expect(moved.summaries(repositories: []).flatMap(\.claims).count == 3)
    }

    @Test("aider: a commit after an applied edit is the agent's; a dirty commit or /commit holds the person's changes; /undo removes one")
    func aider() throws {
        let repository = home.appendingPathComponent("repo")
        try write("repo/.aider.chat.history.md", [
            "# aider chat started at 2024-08-05 19:33:32", "", "#### fix the parser", "",
            "> Commit 1111111 chore: commit the person's pending changes  ",
            "> Applied edit to aider/utils.py  ", "> Commit fd43cd4 feat: parse dates  ", "",
            "#### /commit", "> Commit 2222222 fix: the person's edits  ",
            "# aider chat started at 2024-08-06 09:00:00", "#### add a test",
            "> Applied edit to tests/test_x.py  ", "> Commit 3333333 test: x  ",
            "#### /undo", "> Removed: 3333333 test: x  ", "> Now at: fd43cd4 feat: parse dates  ",
        ])
        let summary = try #require(SessionLogs(home: home.path, environment: [:]).summaries(repositories: [repository.path]).first)
        #expect(summary.tool == .aider && summary.sessions == 2 && summary.edits == 2)
        #expect(summary.claims.map(\.sha) == ["1111111", "fd43cd4", "2222222"])
        #expect(summary.claims.map(\.kind) == [.personsChanges, .committed, .personsChanges])
        #expect(summary.claims.allSatisfy { $0.folder == repository.path })
    }

    @Test("Gemini CLI: JSONL chats and the older JSON; the project is its hash; the checkpoint shadow repository is not read")
    func gemini() throws {
        let hash = String(repeating: "a1", count: 32)
        let shell: [String: Any] = ["id": "c1", "name": "run_shell_command", "args": ["command": "git commit -m 'x'"],
                                    "result": [["functionResponse": ["response": ["output": "Output: [main 5c5c5c5] x\nExit Code: 0"]]]],
                                    "status": "success", "timestamp": "2026-07-01T09:15:00Z"]
        let edit: [String: Any] = ["id": "c0", "name": "replace", "args": ["file_path": "/p/a.py", "old_string": "o", "new_string": "n"],
                                   "status": "success", "timestamp": "2026-07-01T09:12:01Z"]
        try write(".gemini/tmp/p-1/chats/session-2026-07-01T09-00-5c3f.jsonl", [
            Self.json(["sessionId": "5c3f", "projectHash": hash, "startTime": "2026-07-01T09:00:00Z", "kind": "main"]),
            Self.json(["id": "m7", "timestamp": "2026-07-01T09:12:00Z", "type": "gemini", "toolCalls": [edit, shell]]),
            Self.json(["$set": ["lastUpdated": "2026-07-01T09:20:00Z"]]),
        ])
        try write(".gemini/tmp/\(hash)/chats/session-old.json", [Self.json([
            "sessionId": "old", "projectHash": hash, "startTime": "2025-09-01T09:00:00Z",
            "messages": [["id": "m1", "timestamp": "2025-09-01T09:05:00Z", "type": "gemini", "toolCalls": [shell]]]])])
        try write(".gemini/history/p-1/commits.jsonl", ["[main 6d6d6d6] a checkpoint"])
        let summary = try #require(SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).first)
        #expect(summary.tool == .gemini && summary.files == 2 && summary.sessions == 2 && summary.edits == 1)
        #expect(summary.claims.map(\.sha).sorted() == ["5c5c5c5", "5c5c5c5"])
        #expect(summary.claims.allSatisfy { $0.projectHash == hash })
        #expect(summary.oldest == ISO8601DateFormatter().date(from: "2025-09-01T09:00:00Z"))
    }

    @Test("a project folder whose name is not UTF-8 does not stop the others being read")
    func nonUTF8Path() throws {
        try write(".claude/projects/plain/s.jsonl", Self.claudeBash("b", command: "git commit -m x", cwd: "/r",
                                                                    time: "2026-01-01T00:00:00Z", result: ["content": "[main 0123abc] x"]))
        // The shell names the folder: Foundation cannot spell `caf\xE9`.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "d=\"$1/$(printf 'caf\\351')\" && mkdir -p \"$d\" && cp \"$1/plain/s.jsonl\" \"$d/t.jsonl\"", "sh",
                           home.appendingPathComponent(".claude/projects").path]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let claims = SessionLogs(home: home.path, environment: [:]).summaries(repositories: []).flatMap(\.claims).map(\.sha)
        #expect(claims.contains("0123abc"), "the other project is still read")
    }

    @Test("added lines compare with blanks collapsed; lines of three characters or fewer do not count; a diff's + lines, not its header")
    func addedLines() {
        #expect(AddedLine.hash("  return   tokens ") == AddedLine.hash("return tokens"))
        #expect(AddedLine.hash("}") == nil && AddedLine.hash("  end  ") == nil)
        let diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old line here\n+new line here\n"
        #expect(AddedLine.hashes(ofDiff: diff) == [AddedLine.hash("new line here")!])
    }

    @Test("git's summary line: the sha is the last word before the bracket; commands are told from listings")
    func summaryLine() {
        #expect(GitSummaryLine.sha(in: "[main (root-commit) 1a2b3c4] init") == "1a2b3c4")
        #expect(GitSummaryLine.sha(in: "[detached HEAD abcdef0] x") == "abcdef0")
        #expect(GitSummaryLine.sha(in: "[main ABCDEF0] x") == nil)
        #expect(GitSummaryLine.sha(in: "[1a2b3c4] x") == nil)
        #expect(GitSummaryLine.sha(in: "see [main 1a2b3c4] x") == nil)
        #expect(GitSummaryLine.makesCommits("git -C /r commit -m x"))
        #expect(GitSummaryLine.makesCommits("cd /r; git add . && git commit -qm x"))
        #expect(!GitSummaryLine.makesCommits("git log --oneline | grep commit"))
        #expect(!GitSummaryLine.makesCommits("echo git commit"))
    }
}

@Suite("SHA-256, for Gemini CLI's project key")
struct SHA256Tests {
    @Test("the standard's test vectors and a 1,000-byte message agree with sha256sum")
    func vectors() throws {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let long = String(repeating: "/home/dev/ä-repo", count: 63)
        let shell = Process()
        let pipe = Pipe()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "printf '%s' \"$1\" | sha256sum", "sh", long]
        shell.standardOutput = pipe
        try shell.run()
        shell.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        #expect(SHA256.hex(long) == String(expected))
    }
}
