import Attribution
@testable import CensusKit
import CensusStore
import Foundation
import GitHistory
import Testing

/// A commit that only a merge of an AI tool's branch brought in is attributed
/// with that branch's evidence as it is first stored — the walks read a merge
/// before what it brought in — and `census explain` derives the same verdict.
@Suite("AI branches: evidence known before a verdict is stored")
struct BranchEvidenceTests {
    let folder: URL
    let store: SQLiteStore
    let scanner: HistoryScanner
    let classifier: Classifier

    init() throws {
        folder = try TemporaryFolder.make(prefix: "census-branches")
        store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        classifier = Classifier(catalogue: try Catalogue.bundled())
        scanner = HistoryScanner(store: store, classifier: classifier)
    }

    /// Stored verdicts by subject.
    func stored(_ repo: TemporaryGitRepository) throws -> [String: Verdict] {
        let shas = try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init)
        let id = try #require(try store.repositories().first?.id)
        return Dictionary(uniqueKeysWithValues: try store.commits(repositoryID: id, shas: shas).map { ($0.subject, $0.verdict) })
    }

    /// `census explain`'s verdict (the attributing stage run live) is the stored one, for every commit HEAD reaches.
    func expectExplainAgrees(_ repo: TemporaryGitRepository) throws {
        for sha in try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init) {
            let live = try LiveVerdict.derive(sha, inRepositoryAt: repo.path, classifier: classifier)
            let record = try #require(try store.commits(repositoryID: 1, shas: [sha]).first)
            #expect(live.verdict == record.verdict, "\(record.subject)")
        }
    }

    /// `root` on main, then Claude Code's branch `claude/feature` with `ai one` and `ai two`, checked out.
    static func claudeFeatureBranch() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        try repo.commit("root")
        try repo.git(["checkout", "-q", "-b", "claude/feature"])
        try repo.commit("ai one", file: "ai.txt")
        try repo.commit("ai two", file: "ai.txt")
        return repo
    }

    static func fromClaudeBranch(_ verdict: Verdict?) -> Bool {
        verdict?.evidence.contains { $0.rule == "claude-code.branch" } == true && verdict?.commitClass == .ai
    }

    @Test("a wide history, with and without a commit-graph, then an incremental scan: every brought-in commit has the evidence, none added after storing",
          arguments: [false, true])
    func inStream(commitGraph: Bool) throws {
        let repo = try TemporaryGitRepository()
        // Every third of 300 topic branches (two readers start after 512 commits) is Claude Code's.
        try repo.fastImportMerges(topics: 300, length: 4) { $0 % 3 == 0 ? "claude/topic-\($0)" : "topic\($0)" }
        if commitGraph { try repo.git(["commit-graph", "write", "--reachable"]) }
        let first = try scanner.scan(repositoryAt: repo.path)
        #expect(first.newCommits == 1 + 300 * 6)
        #expect(first.branchEvidenceAfterStoring == 0)
        let verdicts = try stored(repo)
        for topic in 1...300 {
            for step in 1...4 {
                let verdict = verdicts["topic \(topic) step \(step)"]
                #expect(Self.fromClaudeBranch(verdict) == (topic % 3 == 0), "topic \(topic) step \(step): \(String(describing: verdict))")
            }
            #expect(verdicts["main \(topic)"]?.commitClass == .human)
        }

        // A later branch, merged after the scan: the incremental walk reads its merge first too.
        try repo.git(["checkout", "-q", "-b", "claude/late"])
        try repo.commit("late one", file: "late.txt")
        try repo.commit("late two", file: "late.txt")
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("main moves on")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'claude/late'", "claude/late"])
        let next = try scanner.scan(repositoryAt: repo.path)
        #expect(next.newCommits == 4)
        #expect(next.branchEvidenceAfterStoring == 0)
        let after = try stored(repo)
        #expect(Self.fromClaudeBranch(after["late one"]) && Self.fromClaudeBranch(after["late two"]))
        #expect(after["main moves on"]?.commitClass == .human)
    }

    @Test("a commit is read after all its children — with git's commit-graph, or one built from packed or loose commits — so commits also reachable through a later merge of a person's branch get the AI branch's evidence as they are stored, none after",
          arguments: ["commit-graph", "pack", "loose"])
    func mergesFirst(objects: String) throws {
        let repo = try TemporaryGitRepository()
        // The follow-ups are merged 80 main commits later: a reader's run of first parents holds at most 64.
        try repo.fastImportMerges(topics: 40, length: 4, branch: { "claude/topic-\($0)" }, followUpAfter: 80)
        if objects == "commit-graph" { try repo.git(["commit-graph", "write", "--reachable"]) }
        if objects == "loose" { try repo.unpackObjects() }
        let outcome = try scanner.scan(repositoryAt: repo.path)
        #expect(outcome.branchEvidenceAfterStoring == 0)
        let verdicts = try stored(repo)
        for topic in 1...40 {
            for step in 1...4 { #expect(Self.fromClaudeBranch(verdicts["topic \(topic) step \(step)"]), "topic \(topic) step \(step)") }
            #expect(verdicts["follow-up \(topic)"]?.commitClass == .human)
        }
    }

    @Test("an AI branch scanned while checked out, merged since: the next scan gives the commits an earlier scan stored the branch's evidence, and explain agrees")
    func branchStoredByAnEarlierScan() throws {
        let repo = try Self.claudeFeatureBranch()
        let first = try scanner.scan(repositoryAt: repo.path)
        #expect(first.newCommits == 3)
        #expect(try stored(repo)["ai one"]?.commitClass == .human)

        try repo.git(["checkout", "-q", "main"])
        try repo.commit("main one")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'claude/feature'", "claude/feature"])
        let next = try scanner.scan(repositoryAt: repo.path)
        #expect(next.branchEvidenceAfterStoring == 2)
        let verdicts = try stored(repo)
        #expect(Self.fromClaudeBranch(verdicts["ai one"]) && Self.fromClaudeBranch(verdicts["ai two"]))
        #expect(verdicts["main one"]?.commitClass == .human && verdicts["root"]?.commitClass == .human)
        try expectExplainAgrees(repo)
    }

    @Test("a commit also reachable through a person's branch forked from the AI branch: stored with the evidence either way; explain agrees on every commit, with .mailmap, notes and trailers")
    func reachableTwoWays() throws {
        let repo = try Self.claudeFeatureBranch()
        try repo.git(["checkout", "-q", "-b", "follow-up"])
        try repo.commit("person builds on it", file: "person.txt")
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("main one")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'claude/feature'", "claude/feature"])
        try repo.commit("main two")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'follow-up'", "follow-up"])
        // A .mailmap that renames the person, a note that attests one commit, a trailer on another.
        try repo.commit("Add mailmap", file: ".mailmap", content: "Real Name <real@example.com> Test Person <test@example.com>\n")
        let noted = try repo.commit("noted change", file: "src/main.rs")
        try repo.git(["notes", "--ref=ai", "add", "-m", NotesTests.note, noted])
        try repo.commit("trailer change\n\nCo-Authored-By: Claude <noreply@anthropic.com>", file: "t.txt")
        _ = try scanner.scan(repositoryAt: repo.path)
        let verdicts = try stored(repo)
        #expect(Self.fromClaudeBranch(verdicts["ai one"]) && Self.fromClaudeBranch(verdicts["ai two"]))
        #expect(verdicts["person builds on it"]?.commitClass == .human)
        try expectExplainAgrees(repo)
        #expect(verdicts["noted change"]?.evidence.contains { $0.kind == .notes } == true)
        #expect(verdicts["trailer change"]?.person == Person(name: "Real Name", email: "real@example.com"))
    }
}
