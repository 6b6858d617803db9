import Foundation
import Testing

/// Entire's checkpoints (entireio/cli): the `Entire-Checkpoint` trailer of a
/// commit names a checkpoint kept in the repository — on the
/// `entire/checkpoints/v1` branch or as a `refs/entire/checkpoints/…` ref —
/// whose metadata names the agent.
@Suite("Entire: a commit's checkpoint in the repository attests the agent its trailer stands for")
struct EntireCheckpointTests {
    /// Commits `files` as a tree of their own (not on any branch's history) and points `ref` at it.
    static func storeTree(_ files: [String: String], at ref: String, in repo: TemporaryGitRepository, parent: String? = nil) throws {
        let index = repo.root.appendingPathComponent(".git/census-test-index").path
        defer { try? FileManager.default.removeItem(atPath: index) }
        for (path, content) in files {
            let scratch = repo.root.appendingPathComponent(".git/census-test-blob")
            try content.write(to: scratch, atomically: true, encoding: .utf8)
            let blob = try repo.git(["hash-object", "-w", scratch.path]).trimmingCharacters(in: .whitespacesAndNewlines)
            try repo.git(["update-index", "--add", "--cacheinfo", "100644,\(blob),\(path)"], environment: ["GIT_INDEX_FILE": index])
        }
        let tree = try repo.git(["write-tree"], environment: ["GIT_INDEX_FILE": index]).trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try repo.git(["commit-tree", tree, "-m", "Checkpoint"] + (parent.map { ["-p", $0] } ?? []))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", ref, commit])
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("a checkpoint on the v1 branch or under refs/entire names the tool; without one the trailer stays inferred; no prompt is stored",
          arguments: Backend.allCases)
    func checkpoints(_ backend: Backend) throws {
        let folder = try TemporaryFolder.make(prefix: "census-entire")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        let person = ("Jane Roe", "jane@corp.example")
        let onBranch = try repo.commit("Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7", author: person)
        let ulid = "01KVBJCWYA4YW6J5M9GP655HZN"
        let inRef = try repo.commit("Fix the form\n\nEntire-Checkpoint: \(ulid)", author: person)
        let missing = try repo.commit("Tidy\n\nEntire-Checkpoint: 0123456789ab", author: person)
        let hostile = try repo.commit("Odd\n\nEntire-Checkpoint: ../../a3b2c4d5e6f7", author: person)
        let plain = try repo.commit("Plain change", author: person)
        // The git-branch store's older layout: the agent in the checkpoint's own metadata.json.
        try Self.storeTree([
            "a3/b2c4d5e6f7/metadata.json": Self.json(["checkpoint_id": "a3b2c4d5e6f7", "agent": "Claude Code", "session_id": "s-1"]),
            "a3/b2c4d5e6f7/prompt.txt": "PROMPT-SECRET-4711 do not store me",
            "a3/b2c4d5e6f7/full.jsonl": "{\"type\":\"user\",\"message\":\"PROMPT-SECRET-4711\"}\n",
        ], at: "refs/heads/entire/checkpoints/v1", in: repo)
        // The git-refs store: the tree is the checkpoint; the agent in the session's metadata.
        try Self.storeTree([
            "metadata.json": Self.json(["checkpoint_id": ulid, "sessions": [["metadata": "/0/metadata.json"]]]),
            "0/metadata.json": Self.json(["checkpoint_id": ulid, "agent": "Gemini CLI", "session_id": "s-2"]),
        ], at: "refs/entire/checkpoints/ZN/\(ulid)", in: repo)

        let db = try backend.store(in: folder)
        let scan = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try CensusCLI.commitsBySHA(db)
        for (sha, tool) in [(onBranch, "claude-code"), (inRef, "gemini")] {
            let row = try #require(rows[sha])
            #expect(row["class"] as? String == "ai" && row["tools"] as? [String] == [tool] && row["confidence"] as? String == "attested", "\(row)")
        }
        #expect((rows[onBranch]?["evidence"] as? [String])?.contains { $0.contains("entire checkpoint a3b2c4d5e6f7: agent Claude Code") } == true,
                "\(rows[onBranch] ?? [:])")
        for sha in [missing, hostile] {
            let row = try #require(rows[sha])
            #expect(row["class"] as? String == "ai" && row["tools"] as? [String] == ["entire"] && row["confidence"] as? String == "inferred", "\(row)")
        }
        #expect(rows[plain]?["class"] as? String == "human")
        // Only metadata is read: the store holds no prompt or transcript text.
        if backend == .sqlite {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
            #expect(bytes.range(of: Data("PROMPT-SECRET-4711".utf8)) == nil)
        }
        // explain on a store that never scanned it tells the same story.
        let explained = try CensusCLI.run(["explain", "--db", folder.appendingPathComponent("empty.sqlite").path, "--repo", repo.path, inRef])
        #expect(explained.stdout.contains("tools: gemini") && explained.stdout.contains("agent Gemini CLI"), "\(explained.stdout)\(explained.stderr)")
    }

    @Test("checkpoints fetched after their commits were scanned are read at the next scan, HEAD moved or not",
          arguments: Backend.allCases)
    func lateCheckpoints(_ backend: Backend) throws {
        let folder = try TemporaryFolder.make(prefix: "census-entire-late")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        let person = ("Jane Roe", "jane@corp.example")
        let ulid = "01KVBJCWYA4YW6J5M9GP655HZN"
        let first = try repo.commit("Fix the form\n\nEntire-Checkpoint: \(ulid)", author: person)
        let second = try repo.commit("Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7", author: person)
        let db = try backend.store(in: folder)
        func tools() throws -> [String: [String]] {
            #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
            return try CensusCLI.commitsBySHA(db).mapValues { $0["tools"] as? [String] ?? [] }
        }
        #expect(try tools() == [first: ["entire"], second: ["entire"]])
        // Only the git-refs store arrives (its refs are fetched by an explicit refspec); HEAD has not moved.
        try Self.storeTree(["0/metadata.json": Self.json(["agent": "Gemini CLI"])], at: "refs/entire/checkpoints/ZN/\(ulid)", in: repo)
        #expect(try tools() == [first: ["gemini"], second: ["entire"]])
        // A new commit and the branch store arrive together: the incremental walk's commits and the stored one.
        let third = try repo.commit("More\n\nEntire-Checkpoint: b0b1b2b3b4b5", author: person)
        try Self.storeTree([
            "a3/b2c4d5e6f7/metadata.json": Self.json(["agent": "Codex"]),
            "b0/b1b2b3b4b5/metadata.json": Self.json(["agent": "Claude Code"]),
        ], at: "refs/remotes/origin/entire/checkpoints/v1", in: repo)
        #expect(try tools() == [first: ["gemini"], second: ["codex"], third: ["claude-code"]])
        // Nothing changed: every verdict stays as it is.
        let before = try CensusCLI.commitsBySHA(db)
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        #expect(NSDictionary(dictionary: try CensusCLI.commitsBySHA(db)).isEqual(to: before), "a rescan changed a verdict")
    }
}
