import Attribution
import CensusKit
import CensusStore
import Foundation
import Reports
import Testing

/// Every report format on samples/make-sample-repo.sh's repository, compared
/// with golden files. Set CENSUS_UPDATE_GOLDEN=1 to rewrite them after an
/// intended change, and read the diff before committing it.
@Suite("Report formats: golden files, escaping, a real browser")
struct ReportFormatsTests {
    static func sampleReport(anonymize: Bool = false) throws -> (report: Report, samplePath: String, folder: URL) {
        let folder = try TemporaryFolder.make(prefix: "formats")
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        _ = try HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled()))
            .scan(repositoryAt: sample, lines: true)
        var options = ReportOptions()
        options.now = Date(timeIntervalSince1970: 1_751_328_000) // 2025-07-01T00:00:00Z
        options.teams = ["core": ["*@example.com"], "anthropic": ["*@anthropic.com"]]
        options.minGroup = 3
        options.repositoryPaths = [sample]
        options.anonymize = anonymize
        let report = try ReportBuilder(store: store, filter: CommitFilter(), options: options).build()
        return (report, sample, folder)
    }

    static func checkGolden(_ text: String, _ name: String, samplePath: String) throws {
        let normalized = text.replacingOccurrences(of: samplePath, with: "SAMPLE")
        let golden = PackagePaths.root.appendingPathComponent("Tests/CensusTests/Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["CENSUS_UPDATE_GOLDEN"] == "1" {
            try normalized.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if normalized != expected {
            let actual = FileManager.default.temporaryDirectory.appendingPathComponent("actual-\(name)")
            try normalized.write(to: actual, atomically: true, encoding: .utf8)
            Issue.record("\(name) differs from its golden file; the output is in \(actual.path) (diff it with \(golden.path))")
        }
    }

    @Test("text, JSON, CSV, Markdown and HTML match their golden files")
    func goldenFiles() throws {
        let (report, sample, folder) = try Self.sampleReport()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.checkGolden(ReportText.render(report), "report.txt", samplePath: sample)
        try Self.checkGolden(try report.json() + "\n", "report.json", samplePath: sample)
        try Self.checkGolden(ReportCSV.render(report), "report.csv", samplePath: sample)
        try Self.checkGolden(ReportMarkdown.render(report), "report.md", samplePath: sample)
        try Self.checkGolden(ReportHTML.render(report), "report.html", samplePath: sample)
        // The small team is withheld; the large one is shown.
        #expect(report.byTeam.first { $0.team == "anthropic" }?.suppressed == true)
        #expect(report.byTeam.first { $0.team == "core" }?.activeAuthors == 3)
        // The sample has no forecast: its chart names no fitted curve.
        #expect(report.projection.forecast.method == "none" && !ReportHTML.render(report).contains("none fit"))
    }

    @Test("--anonymize replaces every person with a stable pseudonym, in every format")
    func anonymized() throws {
        let (report, _, folder) = try Self.sampleReport(anonymize: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!report.byAuthor.isEmpty)
        for author in report.byAuthor { #expect(author.author.hasPrefix("person-")) }
        let outputs = [ReportText.render(report), try report.json(), ReportCSV.render(report), ReportMarkdown.render(report), ReportHTML.render(report)]
        for output in outputs {
            for name in ["Alice", "alice@example.com", "Bob Chen", "Carol", "Jane Roe"] {
                #expect(!output.contains(name), "\(name) appears in an anonymized report")
            }
        }
        #expect(ReportBuilder.anonymous("Alice@Example.com") == ReportBuilder.anonymous("alice@example.com"))
    }

    @Test("hostile repository text is escaped in HTML and Markdown, neutralised in CSV")
    func hostileText() throws {
        let folder = try TemporaryFolder.make(prefix: "hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let evil = folder.appendingPathComponent("<img src=x onerror=alert(1)>").path
        try FileManager.default.createDirectory(atPath: evil, withIntermediateDirectories: true)
        try Shell.run("/usr/bin/git", ["init", "-q", "-b", "main", evil])
        let repo = TemporaryGitRepository(existing: URL(fileURLWithPath: evil))
        try repo.git(["config", "commit.gpgsign", "false"])
        try repo.commit("<script>alert('x')</script>\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
                        author: ("=cmd|' /C calc'!A0 <b>", "evil@example.com"))
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        _ = try HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled())).scan(repositoryAt: evil)
        var options = ReportOptions()
        options.minGroup = 1
        options.teams = ["<svg onload=alert(2)>": ["*@example.com"]]
        options.repositoryPaths = [evil]
        let report = try ReportBuilder(store: store, filter: CommitFilter(), options: options).build()
        let html = ReportHTML.render(report)
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<svg onload"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&lt;svg onload=alert(2)&gt;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src=\"http"), "self-contained: nothing loaded from elsewhere")
        let csv = ReportCSV.render(report)
        #expect(csv.contains("'=cmd"))
        let markdown = ReportMarkdown.render(report)
        #expect(!markdown.contains("<svg"))
    }

    @Test("the HTML report renders in headless Chromium with its three charts")
    func browser() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let binary = try #require(chromium, "Chromium is needed: make test installs Debian's chromium package")
        let (report, _, folder) = try Self.sampleReport()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try ReportHTML.render(report).write(to: page, atomically: true, encoding: .utf8)
        let dom = try Shell.capture(binary, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr.suffix(500))")
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 3)
        #expect(dom.stdout.contains("AI share of commits"))
        #expect(dom.stdout.contains("59.3%"))
        let screenshot = folder.appendingPathComponent("report.png")
        let shot = try Shell.capture(binary, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                              "--window-size=1200,1600", "--screenshot=\(screenshot.path)", page.absoluteString])
        #expect(shot.status == 0)
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a rendered page, not a blank one")
    }
}
