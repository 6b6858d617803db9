import Foundation
import GRDB
import Testing

/// Cursor's AI code tracking database as `census scan --session-logs` reads
/// it: the tool's own per-commit record of the lines its agent and its
/// completions added to a commit a person made.
@Suite("Cursor's tracking database: a person's commit with Cursor's lines is attested, assisted")
struct CursorTrackingTests {
    static let secret = "CURSOR-PROMPT-AND-CODE-NEVER-STORED"

    @Test("composer or tab lines make it AI (assisted, attested); human-only lines, a short id of another branch and other projects do not; nothing else is read")
    func scoredCommits() throws {
        let repo = try TemporaryGitRepository()
        let base = 1_780_000_000
        var shas: [String] = []
        for index in 0..<5 {
            // Commit 1 adds twenty lines, of which Cursor's agent wrote twelve.
            let content = index == 1 ? (1...20).map { "let value\($0) = \($0)" }.joined(separator: "\n") + "\n" : nil
            shas.append(try repo.commit("change \(index)", author: ("Jane Roe", "jane@corp.example"), date: "@\(base + index * 3600) +0000",
                                        file: index == 1 ? "src/values.swift" : "file.txt", content: content))
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("census-cursor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent(".cursor/ai-tracking")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The layout of a live database, with the tables census must never read.
        let database = try DatabaseQueue(path: folder.appendingPathComponent("ai-code-tracking.db").path)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE scored_commits (commitHash TEXT, branchName TEXT, scoredAt INTEGER, linesAdded INTEGER, linesDeleted INTEGER,
                    tabLinesAdded INTEGER, tabLinesDeleted INTEGER, composerLinesAdded INTEGER, composerLinesDeleted INTEGER,
                    humanLinesAdded INTEGER, humanLinesDeleted INTEGER, commitMessage TEXT, commitDate TEXT,
                    PRIMARY KEY (commitHash, branchName));
                CREATE TABLE tracked_file_content (gitPath TEXT, content TEXT);
                """)
            try db.execute(sql: "INSERT INTO tracked_file_content VALUES ('src/a.swift', ?)", arguments: [Self.secret])
            // 1: Composer's lines (full id); 2: Tab's only (short id on main); 3: a person's lines only;
            // 4: a short id recorded on a branch this repository does not have; 0: not scored.
            let rows: [(String, String, Int, Int, Int)] = [
                (shas[1], "main", 0, 12, 2), (String(shas[2].prefix(8)), "main", 5, 0, 1),
                (shas[3], "main", 0, 0, 9), (String(shas[4].prefix(8)), "feature/elsewhere", 0, 7, 0),
                ("0123456789abcdef0123456789abcdef01234567", "main", 0, 4, 0),
            ]
            for (hash, branch, tab, composer, human) in rows {
                try db.execute(sql: """
                    INSERT INTO scored_commits (commitHash, branchName, scoredAt, tabLinesAdded, composerLinesAdded, humanLinesAdded, commitMessage)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [hash, branch, (base + 7200) * 1000, tab, composer, human, Self.secret])
            }
        }
        let db = home.appendingPathComponent("census.sqlite").path
        let environment = ["HOME": home.path, "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": ""]
        let scan = try CensusCLI.run(["scan", "--session-logs", "--lines", "--db", db, repo.path], environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try CensusCLI.commitsBySHA(db, environment: environment)
        for index in [1, 2] {
            let row = try #require(rows[shas[index]])
            #expect(row["class"] as? String == "ai" && row["tools"] as? [String] == ["cursor"], "commit \(index): \(row)")
            #expect(row["confidence"] as? String == "attested" && row["mode"] as? String == "assisted", "commit \(index)")
        }
        #expect((rows[shas[1]]?["evidence"] as? [String])?.contains("session-log: cursor scored 12 agent + 0 completion lines [session-edits.cursor]") == true,
                "\(rows[shas[1]] ?? [:])")
        for index in [0, 3, 4] { #expect(rows[shas[index]]?["class"] as? String == "human", "commit \(index)") }

        // The line share takes Cursor's count: 12 of commit 1's 20 lines, and commit 2's one line (Tab wrote 5, it added 1),
        // against the 8 others of commit 1 and one each of commits 0, 3 and 4.
        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"], environment: environment)
        let share = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["ai_share"] as? [String: Any]
        #expect(abs((share?["lines"] as? Double ?? 0) - 13.0 / 24.0) < 1e-9, "\(String(describing: share))")
        let sources = try CensusCLI.run(["evidence", "--db", db, "--format", "json"], environment: environment)
        #expect(sources.stdout.contains("\"tool\" : \"cursor\""), "\(sources.stdout)")
        for file in [db, db + "-wal"] where FileManager.default.fileExists(atPath: file) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(Self.secret.utf8)) == nil, "\(file)")
        }
    }
}
