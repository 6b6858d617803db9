import Attribution
import CensusKit
import CensusStore
import Foundation
import Testing

/// Reports take every figure from one pass (`CensusStore.aggregate`); the
/// separate SQL aggregates are the reference it must agree with, on a real
/// store of real scans, for every kind of scope a report can have.
@Suite("Aggregation: one pass gives what the SQL aggregates give")
struct AggregationTests {
    @Test("tallies, repositories, teams, periods, tools and people agree with SQL for every scope")
    func agreesWithSQL() throws {
        let folder = try TemporaryFolder.make(prefix: "census-aggregation")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let generated = try TemporaryGitRepository()
        try generated.fastImport(commits: 400, aiEvery: 3)
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        let scanner = HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled()))
        _ = try scanner.scan(repositoryAt: sample, lines: true)
        _ = try scanner.scan(repositoryAt: generated.path, lines: true)
        let repositories = try store.repositories().compactMap(\.id)
        #expect(repositories.count == 2)

        let teams = ["core": ["*@example.com"], "named": ["Dev 3", "Test Person"], "nobody": ["*@nowhere.invalid"]]
        var scopes: [(String, CommitFilter)] = [("everything", CommitFilter())]
        scopes.append(("one repository", CommitFilter(repositoryIDs: [repositories[1]])))
        scopes.append(("committer dates", CommitFilter(dateField: .committer)))
        if let range = try store.timeRange(CommitFilter()) {
            let middle = (range.first + range.last) / 2
            scopes.append(("since", CommitFilter(since: middle)))
            scopes.append(("until", CommitFilter(until: middle)))
        }
        scopes.append(("a team", CommitFilter(people: ["*@example.com"])))

        // Once as one pass, once in two halves merged (the path of large stores).
        for threshold in [Int64.max, 0] {
        SQLiteStore.parallelAggregationRows = threshold
        defer { SQLiteStore.parallelAggregationRows = 100_000 }
        for (label, filter) in scopes {
            guard let range = try store.timeRange(filter) else { continue }
            let weeks = (0..<60).map { index -> (label: String, start: Int64, end: Int64) in
                let start = range.first - 3 * 86_400 + Int64(index) * 7 * 86_400
                return ("w\(index)", start, start + 7 * 86_400)
            }
            let days = stride(from: range.first, through: range.last + 1, by: 86_400).enumerated().map {
                (label: "d\($0.offset)", start: $0.element, end: $0.element + 86_400)
            }
            let aggregation = try store.aggregate(filter, periodSets: [weeks, days], teams: teams)
            #expect(aggregation.tally == (try store.tally(filter)), "\(label)")
            #expect(aggregation.tally.commits > 0, "\(label)")
            let sources = EvidenceSource.allCases.map { aggregation.tally[keyPath: Tally.aiCommits(from: $0)] }
            #expect(sources.reduce(0, +) == aggregation.tally.ai, "\(label): every AI commit once, for its strongest evidence")
            #expect(aggregation.adopterCommits == (try store.adopterCommits(filter)), "\(label)")
            if label == "everything" {
                #expect(aggregation.tally.aiFromTrailerOrIdentity > 0 && aggregation.tally.aiFromBranch > 0)
                #expect(aggregation.adopterCommits > aggregation.tally.ai && aggregation.adopterCommits < aggregation.tally.ai + aggregation.tally.human)
            }
            let byRepository = try store.repositoryTallies(filter)
            #expect(aggregation.repositories.count == byRepository.count, "\(label)")
            for entry in byRepository { #expect(aggregation.repositories[entry.repository.id!] == entry.tally, "\(label)") }
            for (team, patterns) in teams {
                var teamFilter = filter
                teamFilter.people = patterns
                #expect((aggregation.teams[team] ?? Tally()) == (try store.tally(teamFilter)), "\(label) \(team)")
            }
            #expect(aggregation.periods[0] == (try store.periodTallies(filter, periods: weeks)), "\(label)")
            #expect(aggregation.periods[1] == (try store.periodTallies(filter, periods: days)), "\(label)")
            #expect(aggregation.periodTools[0] == (try store.periodToolCounts(filter, periods: weeks)), "\(label)")
            let tools = try store.toolTallies(filter)
            #expect(aggregation.tools.map(\.tool) == tools.map(\.tool), "\(label)")
            #expect(aggregation.tools.map { [$0.commits, $0.attested, $0.lines] } == tools.map { [$0.commits, $0.attested, $0.lines] }, "\(label)")
            let people = try store.personTallies(filter)
            #expect(aggregation.people.map { "\($0.email)|\($0.name)|\($0.commits)|\($0.ai)" }
                    == people.map { "\($0.email)|\($0.name)|\($0.commits)|\($0.ai)" }, "\(label)")
        }
        }
    }

    @Test("a person is named as in their latest commit, by the report's date, in one pass, in halves and in SQL")
    func personNamedByLatestCommit() throws {
        let folder = try TemporaryFolder.make(prefix: "census-names")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        // One address, three names: the one that sorts last is the oldest by
        // author date and the newest by committer date.
        let commits: [(name: String, authored: Int, committed: Int)] = [
            ("Zoe Zed", 1_700_000_000, 1_700_900_000), ("Ann Old", 1_700_100_000, 1_700_200_000), ("Ann New", 1_700_500_000, 1_700_600_000),
        ]
        for (index, commit) in commits.enumerated() {
            try "\(index)\n".write(to: repo.root.appendingPathComponent("f.txt"), atomically: true, encoding: .utf8)
            try repo.git(["add", "f.txt"])
            try repo.git(["commit", "-q", "-m", "change \(index)"], environment: [
                "GIT_AUTHOR_NAME": commit.name, "GIT_AUTHOR_EMAIL": "ann@example.com", "GIT_AUTHOR_DATE": "@\(commit.authored) +0000",
                "GIT_COMMITTER_NAME": commit.name, "GIT_COMMITTER_EMAIL": "ann@example.com", "GIT_COMMITTER_DATE": "@\(commit.committed) +0000",
            ])
        }
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        _ = try HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled())).scan(repositoryAt: repo.path)
        for threshold in [Int64.max, 0] {
            SQLiteStore.parallelAggregationRows = threshold
            defer { SQLiteStore.parallelAggregationRows = 100_000 }
            for (filter, expected) in [(CommitFilter(), "Ann New"), (CommitFilter(dateField: .committer), "Zoe Zed")] {
                let people = try store.aggregate(filter, periodSets: [], teams: [:]).people
                #expect(people.map(\.name) == [expected], "rows per half \(threshold)")
                #expect(people.map(\.commits) == [3])
                #expect(try store.personTallies(filter).map(\.name) == [expected])
            }
        }
    }
}

