import Foundation
internal import GRDB

/// Cursor's AI code tracking database (`~/.cursor/ai-tracking/ai-code-tracking.db`):
/// `scored_commits` holds, per commit made in Cursor, the lines its agent
/// (Composer) and its completions (Tab) added. Opened read-only, only the
/// columns census needs selected by name — never `commitMessage`, and never
/// the tables that hold code (`tracked_file_content`) or conversations.
/// The layout is undocumented and varies by version: a database without
/// the columns is read as holding nothing.
enum CursorTracking {
    static let needed = ["commitHash", "branchName", "scoredAt", "tabLinesAdded", "composerLinesAdded"]

    static func read(database path: String) -> SessionLogSummary {
        var summary = SessionLogSummary(tool: .cursor, location: path)
        do {
            let rows = try SessionLogs.readOnly(path) { db -> [Row] in
                let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(scored_commits)").map { $0["name"] as String })
                guard needed.allSatisfy(columns.contains) else { return [] }
                return try Row.fetchAll(db, sql: "SELECT commitHash, branchName, scoredAt, tabLinesAdded, composerLinesAdded FROM scored_commits")
            }
            for row in rows { add(row, to: &summary) }
            return summary.finishFile(skipped: 0, sessions: 0)
        } catch {
            return summary.finishFile(skipped: nil, sessions: 0)
        }
    }

    /// A scored commit with AI lines is a claim: the person's commit, with what the tool wrote of it.
    private static func add(_ row: Row, to summary: inout SessionLogSummary) {
        let tab = (row[3] as Int?) ?? 0
        let composer = (row[4] as Int?) ?? 0
        guard let hash = (row[0] as String?)?.lowercased(), hash.count >= 7, hash.allSatisfy(\.isHexDigit) else { return }
        let scored = (row[2] as Int64?).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        summary.saw(scored)
        guard tab + composer > 0 else { return }
        summary.claims.append(CommitClaim(
            tool: .cursor, session: "cursor scored \(hash)", time: scored, sha: hash, kind: .scored, folder: nil, projectHash: nil,
            sessionEdited: true, branch: row[1], agentLines: composer, completionLines: tab))
    }
}
