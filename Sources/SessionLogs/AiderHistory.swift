import Foundation

/// aider's `.aider.chat.history.md` in a repository's root: each run starts
/// `# aider chat started at <local time>`, the person's lines start `#### `,
/// aider's own lines are quotes (`> Applied edit to path`, `> Commit d89eeff
/// subject`, `> Removed: d89eeff …` after `/undo`). A commit after an applied
/// edit of the same reply is the agent's; one before any edit (a dirty
/// commit) or after `/commit` holds the person's changes (`aider/base_coder.py`).
enum AiderHistory {
    static func read(file: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .aider, location: file)
        var session = ""
        var editsSinceUser = 0
        var committingPersonsChanges = false
        let repository = (file as NSString).deletingLastPathComponent
        let skipped = LineReader.forEachLine(of: file) { bytes in
            let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# aider chat started at ") {
                let started = startTime(String(line.dropFirst(24)))
                session = "aider \(line.dropFirst(24))"
                summary.sessions += 1
                summary.saw(started)
                editsSinceUser = 0
            } else if line.hasPrefix("#### ") {
                editsSinceUser = 0
                committingPersonsChanges = line.hasPrefix("#### /commit")
            } else if line.hasPrefix("> Applied edit to ") {
                editsSinceUser += 1
                summary.edits += 1
            } else if line.hasPrefix("> Commit "), let sha = line.dropFirst(9).split(separator: " ").first,
                      sha.count >= 7, sha.allSatisfy(\.isHexDigit) {
                let agents = editsSinceUser > 0 && !committingPersonsChanges
                summary.claims.append(CommitClaim(
                    tool: .aider, session: session, time: nil, sha: sha.lowercased(),
                    kind: agents ? .committed : .personsChanges, folder: repository, projectHash: nil,
                    sessionEdited: editsSinceUser > 0))
            } else if line.hasPrefix("> Removed: "), let sha = line.dropFirst(11).split(separator: " ").first {
                summary.claims.removeAll { $0.sha == sha.lowercased() }
            }
        }
        return summary.finishFile(skipped: skipped, sessions: summary.sessions)
    }

    /// `2024-08-05 19:33:32`, the machine's local time.
    static func startTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text)
    }
}
