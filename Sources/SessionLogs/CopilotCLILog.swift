import Foundation

/// GitHub Copilot CLI's sessions: `~/.copilot/session-state/<session>/events.jsonl`
/// (older builds: `session-state/<session>.jsonl`), one `{type, id, parentId,
/// timestamp, data}` event a line. `session.start` names the folder
/// (`data.context.cwd`); a commit claim is a shell tool's
/// `tool.execution_start` running git to make a commit, with its
/// `tool.execution_complete` output; edits are the file tools' calls. The
/// schema is undocumented (`version` and `producer` are its only markers):
/// unknown events are passed over.
enum CopilotCLILog {
    static let shellTools: Set<String> = ["bash", "shell", "powershell"]
    static let editTools: Set<String> = ["edit", "create", "write", "str_replace_editor", "apply_patch"]

    static func read(folder: String, cache: HarvestCache? = nil) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .copilotCLI, location: folder)
        for file in SessionLogs.files(under: folder, endingWith: [".jsonl"]) {
            summary.add(HarvestCache.summary(of: file, in: cache) { readFile(file, location: folder) })
        }
        return summary
    }

    static func readFile(_ path: String, location: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .copilotCLI, location: location)
        let name = (path as NSString).lastPathComponent
        var session = name == "events.jsonl" ? ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            : (name as NSString).deletingPathExtension
        var folder: String?
        var edited = false
        /// Shell calls that make commits, by tool call id.
        var pending: Set<String> = []
        let skipped = LineReader.forEachLine(of: path) { line in
            guard let event = LineReader.object(line), let type = event["type"] as? String else {
                if !line.isEmpty { summary.skippedLines += 1 }
                return
            }
            let time = LogTime.parse(event["timestamp"])
            summary.saw(time)
            let data = event["data"] as? [String: Any] ?? [:]
            switch type {
            case "session.start":
                session = data["sessionId"] as? String ?? session
                folder = (data["context"] as? [String: Any])?["cwd"] as? String ?? folder
            case "tool.execution_start":
                guard let tool = data["toolName"] as? String, let call = data["toolCallId"] as? String else { return }
                let arguments = data["arguments"] as? [String: Any] ?? [:]
                if editTools.contains(tool) {
                    summary.edits += 1
                    edited = true
                    if let file = arguments["path"] as? String {
                        let text = arguments["new_str"] as? String ?? arguments["file_text"] as? String ?? arguments["content"] as? String ?? ""
                        summary.editEvents.append(EditEvent(tool: .copilotCLI, session: session, time: time, path: file,
                                                            lines: AddedLine.hashes(ofText: text)))
                    }
                } else if shellTools.contains(tool), let command = arguments["command"] as? String, GitSummaryLine.makesCommits(command) {
                    pending.insert(call)
                }
            case "tool.execution_complete":
                guard let call = data["toolCallId"] as? String, pending.remove(call) != nil, data["success"] as? Bool != false else { return }
                let result = data["result"] as? [String: Any] ?? [:]
                for sha in GitSummaryLine.commits(in: result["content"] as? String ?? "") {
                    summary.claims.append(CommitClaim(tool: .copilotCLI, session: session, time: time, sha: sha, kind: .committed,
                                                      folder: folder, projectHash: nil, sessionEdited: edited))
                }
            default: return
            }
        }
        return summary.finishFile(skipped: skipped, sessions: 1)
    }
}
