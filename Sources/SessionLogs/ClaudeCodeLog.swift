import Foundation

/// Claude Code's transcripts: `<config>/projects/<project>/<session>.jsonl`
/// (and subagents' below), one JSON record a line. A commit claim is a Bash
/// `tool_use` running git to make a commit, with its `tool_result`: the
/// structured `toolUseResult.gitOperation.commit.sha` when the build writes
/// it, else git's summary line in the output. Only `*.jsonl` is read: other
/// programs leave HTML and caches in the same folders.
enum ClaudeCodeLog {
    static let editTools: Set<String> = ["Edit", "Write", "MultiEdit", "NotebookEdit"]

    static func read(folder: String, cache: HarvestCache? = nil) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .claudeCode, location: folder)
        for file in SessionLogs.files(under: folder, endingWith: [".jsonl"]) {
            summary.add(HarvestCache.summary(of: file, in: cache) { readFile(file, location: folder) })
        }
        return summary
    }

    /// One transcript. Records of several sessions may share a file (a resumed session).
    static func readFile(_ path: String, location: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .claudeCode, location: location)
        var sessions = Set<String>()
        var editedSessions = Set<String>()
        var pending: [String: (session: String, folder: String?)] = [:]
        let skipped = LineReader.forEachLine(of: path) { line in
            guard let record = LineReader.object(line) else {
                if !line.isEmpty { summary.skippedLines += 1 }
                return
            }
            let session = record["sessionId"] as? String ?? (path as NSString).lastPathComponent
            let time = LogTime.parse(record["timestamp"])
            summary.saw(time)
            sessions.insert(session)
            let content = (record["message"] as? [String: Any])?["content"] as? [[String: Any]] ?? []
            for block in content {
                switch block["type"] as? String {
                case "tool_use":
                    let name = block["name"] as? String ?? ""
                    let input = block["input"] as? [String: Any] ?? [:]
                    if editTools.contains(name) {
                        summary.edits += 1
                        editedSessions.insert(session)
                        if let file = input["file_path"] as? String {
                            summary.editEvents.append(EditEvent(tool: .claudeCode, session: session, time: time, path: file,
                                                                lines: addedLines(input)))
                        }
                    } else if name == "Bash", let command = input["command"] as? String,
                              GitSummaryLine.makesCommits(command), let id = block["id"] as? String {
                        pending[id] = (session, record["cwd"] as? String)
                    }
                case "tool_result":
                    guard let id = block["tool_use_id"] as? String, let call = pending.removeValue(forKey: id) else { continue }
                    for (sha, kind) in claimedCommits(record: record, block: block) {
                        summary.claims.append(CommitClaim(
                            tool: .claudeCode, session: call.session, time: time, sha: sha, kind: kind,
                            folder: call.folder ?? record["cwd"] as? String, projectHash: nil,
                            sessionEdited: editedSessions.contains(call.session)))
                    }
                default: continue
                }
            }
        }
        return summary.finishFile(skipped: skipped, sessions: sessions.count)
    }

    /// The lines an Edit, Write or MultiEdit adds, hashed.
    static func addedLines(_ input: [String: Any]) -> Set<Int> {
        var text = [input["new_string"], input["content"]].compactMap { $0 as? String }
        text += (input["edits"] as? [[String: Any]] ?? []).compactMap { $0["new_string"] as? String }
        return text.reduce(into: Set<Int>()) { $0.formUnion(AddedLine.hashes(ofText: $1)) }
    }

    /// The commits a Bash result names: `gitOperation` first, else the summary lines of its output.
    static func claimedCommits(record: [String: Any], block: [String: Any]) -> [(String, CommitClaim.Kind)] {
        let result = record["toolUseResult"] as? [String: Any]
        if let commit = (result?["gitOperation"] as? [String: Any])?["commit"] as? [String: Any],
           let sha = (commit["sha"] as? String)?.lowercased() {
            let kind: CommitClaim.Kind = switch commit["kind"] as? String {
            case "amended": .amended
            case "cherry-picked": .cherryPicked
            default: .committed
            }
            return [(sha, kind)]
        }
        let output = result?["stdout"] as? String ?? text(of: block["content"])
        return GitSummaryLine.commits(in: output).map { ($0, .committed) }
    }

    /// A `tool_result`'s content: a string, or text blocks.
    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        let blocks = content as? [[String: Any]] ?? []
        return blocks.compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
}
