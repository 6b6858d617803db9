import Attribution
import CensusKit
import CensusPostgres
import CensusStore
import Foundation
import Testing

/// The PostgreSQL server `make test` starts (scripts/pg-cluster.sh): each
/// test gets a database of its own on it. Without a server these tests fail
/// — they are never skipped.
enum PostgresServer {
    static var url: String? { ProcessInfo.processInfo.environment["CENSUS_TEST_POSTGRES"] }

    /// A new, empty database on the test server, and its URL.
    static func freshDatabase() throws -> String {
        let server = try #require(url, "no PostgreSQL server: run the tests with make test, which starts one (or set CENSUS_TEST_POSTGRES)")
        let name = "census_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = server.replacingOccurrences(of: "/census?", with: "/postgres?")
        try Shell.run("/usr/bin/psql", [admin, "-q", "-c", "CREATE DATABASE \(name)"])
        return server.replacingOccurrences(of: "/census?", with: "/\(name)?")
    }
}

@Suite("PostgreSQL: the same store behind the seam, the same numbers", .serialized)
struct PostgresTests {
    let folder: URL
    var sqlite: String { folder.appendingPathComponent("census.sqlite").path }

    init() throws { folder = try TemporaryFolder.make(prefix: "census-pg") }

    func census(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Result {
        try CensusCLI.run(arguments, environment: environment)
    }

    /// The sample repository and a wide history with AI branches, notes and a .mailmap.
    func repositories() throws -> (sample: String, wide: TemporaryGitRepository) {
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let wide = try TemporaryGitRepository()
        try wide.fastImportMerges(topics: 40, length: 3) { $0 % 4 == 0 ? "claude/topic-\($0)" : "topic\($0)" }
        try wide.commit("Add mailmap", file: ".mailmap", content: "Dev Zero <zero@example.com> <dev0@example.com>\n")
        let noted = try wide.commit("noted", file: "src/main.rs")
        try wide.git(["notes", "--ref=ai", "add", "-m", NotesTests.note, noted])
        return (sample, wide)
    }

    /// A report without the moment it was made.
    static func stable(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("generated") }.joined(separator: "\n")
    }

    @Test("one scan into each backend: every report format, scope and list gives the same answer")
    func sameNumbers() throws {
        let postgres = try PostgresServer.freshDatabase()
        let (sample, wide) = try repositories()
        let config = folder.appendingPathComponent("census.yml")
        try "teams:\n  devs: [\"*@example.com\"]\n  named: [\"Dev 1\", \"Alice Martin\"]\n  two-globs: [\"alice@*\", \"b?b@example.[cx]om\"]\n  like-globs: [\"dev_@example.com\", \"?ob@example.com\"]\n".write(to: config, atomically: true, encoding: .utf8)
        // One repository at a time, so that each store numbers them alike (ids are in the reports).
        for db in [sqlite, postgres] {
            for path in [sample, wide.path] {
                let scan = try census(["scan", "--lines", "--db", db, path])
                #expect(scan.status == 0, "\(db.prefix(12)): \(scan.stderr)")
            }
        }
        let scopes: [[String]] = [
            [], ["--repo", sample], ["--repo", wide.path, "--interval", "week"], ["--since", "2025-03-01", "--until", "2025-06-01"],
            ["--date", "committer", "--timezone", "Europe/Berlin"], ["--team", "devs", "--min-group", "2"], ["--anonymize"],
            // A team of names and one of two globs (alice, bob): each kind of pattern as a filter.
            ["--team", "named", "--min-group", "1"], ["--team", "two-globs", "--min-group", "1"],
            // Globs PostgreSQL matches with LIKE: `_` in an address is itself (dev0…dev4 are not dev_), `?` one character.
            ["--team", "like-globs", "--min-group", "1"],
        ]
        for scope in scopes {
            for format in ["json", "text", "csv", "markdown", "html"] {
                let arguments = ["report", "--config", config.path, "--as-of", "2026-06-01", "--format", format] + scope
                let a = try census(arguments + ["--db", sqlite]), b = try census(arguments + ["--db", postgres])
                #expect(a.status == 0 && b.status == 0, "\(scope) \(format): \(a.stderr) \(b.stderr)")
                #expect(Self.stable(a.stdout) == Self.stable(b.stdout), "\(scope) \(format) differs")
                // And as a large store is read: two halves of the commits on two connections, merged.
                let halves = try census(arguments + ["--db", postgres], environment: ["CENSUS_PG_HALVES_ABOVE": "0"])
                #expect(Self.stable(a.stdout) == Self.stable(halves.stdout), "\(scope) \(format) differs in halves: \(halves.stderr)")
            }
        }
        for list in [["commits", "--format", "ndjson"], ["commits", "--class", "ai", "--format", "csv"], ["repos", "--format", "json"]] {
            let a = try census(list + ["--db", sqlite]), b = try census(list + ["--db", postgres])
            #expect(a.status == 0 && b.status == 0, "\(list): \(a.stderr) \(b.stderr)")
            // Commits of one date come in the order their ids were given; repositories differ in ids and scan times.
            let lines = { (text: String) in text.split(separator: "\n").map { $0.replacingOccurrences(of: #"\"(id|last_scan_at)\" : [^,]*,"#, with: "", options: .regularExpression) }.sorted() }
            #expect(lines(a.stdout) == lines(b.stdout), "\(list) differs")
        }
        let shas = try wide.git(["rev-list", "HEAD"]).split(separator: "\n").prefix(40) + (try Shell.run("/usr/bin/git", ["-C", sample, "rev-list", "HEAD"]).split(separator: "\n"))
        for sha in shas {
            let a = try census(["explain", "--db", sqlite, String(sha)]), b = try census(["explain", "--db", postgres, String(sha)])
            #expect(a.status == 0 && a.stdout == b.stdout, "explain \(sha): \(a.stderr) \(b.stderr)")
        }
    }

    @Test("census copy: SQLite to PostgreSQL and back keeps every report, commit and line count; a second run copies nothing")
    func copyBetweenBackends() throws {
        let postgres = try PostgresServer.freshDatabase()
        let (sample, wide) = try repositories()
        #expect(try census(["scan", "--lines", "--db", sqlite, sample, wide.path]).status == 0)
        // A rewritten history: the commits left behind are kept apart, and must stay so.
        try wide.git(["reset", "-q", "--hard", "HEAD~2"])
        try wide.commit("after the rewrite")
        #expect(try census(["scan", "--lines", "--db", sqlite, wide.path]).status == 0)
        let back = folder.appendingPathComponent("back.sqlite").path
        let there = try census(["copy", "--from", sqlite, "--to", postgres])
        #expect(there.status == 0, "\(there.stderr)")
        let rows = try storedRows(sqlite)
        #expect(there.stderr.hasSuffix("2 repositories, \(rows) of \(rows) commits copied from \(sqlite) to \(postgres)\n"), "\(there.stderr)")
        let again = try census(["copy", "--from", sqlite, "--to", postgres])
        #expect(again.status == 0 && again.stderr.contains("2 repositories, 0 of"), "\(again.stderr)")
        #expect(try census(["copy", "--from", postgres, "--to", back, "--quiet"]).stderr.isEmpty)
        for db in [postgres, back] {
            for format in ["text", "json", "csv", "markdown"] {
                let original = Self.stable(try census(["report", "--db", sqlite, "--format", format]).stdout)
                #expect(Self.stable(try census(["report", "--db", db, "--format", format]).stdout) == original, "\(format) in \(db.prefix(12))")
            }
            // Commits of one second come in the order each store numbered them: compared as sets of lines.
            let copiedCommits = try census(["commits", "--db", db, "--format", "ndjson"]).stdout.split(separator: "\n").sorted()
            let originalCommits = try census(["commits", "--db", sqlite, "--format", "ndjson"]).stdout.split(separator: "\n").sorted()
            #expect(copiedCommits == originalCommits && !originalCommits.isEmpty)
            // Ids are kept (the API's repo= and the metrics' repo_id go on naming each repository); scan times are the copy's.
            let stable = { (text: String) in text.replacingOccurrences(of: #""last_scan_at" : [^,]*,"#, with: "", options: .regularExpression) }
            let copied = stable(try census(["repos", "--db", db, "--format", "json"]).stdout)
            let original = stable(try census(["repos", "--db", sqlite, "--format", "json"]).stdout)
            #expect(copied == original, "\(copied)\n---\n\(original)")
        }
        let copiedRows = try storedRows(back), sourceRows = try storedRows(sqlite)
        #expect(copiedRows == sourceRows, "the rewritten-away commits are copied too")
        // An incremental scan after the copy finds nothing new to read.
        let rescan = try census(["scan", "--db", back, sample, wide.path])
        let rowsAfter = try storedRows(back), rowsSource = try storedRows(sqlite)
        #expect(rescan.status == 0 && rowsAfter == rowsSource)

        let missing = try census(["copy", "--from", folder.appendingPathComponent("typo.sqlite").path, "--to", back])
        #expect(missing.status == 2 && missing.stderr == "census: --from \(folder.appendingPathComponent("typo.sqlite").path): no store there\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo.sqlite").path), "a typo does not create a store")
        #expect(try census(["copy", "--from", back, "--to", back]).status == 2)
    }

    @Test("two collectors writing to one database: census repos says which machine scanned each repository, on both backends")
    func collectors() throws {
        let postgres = try PostgresServer.freshDatabase()
        let (sample, wide) = try repositories()
        for db in [postgres, sqlite] {
            #expect(try census(["scan", "--db", db, sample], environment: ["CENSUS_COLLECTOR": "build-01"]).status == 0)
            #expect(try census(["scan", "--db", db, wide.path], environment: ["CENSUS_COLLECTOR": "laptop-ada"]).status == 0)
            let rows = try JSONSerialization.jsonObject(with: Data(try census(["repos", "--db", db, "--format", "json"]).stdout.utf8)) as? [[String: Any]] ?? []
            let byPath = Dictionary(uniqueKeysWithValues: rows.map { ($0["path"] as? String ?? "", $0["collector"] as? String) })
            #expect(byPath[sample] == "build-01" && byPath[wide.path] == "laptop-ada", "\(db.prefix(12)): \(byPath)")
            let table = try census(["repos", "--db", db]).stdout
            #expect(table.split(separator: "\n").contains { $0.contains(" \(sample) ") && $0.contains("build-01") }, "\(table)")
        }
    }

    /// Every commit row an SQLite store holds, reachable or not.
    func storedRows(_ path: String) throws -> Int {
        Int(try Shell.run("/usr/bin/sqlite3", [path, "SELECT count(*) FROM commit_record"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test("incremental scans, a rewritten history and an up-to-date scan behave as on SQLite")
    func incremental() throws {
        let postgres = try PostgresServer.freshDatabase()
        let repo = try TemporaryGitRepository()
        for index in 1...5 { try repo.commit("c\(index)") }
        #expect(try census(["scan", "--db", postgres, repo.path]).status == 0)
        try repo.commit("c6\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        #expect(try census(["scan", "--db", postgres, repo.path]).status == 0)
        try repo.git(["reset", "-q", "--hard", "HEAD~2"])
        try repo.commit("rewritten")
        #expect(try census(["scan", "--db", postgres, repo.path]).status == 0)
        #expect(try census(["scan", "--db", postgres, repo.path]).status == 0)
        let repos = try census(["repos", "--db", postgres, "--format", "json"])
        let entries = try JSONSerialization.jsonObject(with: Data(repos.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.first?["commits"] as? Int == 5)
        #expect(entries?.first?["unreachable_commits"] as? Int == 2)
        let report = try census(["report", "--db", postgres, "--format", "json"])
        #expect(report.stdout.contains("\"ai\" : 0"), "the AI commit was rewritten away: \(report.stdout.prefix(300))")
        // No foreign key since schema 6 (it cost every insert a lookup): deleting a repository still deletes its commits.
        let commits = try Shell.run("/usr/bin/psql", [postgres, "-tA", "-c", "DELETE FROM repository", "-c", "SELECT count(*) FROM commit_record"])
        #expect(commits.split(separator: "\n").last == "0", "\(commits)")
    }

    /// A repository of people whose first AI commit, name and months change with each step of `rollups()`.
    func peopleRepository(_ months: [(day: String, author: (String, String), ai: Bool)]) throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        for (index, commit) in months.enumerated() {
            let message = "change \(index)" + (commit.ai ? "\n\nCo-Authored-By: Claude <noreply@anthropic.com>" : "")
            try repo.commit(message, author: commit.author, date: "\(commit.day)T12:00:00 +0000", file: "f\(index % 3).txt")
        }
        return repo
    }

    @Test("the rollups answer as the commits do: after scans, a first AI commit moving earlier and back, a rewrite, a rules change, a deleted repository, concurrent collectors, and when a store gets them late")
    func rollups() throws {
        let postgres = try PostgresServer.freshDatabase()
        let (sample, wide) = try repositories()
        let config = folder.appendingPathComponent("census.yml")
        // Teams by address, one by names (Alice's e-mail has a name out of it: that team reads the commits), one by a name.
        let teams = "teams:\n  devs: [\"*@example.com\"]\n  named: [\"Alice M\", \"Dev 1\"]\n  corp: [\"*@corp.example\"]\n  agents: [Corp Agent]\n"
        try teams.write(to: config, atomically: true, encoding: .utf8)
        let alice = ("Alice Martin", "alice@example.com"), renamed = ("Alice M", "alice@example.com")
        let bob = ("Bob", "bob@example.com"), agent = ("Corp Agent", "agent@corp.example")
        let first = try peopleRepository([("2025-05-03", alice, false), ("2025-05-20", alice, true), ("2025-06-02", bob, false),
                                          ("2025-07-09", agent, false), ("2025-08-01", renamed, false), ("2025-08-01", alice, false)])
        let second = try peopleRepository([("2025-01-10", bob, false), ("2025-02-14", alice, true), ("2025-03-01", alice, false),
                                           ("2025-03-02", bob, true), ("2025-09-30", agent, false)])
        func psql(_ sql: String) throws -> String {
            try Shell.run("/usr/bin/psql", [postgres, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func compare(_ step: String) throws {
            let report = ["report", "--format", "json", "--config", config.path, "--as-of", "2026-06-01", "--min-group", "1"]
            // One team's report reads its people's rollups; by weeks, only their first and last commit.
            let oneTeam = ["devs", "named", "corp", "agents"].flatMap { [report + ["--team", $0], report + ["--team", $0, "--interval", "week"]] }
            for list in [report, ["repos", "--format", "json"]] + oneTeam {
                let read = try census(list + ["--db", postgres]), streamed = try census(list + ["--db", postgres], environment: ["CENSUS_PG_ROLLUPS": "off"])
                #expect(read.status == streamed.status && read.stderr == streamed.stderr, "\(step): \(read.stderr) \(streamed.stderr)")
                #expect(list.contains("--team") || read.status == 0, "\(step): \(read.stderr)")
                #expect(Self.stable(read.stdout) == Self.stable(streamed.stdout), "\(step): \(list) differs")
            }
            // Each repository's distinct people (/metrics shows them), as the commits have them.
            let authors = try psql("""
                SELECT count(*) FROM rollup_repository r FULL JOIN (
                    SELECT repository_id, COUNT(DISTINCT person_email) FILTER (WHERE parent_count < 2 AND class <> 'bot') AS active,
                           COUNT(DISTINCT person_email) FILTER (WHERE parent_count < 2 AND class = 'ai') AS ai
                    FROM commit_record WHERE reachable = 1 GROUP BY 1) c USING (repository_id)
                WHERE (COALESCE(r.active_authors, 0), COALESCE(r.ai_authors, 0)) IS DISTINCT FROM (COALESCE(c.active, 0), COALESCE(c.ai, 0))
                """)
            #expect(authors == "0", "\(step): \(authors) repositories' people differ")
            // The report did read the rollups: a figure changed in them shows.
            _ = try psql("UPDATE rollup_repository SET human = human + 1000, merges = merges + 1000")
            let changed = try census(["report", "--format", "json", "--db", postgres, "--as-of", "2026-06-01"])
            let changedRepos = try census(["repos", "--format", "json", "--db", postgres])
            _ = try psql("UPDATE rollup_repository SET human = human - 1000, merges = merges - 1000")
            let unchanged = try census(["report", "--format", "json", "--db", postgres, "--as-of", "2026-06-01"])
            #expect(Self.stable(changed.stdout) != Self.stable(unchanged.stdout), "\(step): the report did not read the rollups")
            #expect(changedRepos.stdout != (try census(["repos", "--format", "json", "--db", postgres])).stdout, "\(step): repos did not read the rollups")
            let devs = report + ["--team", "devs", "--db", postgres]
            _ = try psql("UPDATE rollup_repository_people SET human = human + 1000 WHERE person_email = 'bob@example.com'")
            let changedTeam = try census(devs)
            _ = try psql("UPDATE rollup_repository_people SET human = human - 1000 WHERE person_email = 'bob@example.com'")
            #expect(Self.stable(changedTeam.stdout) != Self.stable(try census(devs).stdout), "\(step): the team's report did not read the rollups")
        }
        #expect(try census(["scan", "--lines", "--db", postgres, sample, first.path]).status == 0)
        try compare("first scans")
        // Alice's first AI commit moves three months earlier; Bob's first comes.
        #expect(try census(["scan", "--lines", "--db", postgres, second.path, wide.path]).status == 0)
        try compare("a first AI commit earlier")
        // A rewrite leaves Alice's and Bob's AI commits of the second repository behind: back to May.
        try second.git(["reset", "-q", "--hard", "HEAD~4"])
        try second.commit("rewritten", author: bob, date: "2025-10-01T08:00:00 +0000")
        #expect(try census(["scan", "--db", postgres, second.path]).status == 0)
        #expect(try psql("SELECT count(*) FROM commit_record WHERE reachable = 0") == "4")
        try compare("a rewrite")
        // A rules change: the corporate agent's commits become AI.
        try (teams + "attribution:\n  identities:\n    - {id: corp.agent, tool: corp-agent, class: ai, emails: [agent@corp.example]}\n")
            .write(to: config, atomically: true, encoding: .utf8)
        #expect(try census(["scan", "--config", config.path, "--db", postgres, first.path, second.path]).status == 0)
        #expect(try psql("SELECT count(*) FROM commit_record WHERE tools = 'corp-agent' AND reachable = 1") == "1")
        try compare("a rules change")
        // Concurrent collectors: two repositories of the same people at once.
        let third = try peopleRepository([("2024-12-24", alice, true), ("2025-04-01", agent, false), ("2025-11-11", renamed, true)])
        let fourth = try peopleRepository([("2024-11-02", bob, true), ("2025-04-01", alice, false), ("2025-12-01", bob, false)])
        let script = "\(PackagePaths.census) scan --db '\(postgres)' '\(third.path)' & a=$!; \(PackagePaths.census) scan --db '\(postgres)' '\(fourth.path)' & b=$!; wait $a && wait $b"
        #expect(try Shell.capture("/bin/bash", ["-c", script]).status == 0)
        try compare("concurrent collectors")
        // A repository deleted by hand: its commits, and what they added, go.
        _ = try psql("DELETE FROM repository WHERE path = '\(third.path)'")
        try compare("a deleted repository")
        // A store from before the rollups: the migration sums what it holds.
        let before = try psql("SELECT string_agg(t::text, ';' ORDER BY t::text) FROM rollup_person t WHERE commits <> 0 OR ai <> 0")
        _ = try psql("""
            DROP TABLE rollup_repository, rollup_repository_people, rollup_repository_tools, rollup_month,
                rollup_month_tools, rollup_person_name, rollup_person_month, rollup_person_month_tools, rollup_person;
            DROP INDEX commit_record_people;
            DROP TRIGGER commit_record_rollup_insert ON commit_record; DROP TRIGGER commit_record_rollup_delete ON commit_record;
            DROP TRIGGER commit_record_rollup_update ON commit_record; DROP TRIGGER commit_record_rollup_truncate ON commit_record;
            DROP FUNCTION census_rollup_insert, census_rollup_delete, census_rollup_update, census_rollup_truncated,
                census_rollup_people, census_month, census_month_start;
            DELETE FROM census_schema WHERE version >= 7
            """)
        try compare("rollups made from a store's commits")
        let after = try psql("SELECT string_agg(t::text, ';' ORDER BY t::text) FROM rollup_person t WHERE commits <> 0 OR ai <> 0")
        #expect(after == before, "\(before)\n\(after)")
    }

    @Test("commits another collector stored meanwhile are skipped, the rest stored once; NULLs and NUL bytes go to the wire as they should")
    func storingWhatIsStoredAlready() throws {
        let store = try PostgresStore(PostgresLocation(url: try PostgresServer.freshDatabase()))
        let repository = try store.repository(at: "/srv/r", name: "r", isBare: false, isShallow: false)
        let human = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
        let ai = Verdict(commitClass: .ai, confidence: .attested, mode: .agent, tools: ["claude-code"], evidence: [],
                         person: Person(name: "Ann", email: "Ann@Example.com"))
        func sha(_ index: Int) -> String { String(format: "%040x", index) }
        func batch(_ range: Range<Int>) -> EncodedCommits {
            var batch = EncodedCommits()
            for index in range {
                batch.append(repositoryId: repository.id!, sha: sha(index), verdict: index.isMultiple(of: 2) ? ai : human,
                             authorName: "A\u{0}\(index)", authorEmail: "a@x", authoredAt: 1_700_000_000 + Int64(index), authorOffset: 0,
                             committerName: "C", committerEmail: "c@x", committedAt: 1_700_000_000, committerOffset: 0,
                             subject: "s \(index)", parentCount: 1, reachable: true)
            }
            return batch
        }
        try store.insert(batches: [batch(0..<3)])
        // Another writer's statement holds those three again: its plain INSERT meets the key, and it is sent again skipping them.
        try store.insert(batches: [batch(0..<3), batch(3..<10)])
        let stored = try store.commits(repositoryID: repository.id!, shas: (0..<10).map(sha))
        #expect(stored.count == 10)
        #expect(try store.storedCommitCount(repositoryID: repository.id!) == 10)
        let first = try #require(stored.first { $0.sha == sha(0) })
        let second = try #require(stored.first { $0.sha == sha(1) })
        #expect(first.authorName == "A0" && first.personEmail == "ann@example.com" && first.tools == "claude-code")
        #expect(second.personEmail == nil && second.personName == nil && second.confidence == nil && second.linesAdded == nil)
    }

    @Test("two scans migrating one new database at the same moment: both succeed, every commit stored once")
    func simultaneousFirstScans() throws {
        let postgres = try PostgresServer.freshDatabase()
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 2_000)
        let script = "\(PackagePaths.census) scan --db '\(postgres)' '\(repo.path)' & first=$!; \(PackagePaths.census) scan --db '\(postgres)' '\(repo.path)' & second=$!; wait $first && wait $second"
        let both = try Shell.capture("/bin/bash", ["-c", script])
        #expect(both.status == 0, "\(both.stderr)")
        let repos = try census(["repos", "--db", postgres, "--format", "json"])
        let entries = try JSONSerialization.jsonObject(with: Data(repos.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.count == 1 && entries?.first?["commits"] as? Int == 2_000, "\(repos.stdout)")
    }

    @Test("bad locations: a password in the URL, no server, no database, a bad sslmode — exit 2, one line, no password shown")
    func badLocations() throws {
        let server = try #require(PostgresServer.url, "no PostgreSQL server: run the tests with make test")
        let withPassword = server.replacingOccurrences(of: "postgres@", with: "postgres:s3cret-word@")
        let cases: [(String, String)] = [
            (withPassword, "the URL holds a password"),
            ("postgresql://postgres@127.0.0.1:1/census?sslmode=disable", "postgresql://postgres@127.0.0.1:1/census: the server does not answer"),
            (server.replacingOccurrences(of: "/census?", with: "/no_such_database?"), "no_such_database"),
            (server.replacingOccurrences(of: "sslmode=disable", with: "sslmode=sometimes"), "sslmode=sometimes is not one of"),
            (server.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require"), "does not offer TLS"),
        ]
        for (url, message) in cases {
            let result = try census(["report", "--db", url])
            #expect(result.status == 2, "\(url)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(url): \(result.stderr)")
            #expect(!result.stderr.contains("s3cret-word") && !result.stdout.contains("s3cret-word"))
        }
        // The configuration's password file, and PGPASSWORD, are read; the trusting test server ignores them.
        let passwordFile = folder.appendingPathComponent("pg-password")
        try "not-needed\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("census.yml")
        try "database: \(try PostgresServer.freshDatabase())\ndatabase_password_file: \(passwordFile.path)\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try census(["report", "--config", config.path]).status == 0)
        let shown = try census(["config", "--config", config.path])
        #expect(shown.stdout.contains("database: postgresql://"), "\(shown.stdout)")
    }

    @Test("roles: a reader granted SELECT reports and lists; its scan is refused in one line; a newer schema is refused and left as it was")
    func rolesAndSchema() throws {
        let postgres = try PostgresServer.freshDatabase()
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        #expect(try census(["scan", "--db", postgres, repo.path]).status == 0)
        let database = String(postgres.split(separator: "/").last!.split(separator: "?").first!)
        let role = "reader_" + database.suffix(12)
        let admin = postgres
        try Shell.run("/usr/bin/psql", [admin, "-q", "-c", "CREATE ROLE \(role) LOGIN", "-c", "GRANT USAGE ON SCHEMA public TO \(role)",
                                        "-c", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)"])
        let reader = postgres.replacingOccurrences(of: "postgres@", with: "\(role)@")
        let report = try census(["report", "--db", reader, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try census(["repos", "--db", reader]).stdout.contains(repo.path))
        let scan = try census(["scan", "--db", reader, repo.path])
        #expect(scan.status == 2 && scan.stderr.contains("permission denied"), "\(scan.stderr)")
        // Granted before the rollups existed: a reader reads the commits instead, a collector's scan keeps them right.
        let repos = try census(["repos", "--db", reader, "--format", "json"])
        try Shell.run("/usr/bin/psql", [admin, "-q", "-c", "REVOKE SELECT ON \(["rollup_repository", "rollup_repository_people", "rollup_repository_tools", "rollup_month", "rollup_month_tools", "rollup_person_name", "rollup_person_month", "rollup_person_month_tools", "rollup_person"].joined(separator: ", ")) FROM \(role)"])
        let streamed = try census(["report", "--db", reader, "--format", "json"])
        #expect(streamed.status == 0 && Self.stable(streamed.stdout) == Self.stable(report.stdout), "\(streamed.stderr)")
        let counted = try census(["repos", "--db", reader, "--format", "json"])
        #expect(counted.status == 0 && repos.status == 0 && counted.stdout == repos.stdout, "\(counted.stderr)")
        let collector = "collector_" + database.suffix(12)
        try Shell.run("/usr/bin/psql", [admin, "-q", "-c", "CREATE ROLE \(collector) LOGIN", "-c", "GRANT USAGE ON SCHEMA public TO \(collector)",
                                        "-c", "GRANT SELECT, INSERT, UPDATE, DELETE ON repository, commit_record, census_state, scan_lease, session_horizon, census_schema TO \(collector)",
                                        "-c", "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \(collector)"])
        let other = try TemporaryGitRepository()
        try other.commit("two\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        let collected = try census(["scan", "--db", postgres.replacingOccurrences(of: "postgres@", with: "\(collector)@"), other.path])
        #expect(collected.status == 0, "\(collected.stderr)")
        let read = try census(["report", "--db", postgres, "--format", "json"])
        let off = try census(["report", "--db", postgres, "--format", "json"], environment: ["CENSUS_PG_ROLLUPS": "off"])
        #expect(read.stdout.contains("\"ai\" : 1") && Self.stable(read.stdout) == Self.stable(off.stdout), "\(read.stdout.prefix(400))")

        let applied = try Shell.run("/usr/bin/psql", [admin, "-tAc", "SELECT COUNT(*) FROM census_schema"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try Shell.run("/usr/bin/psql", [admin, "-q", "-c", "INSERT INTO census_schema (version) VALUES (99)"])
        let newer = try census(["report", "--db", postgres])
        #expect(newer.status == 2 && newer.stderr.contains("made by a newer CommitCensus (schema 99"), "\(newer.stderr)")
        let versions = try Shell.run("/usr/bin/psql", [admin, "-tAc", "SELECT COUNT(*) FROM census_schema"])
        #expect(versions.trimmingCharacters(in: .whitespacesAndNewlines) == String((Int(applied) ?? 0) + 1), "left untouched (those applied, and 99)")
    }
}

/// The two stores behind the seam: tests that take it as an argument run on
/// both, so every command is held to the same answer on either.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// A new, empty store of this kind: a file in `folder`, or a database of its own on the test server.
    func store(in folder: URL) throws -> String {
        switch self {
        case .sqlite: folder.appendingPathComponent("census-\(UUID().uuidString.prefix(8)).sqlite").path
        case .postgresql: try PostgresServer.freshDatabase()
        }
    }
}
