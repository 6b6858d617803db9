import CensusKit
import Foundation
import Testing

/// The `census` binary as a user runs it: exit codes, stderr lines, output
/// formats. Every test uses its own store file through `--db` or `CENSUS_DB`.
@Suite("census CLI: the contract as written")
struct CLITests {
    let folder: URL
    var db: String { folder.appendingPathComponent("census.sqlite").path }

    init() throws { folder = try TemporaryFolder.make(prefix: "census-cli") }

    func census(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Result {
        try CensusCLI.run(arguments, environment: environment)
    }

    func sample() throws -> String {
        let path = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, path])
        return path
    }

    @Test("a folder that is not a repository: exit 2 and one line naming it")
    func notARepository() throws {
        let plain = folder.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let result = try census(["scan", "--db", db, plain.path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(plain.path) == true)
        #expect(lines.first?.contains("not a git repository") == true)
        #expect(result.stdout.isEmpty)
    }

    @Test("a first scan on a terminal shows commits/s and an ETA, also without a commit-graph; nothing on a pipe")
    func progressOnATerminal() throws {
        // 300 commits make 900 objects: fewer than a pack's sample, so the estimates are exact.
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 300)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/objects/info/commit-graph"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/objects/info/commit-graphs"))
        // The path is named with an escape sequence: the status lines must not pass it to the terminal.
        let hostile = folder.appendingPathComponent("repo\u{1B}[31mred").path
        try FileManager.default.copyItem(atPath: repo.path, toPath: hostile)
        // script(1) runs census on a pseudo-terminal and copies what it wrote; small batches give many progress steps.
        let command = [PackagePaths.census, "scan", "--db", db, hostile].map { "'\($0)'" }.joined(separator: " ")
        // The total is estimated only once a scan has run half a second; these take less.
        let environment = ["CENSUS_SCAN_BATCH": "40", "CENSUS_ESTIMATE_AFTER": "0"]
        let terminal = try Shell.capture("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
        #expect(terminal.status == 0, "\(terminal.stdout)")
        let steps = terminal.stdout.split(separator: "\r").filter { $0.contains(/commits \d+ of about 300 \(\d+\/s, about \d+ s left\)/) }
        #expect(!steps.isEmpty, "\(terminal.stdout)")
        #expect(terminal.stdout.contains("repored: 300 new commits"))
        #expect(!terminal.stdout.contains("\u{1B}[31m"))

        // An incremental scan estimates its new commits: the repository's less those stored.
        let hostileRepo = TemporaryGitRepository(existing: URL(fileURLWithPath: hostile))
        try hostileRepo.fastImport(commits: 200, after: 300)
        let again = try Shell.capture("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
        #expect(again.status == 0, "\(again.stdout)")
        let totals = again.stdout.split(separator: "\r").compactMap { $0.firstMatch(of: /commits \d+ of about (\d+) \(/).map { Int($0.1)! } }
        #expect(!totals.isEmpty && totals.allSatisfy { $0 == 200 }, "\(again.stdout)")
        #expect(again.stdout.contains("repored: 200 new commits"))

        let piped = try census(["scan", "--db", folder.appendingPathComponent("piped.sqlite").path, repo.path], environment: ["CENSUS_SCAN_BATCH": "200"])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
    }

    @Test("a team below the minimum group: every format exits 2 naming the team and withholds its figures; at the minimum it is shown")
    func teamBelowMinimumGroup() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        try repo.commit("two", author: ("Other Person", "other@example.com"))
        let config = folder.appendingPathComponent("census.yml")
        try "teams:\n  pair: [\"*@example.com\"]\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        for format in ["text", "json", "csv", "markdown", "html"] {
            let result = try census(["report", "--db", db, "--config", config.path, "--team", "pair", "--format", format])
            #expect(result.status == 2, "\(format)")
            #expect(result.stdout.isEmpty, "\(format): \(result.stdout.prefix(200))")
            #expect(result.stderr == "census: team 'pair': fewer active people than the minimum group (5) in this scope; figures about this group are withheld\n")
        }
        let shown = try census(["report", "--db", db, "--config", config.path, "--team", "pair", "--min-group", "2", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect((json?["adoption"] as? [String: Any])?["active_authors"] as? Int == 2)
        #expect((json?["scope"] as? [String: Any])?["team"] as? String == "pair", "the scope says whose figures these are")
        let text = try census(["report", "--db", db, "--config", config.path, "--team", "pair", "--min-group", "2"])
        #expect(text.stdout.hasPrefix("CommitCensus report — all scanned repositories, team pair\n"), "\(text.stdout.prefix(200))")
    }

    @Test("a team's month with fewer people than the minimum group is withheld in its trend and forecast history, in every format")
    func teamMonthBelowMinimumGroup() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author: ("A", "a@example.com"), date: "2025-01-10T10:00:00Z")
        try repo.commit("two", author: ("B", "b@example.com"), date: "2025-01-11T10:00:00Z")
        try repo.commit("three\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author: ("A", "a@example.com"), date: "2025-02-10T10:00:00Z")
        let config = folder.appendingPathComponent("census.yml")
        try "teams:\n  pair: [\"*@example.com\"]\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        let team = ["report", "--db", db, "--config", config.path, "--team", "pair", "--min-group", "2", "--since", "2025-01-01", "--until", "2025-03-01"]
        let json = try JSONSerialization.jsonObject(with: Data(try census(team + ["--format", "json"]).stdout.utf8)) as? [String: Any]
        let trend = json?["trend"] as? [[String: Any]] ?? []
        let january = trend.first { $0["period"] as? String == "2025-01" }, february = trend.first { $0["period"] as? String == "2025-02" }
        #expect(january?["commits"] as? Int == 2 && january?["withheld"] == nil, "\(trend)")
        #expect(february?["withheld"] as? Bool == true && february?["commits"] as? Int == 0 && february?["ai_share"] is NSNull, "\(trend)")
        let history = ((json?["projection"] as? [String: Any])?["forecast"] as? [String: Any])?["history"] as? [[String: Any]] ?? []
        let february2 = history.first { $0["month"] as? String == "2025-02" }
        #expect(february2 != nil && february2?["share"] == nil, "\(history)")
        #expect(history.first { $0["month"] as? String == "2025-01" }?["share"] as? Double == 0.5, "\(history)")
        let text = try census(team).stdout
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("2025-02") && $0.contains("withheld") }, "\(text)")
        let csv = folder.appendingPathComponent("team.csv").path
        #expect(try census(team + ["--output", csv]).status == 0)
        let rows = try String(contentsOfFile: folder.appendingPathComponent("team-trend.csv").path, encoding: .utf8)
        #expect(rows.contains("2025-02,2025-02-01T00:00:00Z,withheld,withheld"), "\(rows)")
        // Everyone's report is not a team's: its months are shown.
        let everyone = try census(["report", "--db", db, "--since", "2025-01-01", "--until", "2025-03-01", "--format", "json"]).stdout
        #expect(!everyone.contains("\"withheld\""))
    }

    @Test("one good and one bad path: exit 1, the failure on stderr, the good one stored")
    func partialFailure() throws {
        let path = try sample()
        let result = try census(["scan", "--db", db, path, folder.appendingPathComponent("missing").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing: no such file or directory"))
        let repos = try census(["repos", "--db", db, "--format", "json"])
        let entries = try JSONSerialization.jsonObject(with: Data(repos.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.first?["commits"] as? Int == 32)
    }

    @Test("an empty repository is a notice, not a failure")
    func emptyRepository() throws {
        let repo = try TemporaryGitRepository()
        let result = try census(["scan", "--db", db, repo.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(repo.path): empty repository"))
    }

    @Test("a corrupt store: exit 2, one line naming it, the file untouched")
    func corruptStore() throws {
        let junk = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try junk.write(to: URL(fileURLWithPath: db))
        let path = try sample()
        for arguments in [["scan", path], ["report"], ["commits"], ["repos"]] {
            let result = try census(arguments + ["--db", db])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains(db))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == junk)
    }

    @Test("usage errors exit 2: an unknown flag, a bad date, a bad class")
    func usageErrors() throws {
        #expect(try census(["scan", "--no-such-flag", "--db", db]).status == 2)
        let badDate = try census(["report", "--since", "yesterday-ish", "--db", db])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--since 'yesterday-ish'"))
        #expect(try census(["commits", "--class", "robot", "--db", db]).status == 2)
        #expect(try census(["--help"]).status == 0)
    }

    @Test("commits --format ndjson has exactly the contract's fields", arguments: Backend.allCases)
    func ndjsonFields(_ backend: Backend) throws {
        let db = try backend.store(in: folder)
        let path = try sample()
        #expect(try census(["scan", "--db", db, "--lines", path]).status == 0)
        let result = try census(["commits", "--db", db, "--repo", path, "--format", "ndjson"])
        #expect(result.status == 0)
        let records = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(records.count == 32)
        let contract: Set<String> = ["repo", "sha", "class", "confidence", "mode", "tools", "evidence", "author_name",
                                     "author_email", "authored_at", "committed_at", "is_merge", "lines_added", "lines_deleted"]
        for record in records { #expect(contract.isSubset(of: Set(record.keys))) }
        let tokenizer = try #require(records.first { ($0["sha"] as? String)?.isEmpty == false && $0["authored_at"] as? String == "2025-02-03T09:15:00+01:00" })
        #expect(tokenizer["class"] as? String == "ai")
        #expect(tokenizer["confidence"] as? String == "attested")
        #expect(tokenizer["mode"] as? String == "assisted")
        #expect(tokenizer["tools"] as? [String] == ["claude-code"])
        #expect(tokenizer["lines_added"] as? Int == 3, "a line of file1.txt and CLAUDE.md's two")
        #expect((tokenizer["evidence"] as? [String])?.contains { $0.contains("noreply@anthropic.com") } == true)
        let merge = try #require(records.first { $0["is_merge"] as? Bool == true })
        #expect(merge["lines_added"] is NSNull)
        let ai = try census(["commits", "--db", db, "--class", "ai", "--format", "json"])
        let aiRecords = try JSONSerialization.jsonObject(with: Data(ai.stdout.utf8)) as? [[String: Any]]
        #expect(aiRecords?.count == 16)
        let csv = try census(["commits", "--db", db, "--format", "csv", "--limit", "3"])
        #expect(csv.stdout.split(separator: "\n").count == 4)
    }

    @Test("a rules change rewrites the verdicts it changes, tools included, and the next change puts them back", arguments: Backend.allCases)
    func rulesChangeRewritesVerdicts(_ backend: Backend) throws {
        let db = try backend.store(in: folder)
        let repo = try TemporaryGitRepository()
        for index in 1...3 { try repo.commit("build \(index)", author: ("Build Agent", "agent@acme.internal")) }
        try repo.commit("by hand", author: ("Ann Lee", "ann@example.com"))
        try repo.commit("Add parser\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: ("Ann Lee", "ann@example.com"))
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        func verdicts() throws -> [String: (class: String, tools: [String])] {
            let result = try census(["commits", "--db", db, "--format", "json"])
            let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: records.map {
                (($0["sha"] as? String) ?? "", (($0["class"] as? String) ?? "", ($0["tools"] as? [String]) ?? []))
            })
        }
        let before = try verdicts()
        #expect(before.values.filter { $0.class == "ai" }.map(\.tools) == [["claude-code"]])
        #expect(before.values.filter { $0.class == "human" }.count == 4)

        let rules = folder.appendingPathComponent("acme-\(backend).yml")
        try """
            attribution:
              identities:
                - id: acme.build-agent
                  tool: acme-agent
                  class: ai
                  emails: ["agent@acme.internal"]
            """.write(to: rules, atomically: true, encoding: .utf8)
        #expect(try census(["scan", "--db", db, "--config", rules.path, repo.path]).status == 0)
        let changed = try verdicts()
        #expect(changed.values.filter { $0.tools == ["acme-agent"] }.count == 3 && changed.values.allSatisfy { $0.class == "ai" || $0.class == "human" })
        #expect(changed.values.filter { $0.class == "ai" }.count == 4 && changed.values.filter { $0.class == "human" }.count == 1)
        let report = try census(["report", "--db", db, "--config", rules.path, "--format", "json"])
        #expect(report.stdout.contains("\"acme-agent\""))

        // The rules as bundled again: the three commits are people's again, the others as they were.
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        let after = try verdicts()
        #expect(after.mapValues(\.class) == before.mapValues(\.class) && after.mapValues(\.tools) == before.mapValues(\.tools))
    }

    @Test("one identity for a repository: census repos' id is what --repo takes and what reports, commits and CSV show", arguments: Backend.allCases)
    func repositoryIdentity(_ backend: Backend) throws {
        let db = try backend.store(in: folder)
        let first = try sample()
        let second = folder.appendingPathComponent("second").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, second])
        #expect(try census(["scan", "--db", db, first, second]).status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(
            with: Data(try census(["repos", "--db", db, "--format", "json"]).stdout.utf8)) as? [[String: Any]])
        let secondEntry = try #require(entries.first { ($0["path"] as? String)?.hasSuffix("/second") == true })
        let id = try #require(secondEntry["id"] as? Int), path = try #require(secondEntry["path"] as? String)
        let table = try census(["repos", "--db", db]).stdout
        #expect(table.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(id) ") && $0.contains(path) }, "\(table)")

        let byID = try census(["report", "--db", db, "--repo", "\(id)", "--format", "json"])
        #expect(byID.status == 0, "\(byID.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(byID.stdout.utf8)) as? [String: Any])
        let scope = try #require(report["scope"] as? [String: Any])
        #expect(scope["repositories"] as? [String] == [path], "the id is stated as the path it names too")
        #expect(scope["repository_ids"] as? [Int] == [id])
        let rows = try #require(report["by_repository"] as? [[String: Any]])
        #expect(rows.map { $0["id"] as? Int } == [id] && rows.first?["repository"] as? String == path)
        let byPath = try census(["report", "--db", db, "--repo", path, "--format", "json"]).stdout
        #expect(byPath.replacingOccurrences(of: #""generated_at" : "[^"]*""#, with: "", options: .regularExpression)
                == byID.stdout.replacingOccurrences(of: #""generated_at" : "[^"]*""#, with: "", options: .regularExpression),
                "--repo ID and --repo PATH are one report")
        let all = try #require(try JSONSerialization.jsonObject(
            with: Data(try census(["report", "--db", db, "--format", "json"]).stdout.utf8)) as? [String: Any])
        #expect((all["scope"] as? [String: Any])?["repository_ids"] as? [Int] == [], "every repository: no ids named")
        #expect(Set((all["by_repository"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }) == Set(entries.compactMap { $0["id"] as? Int }))

        let commits = try census(["commits", "--db", db, "--repo", "\(id)", "--format", "ndjson"]).stdout.split(separator: "\n")
        #expect(commits.count == 32 && commits.allSatisfy { $0.contains("\"repo_id\":\(id),") || $0.hasSuffix("\"repo_id\":\(id)}") })
        let csv = try census(["commits", "--db", db, "--repo", "\(id)", "--format", "csv", "--limit", "1"]).stdout.split(separator: "\n")
        #expect(csv.first?.hasSuffix(",repo_id") == true && csv.last?.hasSuffix(",\(id)") == true, "\(csv)")
        let sha = try Shell.run("/usr/bin/git", ["-C", second, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let explained = try census(["explain", "--db", db, "--repo", "\(id)", sha])
        #expect(explained.status == 0 && explained.stdout.contains(path), "\(explained.stdout)\(explained.stderr)")

        let unknown = try census(["report", "--db", db, "--repo", "999"])
        #expect(unknown.status == 2 && unknown.stderr.contains("999: no scanned repository here nor a stored repository's id"), "\(unknown.stderr)")
    }

    @Test("report --format json carries the contract's figures", arguments: Backend.allCases)
    func reportJSON(_ backend: Backend) throws {
        let db = try backend.store(in: folder)
        let path = try sample()
        _ = try census(["scan", "--db", db, path])
        let result = try census(["report", "--db", db, "--format", "json", "--repo", path])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["schema_version"] as? Int == 1)
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["commits"] as? Int == 30)
        #expect(totals["merges"] as? Int == 2)
        #expect(totals["ai"] as? Int == 16)
        #expect(totals["human"] as? Int == 11)
        #expect(totals["bot"] as? Int == 3)
        let share = try #require(report["ai_share"] as? [String: Any])
        #expect(abs((share["commits"] as? Double ?? 0) - 16.0 / 27.0) < 1e-9)
        let ci = try #require(share["commits_ci95"] as? [Double])
        #expect(abs(ci[0] - 0.4073) < 0.0005 && abs(ci[1] - 0.7548) < 0.0005)
        #expect(share["lines"] is NSNull)
        let tools = try #require(report["by_tool"] as? [[String: Any]])
        #expect(tools.first?["tool"] as? String == "claude-code")
        #expect(tools.first?["commits"] as? Int == 4)
        let trend = try #require(report["trend"] as? [[String: Any]])
        #expect(trend.map { $0["period"] as? String } == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"])
        let weekly = try census(["report", "--db", db, "--format", "json", "--interval", "week", "--since", "2025-03-01", "--until", "2025-04-01"])
        let weeks = try #require((try JSONSerialization.jsonObject(with: Data(weekly.stdout.utf8)) as? [String: Any])?["trend"] as? [[String: Any]])
        #expect(weeks.first?["period"] as? String == "2025-03-03")
        let output = folder.appendingPathComponent("report.json").path
        #expect(try census(["report", "--db", db, "--format", "json", "--output", output]).stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test("explain shows each matched rule with the text it matched", arguments: Backend.allCases)
    func explain(_ backend: Backend) throws {
        let db = try backend.store(in: folder)
        let path = try sample()
        _ = try census(["scan", "--db", db, path])
        let sha = try Shell.run("/usr/bin/git", ["-C", path, "log", "--format=%H", "-1", "--grep=Add retry budget"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try census(["explain", "--db", db, String(sha.prefix(10))])
        #expect(result.status == 0)
        #expect(result.stdout.contains("verdict ai, attested, assisted"))
        #expect(result.stdout.contains("copilot.cli-vscode"))
        #expect(result.stdout.contains("Co-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>"))
        #expect(result.stdout.contains("Copilot-Session: 0f1e2d3c"))
        #expect(try census(["explain", "--db", db, "deadbeef"]).status == 2)
    }

    @Test("the default store is $CENSUS_DB, else $XDG_DATA_HOME/census/census.sqlite")
    func defaultStore() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let xdg = folder.appendingPathComponent("xdg").path
        #expect(try census(["scan", repo.path], environment: ["XDG_DATA_HOME": xdg, "CENSUS_DB": ""]).status == 0)
        #expect(FileManager.default.fileExists(atPath: xdg + "/census/census.sqlite"))
        let explicit = folder.appendingPathComponent("env.sqlite").path
        #expect(try census(["scan", repo.path], environment: ["CENSUS_DB": explicit]).status == 0)
        #expect(FileManager.default.fileExists(atPath: explicit))
    }

    @Test("terminal output strips escape sequences from repository text")
    func hostileText() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("evil \u{1B}]0;owned\u{07}\u{1B}[2J subject", author: ("Mallory \u{1B}[31m", "m@example.com"))
        _ = try census(["scan", "--db", db, repo.path])
        let table = try census(["commits", "--db", db])
        #expect(!table.stdout.contains("\u{1B}"))
        #expect(table.stdout.contains("evil  subject"))
        try repo.commit("=HYPERLINK(\"http://evil\")", author: ("@SUM(A1)", "f@example.com"))
        _ = try census(["scan", "--db", db, repo.path])
        let csv = try census(["commits", "--db", db, "--format", "csv"])
        #expect(csv.stdout.contains(",'@SUM(A1),"))
        #expect(csv.stdout.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""))
    }

    @Test("kill -9 at 20 points of a scan: the next scan completes it, each commit once, same verdicts")
    func killedScan() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 20_000, aiEvery: 7)
        let expected = try repo.revListCount()
        let reference = folder.appendingPathComponent("reference.sqlite").path
        let started = Date()
        #expect(try census(["scan", "--db", reference, repo.path]).status == 0)
        let duration = Date().timeIntervalSince(started)
        // Twenty points spread over a whole scan's time: process start, the
        // walk, batches being stored, the completing transaction. Each run
        // resumes on the store the previous kill left.
        var completedBeforeKill = 0
        for point in 1...20 {
            let delay = duration * Double(point) / 21
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PackagePaths.census)
            process.arguments = ["scan", "--db", db, repo.path]
            process.standardError = FileHandle.nullDevice
            // Small batches: kills land between many stored transactions.
            process.environment = ProcessInfo.processInfo.environment.merging(["CENSUS_SCAN_BATCH": "1000"]) { $1 }
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            if !process.isRunning { completedBeforeKill += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // A resumed scan skips what is stored, so late points may find it done.
        #expect(completedBeforeKill < 20)
        #expect(try census(["scan", "--db", db, repo.path]).status == 0)
        func verdicts(_ store: String) throws -> [String] {
            try census(["commits", "--db", store, "--format", "csv"]).stdout
                .split(separator: "\n").dropFirst().map { line in line.split(separator: ",").prefix(6).joined(separator: ",") }.sorted()
        }
        let resumed = try verdicts(db)
        #expect(resumed.count == expected)
        #expect(Set(resumed).count == expected)
        #expect(resumed == (try verdicts(reference)))
    }
}

@Suite("census report and scan for cron: gates, locks, time zones, files")
struct CronTests {
    let folder: URL
    var db: String { folder.appendingPathComponent("census.sqlite").path }

    init() throws { folder = try TemporaryFolder.make(prefix: "census-cron") }

    @Test("--fail-under and --fail-over exit 3 outside the bound, 0 inside")
    func gates() throws {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        #expect(try CensusCLI.run(["scan", "--db", db, sample]).status == 0)
        let under = try CensusCLI.run(["report", "--db", db, "--fail-under", "0.9", "--format", "json"])
        #expect(under.status == 3)
        #expect(under.stderr.contains("below --fail-under 90.0%"))
        #expect(try CensusCLI.run(["report", "--db", db, "--fail-over", "0.9"]).status == 0)
        #expect(try CensusCLI.run(["report", "--db", db, "--fail-over", "1.5"]).status == 2)
    }

    @Test("a second scan waits for the lock, then gives up with exit 2 and a clear line")
    func lock() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        _ = try CensusCLI.run(["scan", "--db", db, repo.path])
        do {
            let held = try ScanLock(storePath: db, wait: 0)
            let blocked = try CensusCLI.run(["scan", "--db", db, "--wait", "0.5", repo.path])
            #expect(blocked.status == 2)
            #expect(blocked.stderr.contains("another census scan is still running"))
            withExtendedLifetime(held) {}
        }
        #expect(try CensusCLI.run(["scan", "--db", db, "--wait", "0.5", repo.path]).status == 0)
    }

    @Test("periods are cut in the reporting time zone")
    func timeZones() throws {
        let repo = try TemporaryGitRepository()
        // 23:30 on 31 January at UTC-1 is 00:30 on 1 February in UTC.
        try repo.commit("late", date: "2025-01-31T23:30:00-0100")
        _ = try CensusCLI.run(["scan", "--db", db, repo.path])
        func periods(_ zone: String) throws -> [String] {
            let result = try CensusCLI.run(["report", "--db", db, "--format", "json", "--timezone", zone])
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return ((report?["trend"] as? [[String: Any]]) ?? []).compactMap { $0["period"] as? String }
        }
        #expect(try periods("UTC") == ["2025-02"])
        #expect(try periods("-01:00") == ["2025-01"])
        #expect(try periods("Atlantic/Azores") == ["2025-01"])
        #expect(try CensusCLI.run(["report", "--db", db, "--timezone", "Mars/Olympus"]).status == 2)
    }

    @Test("the CLI contract: --db/--config before the subcommand, did you mean, since after until, --output's extension, a missing folder, exit 3 in the help")
    func contract() throws {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        #expect(try CensusCLI.run(["--db", db, "scan", sample]).status == 0)
        let before = try CensusCLI.run(["--db=\(db)", "--config", "/dev/null", "report", "--format", "json"])
        #expect(before.status == 0 && before.stdout.contains("\"commits\" : 30"), "\(before.stderr)")

        let slip = try CensusCLI.run(["scna", sample])
        #expect(slip.status == 2 && slip.stderr == "census: 'scna' is not a census command; did you mean 'scan'? (see census --help)\n")
        let unknown = try CensusCLI.run(["frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.contains("(commands: scan, report, commits, explain, repos, rules, evidence, config, copy)"))

        for command in ["report", "commits"] {
            let empty = try CensusCLI.run([command, "--db", db, "--since", "2025-01-01", "--until", "2024-06-01"])
            #expect(empty.status == 2, "\(command)")
            #expect(empty.stderr == "census: since (2025-01-01T00:00:00Z) is not before until (2024-06-01T00:00:00Z): the period holds no time\n")
        }

        let out = folder.appendingPathComponent("inferred")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for (file, start) in [("r.html", "<!DOCTYPE html>"), ("r.json", "{"), ("r.md", "# "), ("r.txt", "CommitCensus report")] {
            #expect(try CensusCLI.run(["report", "--db", db, "--output", out.appendingPathComponent(file).path]).status == 0)
            let written = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
            #expect(written.hasPrefix(start), "\(file): \(written.prefix(40))")
        }
        #expect(try CensusCLI.run(["report", "--db", db, "--output", out.appendingPathComponent("r.csv").path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("r-totals.csv").path))
        // An explicit --format wins over the extension.
        #expect(try CensusCLI.run(["report", "--db", db, "--format", "json", "--output", out.appendingPathComponent("j.html").path]).status == 0)
        #expect(try String(contentsOf: out.appendingPathComponent("j.html"), encoding: .utf8).hasPrefix("{"))

        let missing = folder.appendingPathComponent("no-such-folder/r.html").path
        let noFolder = try CensusCLI.run(["report", "--db", db, "--output", missing])
        #expect(noFolder.status == 2)
        #expect(noFolder.stderr == "census: \(missing): cannot write the report: the folder \(folder.appendingPathComponent("no-such-folder").path) does not exist\n")

        let help = try CensusCLI.run(["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("3 report --fail-under/--fail-over: the AI share is outside the bound"))
    }

    @Test("csv with --output writes one tidy file per figure; html and markdown write one file")
    func files() throws {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        _ = try CensusCLI.run(["scan", "--db", db, sample])
        let base = folder.appendingPathComponent("out/report.csv").path
        try FileManager.default.createDirectory(atPath: folder.appendingPathComponent("out").path, withIntermediateDirectories: true)
        #expect(try CensusCLI.run(["report", "--db", db, "--format", "csv", "--output", base]).status == 0)
        let totals = try String(contentsOfFile: folder.appendingPathComponent("out/report-totals.csv").path, encoding: .utf8)
        #expect(totals.hasPrefix("metric,commits\ncommits,30\n"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/report-trend.csv").path))
        for format in ["html", "markdown"] {
            let file = folder.appendingPathComponent("out/report.\(format)").path
            #expect(try CensusCLI.run(["report", "--db", db, "--format", format, "--output", file]).status == 0)
            #expect(((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) > 1000)
        }
    }
}

@Suite("One store, several processes")
struct SharedStoreTests {
    @Test("reports during a scan never error and see the store before the scan or after it, never half")
    func reportsDuringScan() throws {
        let folder = try TemporaryFolder.make(prefix: "shared")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("census.sqlite").path
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 30_000)
        let scan = Process()
        scan.executableURL = URL(fileURLWithPath: PackagePaths.census)
        scan.arguments = ["scan", "--db", db, repo.path]
        scan.standardError = FileHandle.nullDevice
        try scan.run()
        var seen = Set<Int>()
        var reports = 0
        while scan.isRunning || reports < 2 {
            let result = try CensusCLI.run(["report", "--db", db, "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            if let report = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
               let totals = report["totals"] as? [String: Any], let commits = totals["commits"] as? Int {
                seen.insert(commits)
            }
            reports += 1
            if !scan.isRunning && reports >= 2 { break }
        }
        scan.waitUntilExit()
        #expect(scan.terminationStatus == 0)
        #expect(seen.isSubset(of: [0, 30_000]), "a report saw a partial scan: \(seen.sorted())")
        #expect(reports >= 2)
    }

    @Test("processes creating one new store at the same moment all open it")
    func simultaneousCreation() throws {
        let folder = try TemporaryFolder.make(prefix: "creation")
        defer { try? FileManager.default.removeItem(at: folder) }
        // SQLite answers a second simultaneous switch to WAL with "locked" at
        // once, without waiting for the busy timeout: two scans started
        // together on a new store saw one of them exit 2, about one time in
        // eight here, each in a new folder. The shell starts the processes
        // closer together than Process can.
        let script = """
            for round in $(seq 1 100); do
              mkdir "$FOLDER/$round"
              for n in 1 2; do "$CENSUS" repos --db "$FOLDER/$round/census.sqlite" >/dev/null 2>"$FOLDER/err-$round-$n" & done
              wait
            done
            cat "$FOLDER"/err-*
            """
        let result = try Shell.capture("/bin/bash", ["-c", script], environment: ["CENSUS": PackagePaths.census, "FOLDER": folder.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test("two scans at once on one store: both succeed, every commit stored once")
    func twoScans() throws {
        let folder = try TemporaryFolder.make(prefix: "two-scans")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("census.sqlite").path
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 8_000)
        let processes = (0..<2).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PackagePaths.census)
            process.arguments = ["scan", "--db", db, repo.path]
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == [0, 0])
        let ndjson = try CensusCLI.run(["commits", "--db", db, "--format", "ndjson"]).stdout
        let shas = ndjson.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["sha"] as? String
        }
        #expect(shas.count == 8_000)
        #expect(Set(shas).count == 8_000)
    }
}

@Suite("census CLI: dates outside what census represents")
struct CLIDateTests {
    @Test("--since/--until/--as-of far outside 0001–9999: exit 2 and one line naming the option, never a crash")
    func datesOutOfRange() throws {
        let folder = try TemporaryFolder.make(prefix: "census-dates")
        let db = folder.appendingPathComponent("census.sqlite").path
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        #expect(try CensusCLI.run(["scan", "--db", db, repo.path]).status == 0)
        for (flag, value) in [("--since", "4000y"), ("--until", "100000y"), ("--since", "9999999d"),
                              ("--since", "99999999999999999999h"), ("--as-of", "99999999999999"), ("--since", "12000000m")] {
            for command in ["report", "commits"] {
                let result = try CensusCLI.run([command, "--db", db, flag, value])
                #expect(result.status == 2, "\(command) \(flag) \(value): \(result.status) \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].contains("\(flag) '\(value)'") && lines[0].contains("outside the dates"),
                        "\(result.stderr)")
            }
        }
        let fine = try CensusCLI.run(["report", "--db", db, "--since", "30y", "--format", "json"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }
}

@Suite("census explain: the scan's verdict, stored or not")
struct ExplainAgreementTests {
    /// The verdict block of `census explain`: from the `verdict` line to the end.
    static func verdictBlock(_ output: String) -> String {
        guard let start = output.range(of: "\nverdict ") else { return "" }
        return String(output[start.lowerBound...])
    }

    @Test("every commit of the sample repository: explained live from the repository, the verdict and evidence equal the stored ones")
    func liveEqualsStored() throws {
        let folder = try TemporaryFolder.make(prefix: "census-explain")
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let stored = folder.appendingPathComponent("stored.sqlite").path
        let empty = folder.appendingPathComponent("empty.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", stored, sample]).status == 0)
        let shas = try Shell.run("/usr/bin/git", ["-C", sample, "rev-list", "HEAD"]).split(separator: "\n").map(String.init)
        #expect(shas.count == 32)
        var kinds = Set<String>()
        for sha in shas {
            let fromStore = try CensusCLI.run(["explain", "--db", stored, sha])
            let live = try CensusCLI.run(["explain", "--db", empty, "--repo", sample, sha])
            #expect(fromStore.status == 0 && live.status == 0, "\(sha): \(fromStore.stderr) \(live.stderr)")
            #expect(live.stdout.contains("not in the store; classified now"), "\(sha)")
            let block = Self.verdictBlock(fromStore.stdout)
            #expect(!block.isEmpty && block == Self.verdictBlock(live.stdout), "\(sha)\nstored:\n\(fromStore.stdout)\nlive:\n\(live.stdout)")
            if let line = block.split(separator: "\n").first { kinds.insert(String(line.split(separator: " ")[1].prefix(while: { $0 != "," }))) }
        }
        #expect(kinds == ["ai", "human", "bot"], "the sample holds every class: \(kinds)")
    }

    @Test("a commit attested only by a git-ai note: explained live, the note's evidence is there as in the store")
    func liveReadsNotes() throws {
        let folder = try TemporaryFolder.make(prefix: "census-explain-notes")
        let repo = try TemporaryGitRepository()
        try repo.commit("first")
        let noted = try repo.commit("second", file: "src/main.rs")
        try repo.git(["notes", "--ref=ai", "add", "-m", NotesTests.note, noted])
        let stored = folder.appendingPathComponent("stored.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", stored, repo.path]).status == 0)
        let fromStore = try CensusCLI.run(["explain", "--db", stored, noted])
        let live = try CensusCLI.run(["explain", "--db", folder.appendingPathComponent("empty.sqlite").path, "--repo", repo.path, noted])
        #expect(Self.verdictBlock(fromStore.stdout).hasPrefix("\nverdict ai"), "\(fromStore.stdout)")
        #expect(Self.verdictBlock(fromStore.stdout) == Self.verdictBlock(live.stdout), "stored:\n\(fromStore.stdout)\nlive:\n\(live.stdout)")
    }
}
