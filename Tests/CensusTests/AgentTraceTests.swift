import Foundation
import Testing

/// Agent Trace records committed in the repository (`.agent-trace/traces.jsonl`,
/// agent-trace.dev RFC 0.1.0) as a scan and `census explain` read them.
@Suite("Agent Trace: records in the repository attest the commits whose lines an AI wrote")
struct AgentTraceTests {
    static func record(_ revision: String, tool: String, contributor: String, lines: ClosedRange<Int>) -> String {
        let object: [String: Any] = [
            "version": "0.1.0", "id": UUID().uuidString, "timestamp": "2026-06-01T10:00:00Z",
            "vcs": ["type": "git", "revision": revision], "tool": ["name": tool, "version": "1.0"],
            "files": [["path": "src/a.swift", "conversations": [[
                "url": "https://example.invalid/c/1", "contributor": ["type": contributor, "model_id": "some-model"],
                "ranges": [["start_line": lines.lowerBound, "end_line": lines.upperBound, "content_hash": "h"]],
            ]]]],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("ai and mixed contributors attest their commit with the record's tool; a human one, an unknown id and a broken line do not",
          arguments: Backend.allCases)
    func tracedCommits(_ backend: Backend) throws {
        let folder = try TemporaryFolder.make(prefix: "census-agent-trace")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        var shas: [String] = []
        for index in 0..<4 { shas.append(try repo.commit("change \(index)", author: ("Jane Roe", "jane@corp.example"))) }
        let records = [
            Self.record(shas[1], tool: "cursor", contributor: "ai", lines: 1...12),
            Self.record(String(shas[2].prefix(10)), tool: "Claude Code", contributor: "mixed", lines: 3...4),
            Self.record(shas[3], tool: "cursor", contributor: "human", lines: 1...5),
            Self.record(String(repeating: "e", count: 40), tool: "cursor", contributor: "ai", lines: 1...2),
            "{ not a record",
        ]
        let traces = try repo.commit("record traces", author: ("Jane Roe", "jane@corp.example"), file: ".agent-trace/traces.jsonl",
                                     content: records.joined(separator: "\n") + "\n")
        // A record kept as a note of the commit it traces (refs/notes/agent-trace), as some tools keep them.
        try repo.git(["notes", "--ref", "agent-trace", "add", "-m", Self.record(shas[0], tool: "amp", contributor: "ai", lines: 1...3), shas[0]])
        let db = try backend.store(in: folder)
        let scan = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try CensusCLI.commitsBySHA(db)
        for (index, tool) in [(1, "cursor"), (2, "claude-code")] {
            let row = try #require(rows[shas[index]])
            #expect(row["class"] as? String == "ai" && row["tools"] as? [String] == [tool], "commit \(index): \(row)")
            #expect(row["confidence"] as? String == "attested" && row["mode"] as? String == "assisted", "commit \(index)")
        }
        #expect((rows[shas[1]]?["evidence"] as? [String])?.contains("agent-trace: cursor: 12 lines ai [agent-trace]") == true, "\(rows[shas[1]] ?? [:])")
        let noted = try #require(rows[shas[0]])
        #expect(noted["class"] as? String == "ai" && noted["tools"] as? [String] == ["amp"], "\(noted)")
        for sha in [shas[3], traces] { #expect(rows[sha]?["class"] as? String == "human") }

        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"])
        let share = try #require((try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["ai_share"] as? [String: Any])
        let bySource = (share["by_source"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { $0[$1["source"] as? String ?? ""] = $1["commits"] as? Int }
        #expect(bySource["agent-trace"] == 3, "\(bySource)")
        // A rescan changes nothing; explain on a clone that was never scanned tells the same story.
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        #expect(NSDictionary(dictionary: try CensusCLI.commitsBySHA(db)).isEqual(to: rows), "a rescan changed a verdict")
        let explained = try CensusCLI.run(["explain", "--db", folder.appendingPathComponent("empty.sqlite").path, "--repo", repo.path, shas[1]])
        #expect(explained.stdout.contains("verdict ai, attested, assisted — tools: cursor") && explained.stdout.contains("matched: cursor: 12 lines ai"), "\(explained.stdout)\(explained.stderr)")
    }
}
