import Foundation
import GitHistory
import Testing

/// A repository's adoption of AI tools: the commit that added an agent
/// configuration file, found as `git log --diff-filter=A` would, shown by
/// `census repos` and the report, never a commit's verdict.
@Suite("Repository adoption: the commit that added an agent configuration file")
struct AdoptionTests {
    @Test("found on the mainline, through the branch that brought it, after a removal, in a folder; none without a file")
    func commitThatAdded() throws {
        let repo = try TemporaryGitRepository()
        _ = try repo.commit("start")
        let paths = ["CLAUDE.md", "AGENTS.md", ".cursor/rules"]
        let repository = try Repository(at: repo.path)
        #expect(try repository.commitThatAdded(anyOf: paths, from: try repository.resolve("HEAD")) == nil)

        // A branch adds AGENTS.md; the mainline moves on, then merges it.
        try repo.git(["checkout", "-q", "-b", "agents"])
        let added = try repo.commit("add agent instructions", file: "AGENTS.md", content: "Run the tests.\n")
        _ = try repo.commit("more on the branch")
        try repo.git(["checkout", "-q", "main"])
        _ = try repo.commit("mainline work", file: "other.txt")
        try repo.git(["merge", "-q", "--no-ff", "--no-edit", "agents"])
        _ = try repo.commit("after the merge")
        var found = try #require(try Repository(at: repo.path).commitThatAdded(anyOf: paths, from: try repository.resolve("HEAD")))
        #expect(found.commit.id.hex == added && found.paths == ["AGENTS.md"])
        #expect(try Shell.capture("/usr/bin/git", ["-C", repo.path, "log", "--diff-filter=A", "--format=%H", "--", "AGENTS.md"]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines) == added)

        // Removed, then a rules folder added: the folder's commit dates it now.
        try repo.git(["rm", "-q", "AGENTS.md"])
        try repo.git(["commit", "-q", "-m", "drop it"])
        let rules = try repo.commit("cursor rules", file: ".cursor/rules/style.mdc", content: "Be brief.\n")
        _ = try repo.commit("later", file: "CLAUDE.md", content: "# Notes\n")
        found = try #require(try Repository(at: repo.path).commitThatAdded(anyOf: paths, from: try Repository(at: repo.path).resolve("HEAD")))
        #expect(found.commit.id.hex == rules && found.paths == [".cursor/rules"])
    }

    @Test("census repos, the report and census copy show the adoption; a repository without a file shows none", arguments: Backend.allCases)
    func shownEverywhere(_ backend: Backend) throws {
        let folder = try TemporaryFolder.make(prefix: "census-adoption")
        defer { try? FileManager.default.removeItem(at: folder) }
        let adopted = try TemporaryGitRepository()
        _ = try adopted.commit("start")
        let added = try adopted.commit("conventions for Claude", date: "@1760000000 +0000", file: "CLAUDE.md", content: "Use tabs.\n")
        _ = try adopted.commit("work")
        let plain = try TemporaryGitRepository()
        _ = try plain.commit("start")
        let db = try backend.store(in: folder)
        for path in [adopted.path, plain.path] { #expect(try CensusCLI.run(["scan", "--db", db, path]).status == 0) }

        let listed = try CensusCLI.run(["repos", "--db", db, "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as? String ?? "", $0) })
        let entry = try #require(byPath[adopted.root.resolvingSymlinksInPath().path])
        #expect(entry["adopted_at"] as? String == "2025-10-09T08:53:20Z" && entry["adoption_commit"] as? String == added)
        #expect(entry["adoption_files"] as? [String] == ["CLAUDE.md"])
        #expect(byPath[plain.root.resolvingSymlinksInPath().path]?["adopted_at"] == nil)
        #expect(try CensusCLI.run(["repos", "--db", db]).stdout.contains("2025-10-09"))

        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let repositories = try #require(figures["by_repository"] as? [[String: Any]])
        #expect(repositories.compactMap { $0["adopted_at"] as? String } == ["2025-10-09T08:53:20Z"], "\(repositories)")
        let one = try CensusCLI.run(["report", "--db", db, "--repo", adopted.path])
        #expect(one.stdout.contains("AI tools adopted: 2025-10-09, when CLAUDE.md came in (commit \(added.prefix(12)))"), "\(one.stdout)")
        // The adoption is no verdict: the commit that added CLAUDE.md stays a person's.
        let commit = try CensusCLI.run(["explain", "--db", db, "--repo", adopted.path, added])
        #expect(commit.stdout.contains("human"), "\(commit.stdout)")

        let copy = folder.appendingPathComponent("copy.sqlite").path
        #expect(try CensusCLI.run(["copy", "--from", db, "--to", copy]).status == 0)
        let copied = try CensusCLI.run(["repos", "--db", copy, "--format", "json"])
        #expect(copied.stdout.contains("\"adoption_commit\" : \"\(added)\""), "\(copied.stdout)")
    }
}
