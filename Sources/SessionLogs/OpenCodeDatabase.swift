import Foundation
internal import GRDB

/// OpenCode's sessions (v1.2 and later): the SQLite database
/// `$XDG_DATA_HOME/opencode/opencode.db` (default `~/.local/share/opencode`).
/// A `session` row names the folder it worked in (`directory`); each tool
/// call is a `part` row whose `data` JSON is `{type: "tool", tool, state:
/// {status, input, output, time}}`. A commit claim is a completed `bash`
/// call running git to make a commit, with git's summary line in its
/// output; edits are the `edit`, `write` and `patch` calls. Opened
/// read-only; only tool parts are selected, and nothing of them is kept but
/// claims and hashed added lines. A database without these tables and
/// columns is read as holding nothing.
enum OpenCodeDatabase {
    static let shellTools: Set<String> = ["bash", "shell"]
    static let editTools: Set<String> = ["edit", "write", "patch", "multiedit"]

    static func read(database path: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .opencode, location: path)
        do {
            let sessions = try SessionLogs.readOnly(path) { db -> Int in
                guard try hasLayout(db) else { return 0 }
                var state = SessionState()
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT p.session_id, p.time_created, p.data, s.directory FROM part p JOIN session s ON s.id = p.session_id
                    WHERE p.data LIKE '%"type":"tool"%' ORDER BY p.session_id, p.time_created, p.id
                    """)
                while let row = try rows.next() { add(row, state: &state, to: &summary) }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session") ?? 0
            }
            return summary.finishFile(skipped: 0, sessions: sessions)
        } catch {
            return summary.finishFile(skipped: nil, sessions: 0)
        }
    }

    /// The tables and columns read, as OpenCode's schema names them.
    private static func hasLayout(_ db: Database) throws -> Bool {
        func columns(_ table: String) throws -> Set<String> {
            Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
        }
        return try ["session_id", "time_created", "data"].allSatisfy(columns("part").contains)
            && ["id", "directory"].allSatisfy(columns("session").contains)
    }

    /// Whether the session being read has edited a file yet.
    private struct SessionState {
        var session = ""
        var edited = false
    }

    private static func add(_ row: Row, state: inout SessionState, to summary: inout SessionLogSummary) {
        let session: String = row[0] ?? ""
        if session != state.session { state = SessionState(session: session) }
        guard let text = row[2] as String?, let part = LineReader.object(Data(text.utf8)), part["type"] as? String == "tool",
              let tool = part["tool"] as? String, let call = part["state"] as? [String: Any],
              call["status"] as? String == "completed" else { return }
        let input = call["input"] as? [String: Any] ?? [:]
        let ended = ((call["time"] as? [String: Any])?["end"] as? Double) ?? (row[1] as Double?)
        let time = ended.map { Date(timeIntervalSince1970: $0 / 1000) }
        summary.saw(time)
        if editTools.contains(tool) {
            summary.edits += 1
            state.edited = true
            if let file = input["filePath"] as? String {
                let written = input["newString"] as? String ?? input["content"] as? String ?? ""
                summary.editEvents.append(EditEvent(tool: .opencode, session: session, time: time, path: file,
                                                    lines: AddedLine.hashes(ofText: written)))
            }
        } else if shellTools.contains(tool), let command = input["command"] as? String, GitSummaryLine.makesCommits(command) {
            for sha in GitSummaryLine.commits(in: call["output"] as? String ?? "") {
                summary.claims.append(CommitClaim(tool: .opencode, session: session, time: time, sha: sha, kind: .committed,
                                                  folder: row[3], projectHash: nil, sessionEdited: state.edited))
            }
        }
    }
}

extension SessionLogs {
    /// Reads a tool's SQLite database without a chance of writing to it.
    static func readOnly<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            try db.execute(sql: "PRAGMA query_only = 1")
            return try body(db)
        }
    }
}
