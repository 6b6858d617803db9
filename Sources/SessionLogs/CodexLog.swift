import Foundation

/// Codex CLI's rollouts: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…jsonl`, one
/// `{timestamp, type, payload}` a line. A commit claim is a shell function call
/// running git to make a commit, with its `function_call_output`; edits are
/// `apply_patch` calls and `patch_apply_end` events. Compressed rollouts
/// (`.jsonl.zst`) are read through the system's libzstd, and counted as not
/// read where it is not installed.
enum CodexLog {
    static let shellTools: Set<String> = ["shell", "exec_command", "shell_command", "local_shell", "container.exec"]

    /// The folders of `$CODEX_HOME` that hold rollouts.
    static let folders = ["sessions", "archived_sessions"]

    static func read(root: String, cache: HarvestCache? = nil) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .codex, location: root)
        for folder in folders.map({ (root as NSString).appendingPathComponent($0) }) {
            for file in SessionLogs.files(under: folder, endingWith: [".jsonl", ".jsonl.zst"]) {
                if file.hasSuffix(".zst") && !ZstdStream.isAvailable {
                    summary.unreadFiles += 1
                    continue
                }
                summary.add(HarvestCache.summary(of: file, in: cache) { readFile(file, location: root) })
            }
        }
        return summary
    }

    static func readFile(_ path: String, location: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .codex, location: location)
        var session = (path as NSString).lastPathComponent
        var folder: String?
        var edited = false
        /// Calls that make commits, by call id → the folder they ran in ("" when unknown).
        var pending: [String: String] = [:]
        let skipped = LineReader.forEachLine(of: path) { line in
            guard let record = LineReader.object(line), let payload = record["payload"] as? [String: Any] else {
                if !line.isEmpty { summary.skippedLines += 1 }
                return
            }
            let time = LogTime.parse(record["timestamp"])
            summary.saw(time)
            switch (record["type"] as? String, payload["type"] as? String) {
            case ("session_meta", _):
                session = payload["id"] as? String ?? session
                folder = payload["cwd"] as? String ?? folder
            case ("turn_context", _):
                folder = payload["cwd"] as? String ?? folder
            case ("response_item", "function_call"):
                guard let name = payload["name"] as? String, shellTools.contains(name),
                      let id = payload["call_id"] as? String else { return }
                let arguments = (payload["arguments"] as? String).flatMap { LineReader.object(Data($0.utf8)) } ?? [:]
                guard let command = shellCommand(arguments), GitSummaryLine.makesCommits(command) else { return }
                pending[id] = arguments["workdir"] as? String ?? folder ?? ""
            case ("response_item", "function_call_output"):
                guard let id = payload["call_id"] as? String, let workdir = pending.removeValue(forKey: id) else { return }
                for sha in GitSummaryLine.commits(in: outputText(payload["output"])) {
                    summary.claims.append(CommitClaim(tool: .codex, session: session, time: time, sha: sha, kind: .committed,
                                                      folder: workdir.isEmpty ? folder : workdir, projectHash: nil, sessionEdited: edited))
                }
            case ("response_item", "custom_tool_call") where payload["name"] as? String == "apply_patch":
                summary.edits += 1
                edited = true
            case ("event_msg", "patch_apply_end") where payload["success"] as? Bool != false:
                let changes = payload["changes"] as? [String: Any] ?? [:]
                summary.edits += changes.count
                edited = true
                for (file, change) in changes {
                    let change = change as? [String: Any] ?? [:]
                    let lines = (change["unified_diff"] as? String).map(AddedLine.hashes(ofDiff:))
                        ?? (change["content"] as? String).map(AddedLine.hashes(ofText:)) ?? []
                    summary.editEvents.append(EditEvent(tool: .codex, session: session, time: time, path: file, lines: lines))
                }
            default: return
            }
        }
        return summary.finishFile(skipped: skipped, sessions: 1)
    }

    /// `{"command": ["bash", "-lc", "git commit …"]}`, `{"cmd": "…"}` or `{"command": "…"}`.
    static func shellCommand(_ arguments: [String: Any]) -> String? {
        if let parts = arguments["command"] as? [String] {
            // `["bash", "-lc", "git commit …"]`: the shell's script is the command.
            if parts.count >= 3, ["-c", "-lc", "-ic", "-lic"].contains(parts[1]) { return parts[2...].joined(separator: " ") }
            return parts.joined(separator: " ")
        }
        return arguments["command"] as? String ?? arguments["cmd"] as? String
    }

    /// An output string, the older `{"output": …}` JSON string, or content items.
    static func outputText(_ output: Any?) -> String {
        if let text = output as? String {
            if let wrapped = LineReader.object(Data(text.utf8)), let inner = wrapped["output"] as? String { return inner }
            return text
        }
        let items = output as? [[String: Any]] ?? []
        return items.compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
}
