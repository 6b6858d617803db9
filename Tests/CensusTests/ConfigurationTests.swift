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
        #expect(configuration.market == .init(lowUSD: 1e12, highUSD: 2e12))
        let catalogue = try configuration.catalogue()
        #expect(catalogue.identities.contains { $0.id == "acme.review-agent" && $0.class == .ai })
        let verdict = Classifier(catalogue: catalogue).classify(CommitFacts(
            authorName: "Review Agent", authorEmail: "review-agent@acme.example.com", committerName: "x",
            committerEmail: "x@acme.example.com", message: "Fix", parentCount: 1))
        #expect(verdict.tools == ["acme-agent"])
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
        let config = folder.appendingPathComponent("census.yml")
        try """
            database: store/census.sqlite
            repositories: [\(repo.path)]
            attribution:
              identities:
                - {id: corp.agent, tool: corp-agent, class: ai, emails: [agent@corp.example]}
            """.write(to: config, atomically: true, encoding: .utf8)
        let scan = try CensusCLI.run(["scan", "--config", config.path], environment: ["CENSUS_DB": ""])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("store/census.sqlite").path))
        let commits = try CensusCLI.run(["commits", "--format", "ndjson"], environment: ["CENSUS_DB": "", "CENSUS_CONFIG": config.path])
        #expect(commits.stdout.contains("\"tools\":[\"corp-agent\"]"))
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
