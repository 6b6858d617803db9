import Attribution
import CensusKit
import Foundation
import Testing

@Suite("census.yml: read with a real YAML parser, every mistake named with its line")
struct ConfigurationTests {
    @Test("samples/census.yml parses, with every documented key")
    func sampleConfiguration() throws {
        let file = PackagePaths.root.appendingPathComponent("samples/census.yml").path
        let configuration = try CensusConfiguration.load(path: file)
        #expect(configuration.database == "/var/lib/census/census.sqlite")
        #expect(configuration.repositories == ["/srv/git/app"])
        #expect(configuration.roots == [.init(path: "/srv/git", depth: 3, exclude: ["node_modules", "vendor"])])
        #expect(configuration.scanInterval == 900)
        #expect(configuration.scanLines)
        #expect(configuration.httpListen == "127.0.0.1:8787")
        #expect(configuration.reportsFormats == ["html", "markdown", "json"])
        #expect(configuration.teams["platform"] == ["*@platform.example.com"])
        var market = CensusConfiguration.Market(lowUSD: 1e12, highUSD: 2e12)
        market.loadedCostByTeam = ["platform": 240_000]
        market.driveByCommits = 3
        #expect(configuration.market == market)
        // The keys the sample leaves commented out, and their refusals.
        #expect(configuration.sessionLogs == false)
        #expect(try CensusConfiguration.parse("evidence: {session_logs: true}\n").sessionLogs)
        #expect(throws: CensusConfiguration.Error.self) { try CensusConfiguration.parse("evidence: {session_logs: maybe}\n") }
        #expect(throws: CensusConfiguration.Error.self) { try CensusConfiguration.parse("evidence: {sessions: true}\n") }
        let priced = try CensusConfiguration.parse("market: {tool_cost_per_seat_usd: 480, drive_by_commits: 0}\n")
        #expect(priced.market.toolCostPerSeatUSD == 480 && priced.market.driveByCommits == 0)
        #expect(throws: CensusConfiguration.Error.self) { try CensusConfiguration.parse("market: {loaded_cost_by_team: {core: -1}}\n") }
        #expect(throws: CensusConfiguration.Error.self) { try CensusConfiguration.parse("market: {drive_by_commits: many}\n") }
        let catalogue = try configuration.catalogue()
        #expect(catalogue.identities.contains { $0.id == "acme.review-agent" && $0.class == .ai })
        let verdict = Classifier(catalogue: catalogue).classify(CommitFacts(
            authorName: "Review Agent", authorEmail: "review-agent@acme.example.com", committerName: "x",
            committerEmail: "x@acme.example.com", message: "Fix", parentCount: 1))
        #expect(verdict.tools == ["acme-agent"])
        // The sample's lexicon: its domain is a machine's, its qualifier keeps the agent's name an agent's.
        let named = Classifier(catalogue: catalogue).classify(CommitFacts(
            authorName: "Jane Roe", authorEmail: "jane@acme.example.com", committerName: "Jane Roe",
            committerEmail: "jane@acme.example.com",
            message: "Fix\n\nCo-authored-by: Acme Agent Reviewer <run-7@agents.acme.example.com>\n", parentCount: 1))
        #expect(named.tools == ["acme-agent"] && named.confidence == .attested, "\(named.evidence.map(\.summary))")
    }

    @Test("mistakes are refused with the file and the line", arguments: [
        ("database: x\nrepostories: []\n", 2, "unknown key 'repostories'"),
        ("scan:\n  interval: 5 parsecs\n", 2, "scan.interval"),
        ("http:\n  listen: everywhere\n", 2, "HOST:PORT"),
        ("reports:\n  formats: [pdf]\n", 2, "unknown format 'pdf'"),
        ("market:\n  low_usd: 3e12\n  high_usd: 2e12\n", 2, "low_usd is above"),
        ("roots:\n  - depth: 2\n", 2, "needs a path"),
        ("attribution:\n  identities:\n    - id: x\n      class: wizard\n", 3, "attribution.identities"),
        ("a: [\n", nil, "not valid YAML"),
    ] as [(String, Int?, String)])
    func mistakes(_ text: String, _ line: Int?, _ message: String) {
        do {
            _ = try CensusConfiguration.parse(text, file: "census.yml")
            Issue.record("accepted: \(text)")
        } catch {
            if let line { #expect(error.line == line, "\(error)") }
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasPrefix("census.yml:"))
        }
    }

    @Test("a huge file is refused before parsing")
    func hugeFile() throws {
        let folder = try TemporaryFolder.make(prefix: "config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("huge.yml")
        try Data(repeating: 0x20, count: CensusConfiguration.maxFileSize + 1).write(to: file)
        #expect { try CensusConfiguration.load(path: file.path) } throws: { "\($0)".contains("is refused") }
    }

    @Test("census scan with no path scans the configuration's repositories into its database")
    func scanFromConfiguration() throws {
        let folder = try TemporaryFolder.make(prefix: "config-scan")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        try repo.commit("one", author: ("Internal Agent", "agent@corp.example"))
        // A tool named by its model's name over its vendor's domain, which only the lexicon below makes a machine's.
        try repo.commit("two\n\nCo-authored-by: Corpbot 2 <helper@corp-ai.example>\n", author: ("Jane Roe", "jane@corp.example"))
        let config = folder.appendingPathComponent("census.yml")
        try """
            database: store/census.sqlite
            repositories: [\(repo.path)]
            attribution:
              identities:
                - {id: corp.agent, tool: corp-agent, class: ai, emails: [agent@corp.example]}
              tools:
                - {id: corpbot, name: Corpbot, aliases: [corpbot]}
              lexicon:
                vendor_domains: {corp-ai.example: corpbot}
            """.write(to: config, atomically: true, encoding: .utf8)
        let scan = try CensusCLI.run(["scan", "--config", config.path], environment: ["CENSUS_DB": ""])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("store/census.sqlite").path))
        let commits = try CensusCLI.run(["commits", "--format", "ndjson"], environment: ["CENSUS_DB": "", "CENSUS_CONFIG": config.path])
        #expect(commits.stdout.contains("\"tools\":[\"corp-agent\"]"))
        let named = try #require(commits.stdout.split(separator: "\n").first { $0.contains("\"subject\":\"two\"") })
        #expect(named.contains("\"tools\":[\"corpbot\"]") && named.contains("\"confidence\":\"attested\""), "\(named)")
    }

    @Test("a configuration that points at the wrong things: one line naming each, nothing written to them")
    func pointsElsewhere() throws {
        let folder = try TemporaryFolder.make(prefix: "config-elsewhere")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let foreign = folder.appendingPathComponent("other.sqlite").path
        try Shell.run("/usr/bin/python3", ["-c", "import sqlite3; c = sqlite3.connect('\(foreign)'); c.execute('create table notes (x)'); c.commit()"])
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let config = folder.appendingPathComponent("census.yml")
        func scan(_ text: String) throws -> Shell.Result {
            try text.write(to: config, atomically: true, encoding: .utf8)
            return try CensusCLI.run(["scan", "--config", config.path], environment: ["CENSUS_DB": ""])
        }
        // The store is another program's database: refused, the file untouched.
        let other = try scan("database: other.sqlite\nrepositories: [\(repo.path)]\n")
        #expect(other.status == 2)
        #expect(other.stderr.split(separator: "\n").count == 1 && other.stderr.contains(foreign))
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        // The store is a folder.
        let directory = try scan("database: \(folder.path)\nrepositories: [\(repo.path)]\n")
        #expect(directory.status == 2 && directory.stderr.contains("is a folder"))
        // A repository entry that is a file, beside one that is fine: the good one is stored, exit 1.
        let partial = try scan("database: census.sqlite\nrepositories: [\(config.path), \(repo.path)]\n")
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("\(config.path): not a git repository"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("census.sqlite").path))
    }
}

@Suite("census: which configuration is in force")
struct ConfigurationDiscoveryTests {
    let folder: URL
    init() throws { folder = try TemporaryFolder.make(prefix: "census-discovery") }

    func write(_ text: String, to relative: String) throws -> String {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("$XDG_CONFIG_HOME/census/census.yml names the store a plain `census scan` uses; ./census.yml is never read")
    func xdgConfiguration() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one")
        let xdgStore = folder.appendingPathComponent("xdg.sqlite").path
        _ = try write("database: \(xdgStore)\n", to: "xdg/census/census.yml")
        // A census.yml in the folder census runs from: a repository's content must not configure census.
        let hereStore = folder.appendingPathComponent("here.sqlite").path
        _ = try write("database: \(hereStore)\n", to: "work/census.yml")
        let environment = ["XDG_CONFIG_HOME": folder.appendingPathComponent("xdg").path,
                           "XDG_DATA_HOME": folder.appendingPathComponent("data").path, "CENSUS_DB": "", "CENSUS_CONFIG": ""]
        let scan = try CensusCLI.run(["scan", repo.path], environment: environment, in: folder.appendingPathComponent("work"))
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(FileManager.default.fileExists(atPath: xdgStore))
        #expect(!FileManager.default.fileExists(atPath: hereStore))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/census/census.sqlite").path))

        // $CENSUS_CONFIG comes before it, --config before both.
        let named = try write("database: \(folder.appendingPathComponent("named.sqlite").path)\n", to: "named.yml")
        let shown = try CensusCLI.run(["config"], environment: environment.merging(["CENSUS_CONFIG": named]) { _, b in b })
        #expect(shown.stdout.contains("configuration: \(named) (from $CENSUS_CONFIG)"), "\(shown.stdout)")
        let explicit = try CensusCLI.run(["config", "--config", named], environment: environment)
        #expect(explicit.stdout.contains("(from --config)"))
    }

    @Test("~/.config/census/census.yml when XDG_CONFIG_HOME is unset; census config names the token file, never its content")
    func homeConfigurationAndTokenPrivacy() throws {
        let secret = "s3cret-token-never-shown-0123456789"
        let token = try write(secret, to: "token")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token)
        let file = try write("database: \(folder.appendingPathComponent("home.sqlite").path)\nhttp: {token_file: \(token)}\n",
                             to: "home/.config/census/census.yml")
        let shown = try CensusCLI.run(["config", "--show"], environment: [
            "HOME": folder.appendingPathComponent("home").path, "XDG_CONFIG_HOME": "", "CENSUS_DB": "", "CENSUS_CONFIG": ""])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("configuration: \(file) (from ~/.config)"), "\(shown.stdout)")
        #expect(shown.stdout.contains("database: \(folder.appendingPathComponent("home.sqlite").path) (from the configuration)"))
        #expect(shown.stdout.contains("http.token_file: \(token) (its content is never shown)"))
        #expect(!shown.stdout.contains(secret) && !shown.stderr.contains(secret))
    }

    @Test("the discovery order, with every candidate present")
    func order() {
        let all: Set<String> = ["/x/census/census.yml", "/h/.config/census/census.yml", ConfigurationSource.systemPath]
        let exists = { (path: String) in all.contains(path) }
        let environment = ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]
        #expect(ConfigurationSource.find(explicit: "/a.yml", environment: environment, exists: exists).origin == "--config")
        #expect(ConfigurationSource.find(explicit: nil, environment: environment.merging(["CENSUS_CONFIG": "/c.yml"]) { _, b in b }, exists: exists).path == "/c.yml")
        #expect(ConfigurationSource.find(explicit: nil, environment: environment, exists: exists).path == "/x/census/census.yml")
        #expect(ConfigurationSource.find(explicit: nil, environment: ["HOME": "/h"], exists: exists).path == "/h/.config/census/census.yml")
        #expect(ConfigurationSource.find(explicit: nil, environment: ["HOME": "/nobody"], exists: exists).path == ConfigurationSource.systemPath)
        #expect(ConfigurationSource.find(explicit: nil, environment: ["HOME": "/nobody"], exists: { _ in false }).path == nil)
    }
}
