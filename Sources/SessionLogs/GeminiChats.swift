import Foundation

/// Gemini CLI's chats: `~/.gemini/tmp/<project>/chats/session-*.jsonl` (a
/// metadata record, then messages) or the older `.json` (one object with
/// `messages`). A commit claim is a `run_shell_command` call running git to
/// make a commit, with git's summary line in its result; edits are `replace`
/// and `write_file` calls. The project is `projectHash`, sha256 of its root.
/// Commits in the checkpointing shadow repository (`~/.gemini/history`) are never read.
enum GeminiChats {
    static func read(folder: String, cache: HarvestCache? = nil) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .gemini, location: folder)
        for file in SessionLogs.files(under: folder, endingWith: [".jsonl", ".json"])
        where file.contains("/chats/") {
            summary.add(HarvestCache.summary(of: file, in: cache) { readFile(file, location: folder) })
        }
        return summary
    }

    static func readFile(_ path: String, location: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .gemini, location: location)
        var chat = Chat(session: (path as NSString).lastPathComponent)
        let skipped: Int?
        if path.hasSuffix(".jsonl") {
            skipped = LineReader.forEachLine(of: path) { line in
                guard let record = LineReader.object(line) else {
                    if !line.isEmpty { summary.skippedLines += 1 }
                    return
                }
                chat.read(record, into: &summary)
            }
        } else if let data = FileManager.default.contents(atPath: path), data.count <= LineReader.maxLine,
                  let whole = LineReader.object(data) {
            chat.read(whole, into: &summary)
            for message in whole["messages"] as? [[String: Any]] ?? [] { chat.read(message, into: &summary) }
            skipped = 0
        } else {
            skipped = nil
        }
        return summary.finishFile(skipped: skipped, sessions: 1)
    }

    /// What a chat has said so far about itself.
    struct Chat {
        var session: String
        var projectHash: String?
        var edited = false

        mutating func read(_ record: [String: Any], into summary: inout SessionLogSummary) {
            if let id = record["sessionId"] as? String { session = id }
            if let hash = record["projectHash"] as? String { projectHash = hash }
            summary.saw(LogTime.parse(record["startTime"]))
            summary.saw(LogTime.parse(record["timestamp"]))
            for call in record["toolCalls"] as? [[String: Any]] ?? [] {
                let arguments = call["args"] as? [String: Any] ?? [:]
                switch call["name"] as? String {
                case "replace", "write_file":
                    summary.edits += 1
                    edited = true
                    if let file = arguments["file_path"] as? String {
                        let text = [arguments["new_string"], arguments["content"]].compactMap { $0 as? String }.joined(separator: "\n")
                        summary.editEvents.append(EditEvent(
                            tool: .gemini, session: session, time: LogTime.parse(call["timestamp"]) ?? LogTime.parse(record["timestamp"]),
                            path: file, lines: AddedLine.hashes(ofText: text)))
                    }
                case "run_shell_command":
                    guard let command = arguments["command"] as? String, GitSummaryLine.makesCommits(command) else { continue }
                    let time = LogTime.parse(call["timestamp"]) ?? LogTime.parse(record["timestamp"])
                    for sha in GitSummaryLine.commits(in: Self.strings(in: call["result"]).joined(separator: "\n")) {
                        summary.claims.append(CommitClaim(tool: .gemini, session: session, time: time, sha: sha, kind: .committed,
                                                          folder: nil, projectHash: projectHash, sessionEdited: edited))
                    }
                default: continue
                }
            }
        }

        /// Every string in a result, however it nests (`Output: …`, function responses).
        static func strings(in value: Any?) -> [String] {
            switch value {
            case let text as String: return [text]
            case let list as [Any]: return list.flatMap { strings(in: $0) }
            case let object as [String: Any]: return object.keys.sorted().flatMap { strings(in: object[$0]) }
            default: return []
            }
        }
    }
}
