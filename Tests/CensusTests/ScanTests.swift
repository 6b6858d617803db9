import Attribution
@testable import CensusKit
import CensusStore
import Foundation
import GitHistory
import Synchronization
import Testing

@Suite("HistoryScanner: real repositories into a real store")
struct ScanTests {
    @Test("progress: an estimated total is shown rounded and dropped once passed; an exact one as it is")
    func progressLine() {
        var commits = ScanProgress(path: "repo", phase: "commits", done: 2500, elapsed: 0.5, total: 85361, totalIsEstimate: true)
        #expect(commits.line == "repo: commits 2500 of about 85400 (5000/s, about 17 s left)")
        commits.done = 90000
        commits.elapsed = 18
        #expect(commits.line == "repo: commits 90000 (5000/s)")
        let lines = ScanProgress(path: "repo", phase: "lines", done: 100, elapsed: 2, total: 400)
        #expect(lines.line == "repo: lines 100/400 (50/s, about 6 s left)")
        let long = ScanProgress(path: "linux", phase: "commits", done: 1000, elapsed: 10, total: 1_300_000, totalIsEstimate: true)
        #expect(long.line == "linux: commits 1000 of about 1300000 (100/s, about 3 h 36 min left)")
    }

    let folder: URL
    let store: SQLiteStore
    let scanner: HistoryScanner

    init() throws {
        folder = try TemporaryFolder.make(prefix: "census-scan")
        store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        scanner = HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled()))
    }

    func storedCount(_ path: String) throws -> Int {
        let ids = try store.repositories(under: path).compactMap(\.id)
        return try store.tally(CommitFilter(repositoryIDs: ids)).commits + (try store.tally(CommitFilter(repositoryIDs: ids)).merges)
    }

    /// The sample repository's documented verdicts (samples/README.md).
    static let sampleExpectations: [String: (String, [String], String?)] = [
        "Initial commit": ("human", [], nil),
        "Write README": ("human", [], nil),
        "Fix typo in docs": ("human", [], nil),
        "Bump lodash from 4.17.20 to 4.17.21": ("bot", [], nil),
        "Add tokenizer": ("ai", ["claude-code"], "attested"),
        "Fix flaky test": ("human", [], nil),
        "chore(deps): update actions/checkout action to v4": ("bot", [], nil),
        "aider: Add retry to HTTP client": ("ai", ["aider"], "attested"),
        "Initial plan": ("ai", ["copilot"], "attested"),
        "Add pagination to list endpoint": ("ai", ["copilot"], "attested"),
        "Add emoji reactions to task messages": ("ai", ["cursor"], "attested"),
        "Update generated API docs": ("bot", [], nil),
        "Handle empty config file": ("ai", ["aider"], "attested"),
        "Add CSV export": ("ai", ["codex"], "attested"),
        "Fix task output import": ("ai", ["devin"], "attested"),
        "Add unit tests for the scheduler": ("ai", ["jules"], "attested"),
        "Apply review suggestion": ("ai", ["gemini"], "attested"),
        "Fix race in worker pool": ("ai", ["claude-code"], "attested"),
        "Fix lint errors": ("ai", ["openhands"], "attested"),
        "Add token bucket rate limiter": ("ai", ["claude-code"], "inferred"),
        "Wire rate limiter into the client": ("ai", ["claude-code"], "inferred"),
        "Update changelog": ("human", [], nil),
        "Invert cursor colours": ("human", [], nil),
        "Add retry budget": ("ai", ["copilot"], "attested"),
        "Add search endpoint (#51)": ("ai", ["cursor"], "attested"),
        "Document attribution settings": ("human", [], nil),
        "Tune timeouts": ("human", [], nil),
    ]

    @Test("the sample repository gets every documented verdict")
    func sampleRepository() throws {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let outcome = try scanner.scan(repositoryAt: sample)
        #expect(outcome.newCommits == 32)
        let commits = try store.commits(CommitFilter()).map(\.commit)
        for (subject, expected) in Self.sampleExpectations {
            let matching = commits.filter { $0.subject == subject }
            #expect(!matching.isEmpty, "no commit '\(subject)'")
            for commit in matching {
                #expect(commit.class == expected.0, "\(subject)")
                #expect(commit.toolList == expected.1, "\(subject)")
                #expect(commit.confidence == expected.2, "\(subject)")
            }
        }
        let tally = try store.tally(CommitFilter())
        #expect((tally.commits, tally.merges, tally.ai, tally.human, tally.bot) == (30, 2, 16, 11, 3))
        #expect((tally.aiAttested, tally.aiInferred) == (14, 2))
    }

    @Test("re-scanning reads only new commits and never stores one twice")
    func incremental() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...20 { try repo.commit("commit \(index)") }
        #expect(try scanner.scan(repositoryAt: repo.path).newCommits == 20)
        let again = try scanner.scan(repositoryAt: repo.path)
        #expect(again.status == .upToDate)
        #expect(again.newCommits == 0)
        try repo.commit("new one\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        try repo.commit("new two")
        let third = try scanner.scan(repositoryAt: repo.path)
        #expect(third.newCommits == 2)
        #expect(try storedCount(repo.path) == (try repo.revListCount()))
        #expect(try store.tally(CommitFilter()).ai == 1)
    }

    /// Building the classifier decodes the whole catalogue: a scan that finds
    /// nothing new compares the bundled summary instead, and one with new
    /// commits builds it once. Stored verdicts compare equal either way.
    @Test("a scan that finds nothing new never builds the classifier; one with new commits builds it once")
    func classifierOnlyWhenNeeded() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        _ = try scanner.scan(repositoryAt: repo.path)
        let summary = try #require(Catalogue.bundledSummary)
        let built = Mutex(0)
        func lazyScanner() -> HistoryScanner {
            HistoryScanner(store: store, rules: ScanRules(summary: summary) {
                built.withLock { $0 += 1 }
                return Classifier(catalogue: try Catalogue.bundled())
            })
        }
        let again = try lazyScanner().scan(repositoryAt: repo.path)
        #expect(again.status == .upToDate && again.reclassified == 0)
        #expect(built.withLock { $0 } == 0)
        try repo.commit("two\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        let third = try lazyScanner().scan(repositoryAt: repo.path)
        #expect(third.newCommits == 1 && third.reclassified == 0, "the summary's fingerprint is the one the first scan stored")
        #expect(built.withLock { $0 } == 1)
        #expect(try store.tally(CommitFilter()).ai == 2)
    }

    /// Past ten batches a transaction waits for four (ScanWriter.transactionRows):
    /// a large history's sha index is rewritten a quarter as often.
    @Test("a long scan's transactions grow to four batches; every commit is stored once")
    func transactionsGrow() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 3000)
        scanner.batchSize = 40
        let totals = Mutex<[Int]>([])
        scanner.progress = { progress in if progress.phase == "commits" { totals.withLock { $0.append(progress.done) } } }
        #expect(try scanner.scan(repositoryAt: repo.path).newCommits == 3000)
        let done = totals.withLock { $0 }
        #expect(done.last == 3000)
        // After ten batches (400) stored, every transaction but the last holds at least four (160).
        let steps = zip(done, done.dropFirst()).map { (before: $0, size: $1 - $0, after: $1) }
        let later = steps.filter { $0.before >= 400 && $0.after < 3000 }.map(\.size)
        #expect(!later.isEmpty && later.allSatisfy { $0 >= 160 }, "\(steps.map(\.size))")
        #expect(try storedCount(repo.path) == 3000)
    }

    @Test("an interrupted scan is completed by the next one, each commit once")
    func interruptedScan() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 3000)
        // A store holding part of the history and no completed scan: what a
        // kill between two batches leaves (the kill itself: CLITests).
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        var partial: [CommitRecord] = []
        let record = try store.repository(at: HistoryScanner.canonicalPath(repo.path), name: "r", isBare: false, isShallow: false)
        try repository.walk(from: [head]) { commit in
            partial.append(CommitRecord(
                repositoryId: record.id!, sha: commit.id.hex,
                verdict: Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: []),
                authorName: commit.author.name, authorEmail: commit.author.email, authoredAt: commit.author.time,
                authorOffset: 0, committerName: "", committerEmail: "", committedAt: commit.committer.time,
                committerOffset: 0, subject: "", parentCount: commit.parents.count))
            return partial.count < 1234
        }
        try store.insert(partial)
        let outcome = try scanner.scan(repositoryAt: repo.path)
        #expect(outcome.newCommits == 3000 - 1234)
        #expect(try storedCount(repo.path) == 3000)
        #expect(try store.tally(CommitFilter()).commits == 3000)
    }

    @Test("a first scan cut short shows nothing of its repository; the next scan completes and shows it all")
    func firstScanInvisibleUntilComplete() throws {
        let other = try TemporaryGitRepository()
        for index in 1...5 { try other.commit("other \(index)") }
        #expect(try scanner.scan(repositoryAt: other.path).newCommits == 5)
        let repo = try TemporaryGitRepository()
        try repo.fastImportMerges(topics: 150, length: 8)
        let total = try repo.revListCount()

        let stopping = HistoryScanner(store: store, classifier: try scanner.classifier)
        stopping.batchSize = 200
        stopping.shouldStop = { true }
        #expect(throws: HistoryScanner.Stopped.self) { try stopping.scan(repositoryAt: repo.path) }
        let record = try #require(try store.repositories().first { $0.path == HistoryScanner.canonicalPath(repo.path) })
        let stored = try store.storedSHAs(repositoryID: record.id!)
        #expect(!stored.isEmpty && stored.count < total, "the stopped scan stored part of the history")
        // Only the other repository is seen, by every kind of query.
        #expect(try store.tally(CommitFilter()).commits == 5)
        #expect(try store.aggregate(CommitFilter()).tally.commits == 5)
        #expect(try store.commits(CommitFilter()).count == 5)
        #expect(try store.commitCounts()[record.id!]?.reachable ?? 0 == 0)
        let partial = try #require(stored.first)
        let explained = try store.commits(shaPrefix: partial)
        #expect(explained.count == 1 && explained[0].commit.reachable == false)

        // The completing scan also checkpoints while its last batches are stored.
        scanner.checkpointAfter = 1
        let outcome = try scanner.scan(repositoryAt: repo.path)
        #expect(outcome.newCommits == total - stored.count)
        let tally = try store.tally(CommitFilter(repositoryIDs: [record.id!]))
        #expect(tally.commits + tally.merges == total)
        #expect(try store.aggregate(CommitFilter()).tally.commits + (try store.aggregate(CommitFilter()).tally.merges) == total + 5)
        #expect(try store.commitCounts()[record.id!]?.reachable == total)
        #expect(try store.commits(shaPrefix: partial)[0].commit.reachable == true)
    }

    @Test("a rewritten history counts only what is reachable now; the old commits are kept apart")
    func historyRewrite() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...6 { try repo.commit("commit \(index)") }
        _ = try scanner.scan(repositoryAt: repo.path)
        try repo.git(["reset", "-q", "--hard", "HEAD~3"])
        try repo.commit("rewritten\n\nCo-authored-by: Codex <noreply@openai.com>")
        _ = try scanner.scan(repositoryAt: repo.path)
        let tally = try store.tally(CommitFilter())
        #expect(tally.commits == (try repo.revListCount()))
        #expect(tally.commits == 4)
        #expect(tally.ai == 1)
        let counts = try store.commitCounts()
        #expect(counts.values.first?.unreachable == 3)
    }

    enum LineCounter: String, CaseIterable { case git, libgit2, failingGit }

    @Test("--lines fills in line counts equal to git's, for old and new commits", arguments: LineCounter.allCases)
    func lineCounts(counter: LineCounter) throws {
        switch counter {
        case .git: scanner.lineCounter = try #require(GitNumstat.installed())
        case .libgit2: scanner.lineCounter = nil
        // git that fails: libgit2 counts what it did not.
        case .failingGit: scanner.lineCounter = GitNumstat(executable: "/bin/false")
        }
        let repo = try TemporaryGitRepository()
        try repo.commit("a", file: "a.txt", content: "1\n2\n3\n")
        try repo.commit("b", file: "a.txt", content: "1\nx\n3\n4\n")
        _ = try scanner.scan(repositoryAt: repo.path)
        #expect(try store.tally(CommitFilter()).commitsWithLines == 0)
        let outcome = try scanner.scan(repositoryAt: repo.path, lines: true)
        #expect(outcome.lineStatsComputed == 2)
        let commits = try store.commits(CommitFilter()).map(\.commit)
        #expect(commits.map { [$0.linesAdded ?? -1, $0.linesDeleted ?? -1] } == [[2, 1], [3, 0]])
    }

    @Test("a catalogue change reclassifies stored commits on the next scan")
    func catalogueChange() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("internal", author: ("Build Agent", "agent@acme.internal"))
        _ = try scanner.scan(repositoryAt: repo.path)
        #expect(try store.tally(CommitFilter()).human == 1)
        let extra = Catalogue(version: "acme-1", identities: [.init(id: "acme.agent", tool: "acme-agent", class: .ai, emails: ["agent@acme.internal"])])
        let updated = HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled().merging(extra)))
        let outcome = try updated.scan(repositoryAt: repo.path)
        #expect(outcome.reclassified == 1)
        #expect(try store.tally(CommitFilter()).ai == 1)
        #expect(try store.toolTallies(CommitFilter()).map(\.tool) == ["acme-agent"])
    }

    @Test("discovery finds work trees and bare repositories below a folder, skipping symlink loops")
    func discovery() throws {
        let root = folder.appendingPathComponent("src")
        for name in ["one", "nested/two"] {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Shell.run("/usr/bin/git", ["init", "-q", url.path])
        }
        try Shell.run("/usr/bin/git", ["init", "-q", "--bare", root.appendingPathComponent("three.git").path])
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: root.path)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("node_modules/x/.git"), withIntermediateDirectories: true)
        let found = RepositoryDiscovery().repositories(under: root.path).repositories
        #expect(found.map { String($0.dropFirst(root.path.count + 1)) } == ["nested/two", "one", "three.git"])
    }
}

@Suite("git-ai notes: agents' own attestations in refs/notes/ai")
struct NotesTests {
    static let note = """
        src/main.rs
          s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
          h_31dce776f88375 42-50
        ---
        {
          "schema_version": "authorship/3.0.0",
          "git_ai_version": "1.4.5",
          "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",
          "prompts": {},
          "humans": {"h_31dce776f88375": {"author": "Developer <dev@example.com>"}},
          "sessions": {
            "s_c9883b05a2487d": {
              "agent_id": {"tool": "cursor", "id": "6ef2299e", "model": "claude-sonnet-4-5-20250514"},
              "human_author": "dev@example.com"
            }
          }
        }
        """

    @Test("the authorship log's agents and line counts are read")
    func parse() throws {
        let note = try #require(GitAINote(Self.note))
        #expect(note.schemaVersion == "authorship/3.0.0")
        #expect(note.agents == [.init(tool: "cursor", model: "claude-sonnet-4-5-20250514")])
        #expect(note.aiLines == 16)
        #expect(note.humanLines == 9)
        #expect(GitAINote("just a note someone wrote") == nil)
        #expect(GitAINote("a\n---\n{\"schema_version\": \"other/1\"}") == nil)
    }

    @Test("a commit with a note naming an agent is attested AI; notes fetched later re-evaluate stored commits")
    func notesInScan() throws {
        let folder = try TemporaryFolder.make(prefix: "notes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        let scanner = HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled()))
        let repo = try TemporaryGitRepository()
        let body = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try repo.commit("first", file: "main.rs", content: body)
        let second = try repo.commit("add handler", file: "main.rs", content: body + body)
        _ = try scanner.scan(repositoryAt: repo.path, lines: true)
        #expect(try store.tally(CommitFilter()).ai == 0)

        // The notes arrive after the scan (git fetch origin 'refs/notes/*:refs/notes/*').
        try repo.git(["notes", "--ref=ai", "add", "-m", Self.note, second])
        let outcome = try scanner.scan(repositoryAt: repo.path)
        #expect(outcome.reclassified == 1)
        let tally = try store.tally(CommitFilter())
        #expect(tally.ai == 1)
        #expect(try store.toolTallies(CommitFilter()).map(\.tool) == ["cursor"])
        // 30 lines added: 16 attested to the agent, 9 to the person (h_ key), 5 under no key: untracked, not human.
        #expect(tally.linesAI == 16)
        #expect(tally.linesHuman == 30 + 9)
        #expect(tally.linesUntracked == 5)
        #expect(try store.aggregate(CommitFilter()).tally.linesUntracked == 5)
        let record = try #require(try store.commits(repositoryID: 1, shas: [second]).first)
        #expect(record.verdict.evidence.contains { $0.kind == .notes && $0.matched.contains("agent cursor") })
    }

    @Test("a note left on a commit that an amend made unreachable stands for its copy with the same patch id; a different change gets none; lines under no key are untracked",
          arguments: Backend.allCases)
    func notesOfRewrittenCommits(_ backend: Backend) throws {
        let folder = try TemporaryFolder.make(prefix: "notes-rewritten")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        let body = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try repo.commit("first", file: "main.rs", content: body)
        let noted = try repo.commit("add handler", file: "main.rs", content: body + body)
        try repo.git(["notes", "--ref=ai", "add", "-m", Self.note, noted])
        // Amended (a rebase does the same): a new id, the same change; git-ai's note stays on the old id.
        try repo.git(["commit", "-q", "--amend", "-m", "add the handler"])
        let copy = try repo.head()
        let other = try repo.commit("tweak", file: "main.rs", content: body)
        try repo.git(["notes", "--ref=ai", "add", "-m", Self.note, other])
        try repo.git(["commit", "-q", "--amend", "-m", "tweak it", "--allow-empty"])
        try repo.commit("more", file: "other.rs", content: "x\n")
        try repo.git(["reset", "-q", "--hard", copy])
        let changed = try repo.commit("different change", file: "main.rs", content: body + "extra\n")
        // A noted commit of a branch not merged yet is not lost: its cherry-picked copy on main gets no note.
        try repo.git(["checkout", "-q", "-b", "feature"])
        let branchOnly = try repo.commit("feature work", file: "feature.rs", content: "fn feature() {}\n")
        try repo.git(["notes", "--ref=ai", "add", "-m", Self.note, branchOnly])
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["cherry-pick", branchOnly])
        let picked = try repo.head()
        let db = try backend.store(in: folder)
        #expect(try CensusCLI.run(["scan", "--lines", "--db", db, repo.path]).status == 0)
        let rows = try CensusCLI.commitsBySHA(db)
        #expect(rows[copy]?["class"] as? String == "ai" && rows[copy]?["tools"] as? [String] == ["cursor"], "\(rows[copy] ?? [:])")
        #expect(rows[changed]?["class"] as? String == "human")
        #expect(rows[picked]?["class"] as? String == "human", "\(rows[picked] ?? [:])")
        #expect(rows[noted] == nil && rows[branchOnly] == nil && rows.count == 4)
        let explained = try CensusCLI.run(["explain", "--db", folder.appendingPathComponent("empty.sqlite").path, "--repo", repo.path, copy])
        #expect(explained.stdout.contains("tools: cursor"), "\(explained.stdout)\(explained.stderr)")
        // The copy adds 30 lines: 16 under the agent's key, 9 under a person's, 5 under none. The other
        // commits change 30, 31 and 1 lines, all human: 5 of 92 lines are untracked, and the share leaves them out.
        let report = try CensusCLI.run(["report", "--db", db, "--format", "json"])
        let share = try #require((try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["ai_share"] as? [String: Any])
        #expect(abs((share["lines_untracked"] as? Double ?? -1) - 5.0 / 92) < 1e-9, "\(share)")
        #expect(abs((share["lines"] as? Double ?? -1) - 16.0 / 87) < 1e-9, "\(share)")
        let text = try CensusCLI.run(["report", "--db", db])
        #expect(text.stdout.contains("untracked by git-ai: 5.4% of changed lines"), "\(text.stdout)")
    }
}
