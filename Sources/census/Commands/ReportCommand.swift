import ArgumentParser
import CensusKit
import CensusStore
import Foundation
import Reports

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the AI share of commits and lines, adoption, trends, teams and the wage-impact projection.",
        discussion: """
            Formats: text (aligned tables), json (the report object), csv (one tidy table per figure; with \
            --output, one file per table named FILE-<figure>.csv), markdown (for a mail or a chat message), \
            html (one self-contained page with SVG charts).
            With --fail-under or --fail-over the command exits 3 when the AI share of commits is outside the bound.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv, markdown, html }

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this repository (or the repositories below this folder); repeatable.", valueName: "path"))
    var repo: [String] = []

    @OptionGroup var period: PeriodOptions

    @Option(help: "Trend periods: week or month.")
    var interval: Interval = .month

    @Option(help: ArgumentHelp("Which date places a commit in a period: author or committer.", valueName: "author|committer"))
    var date: CommitFilter.DateField = .author

    // Unconditional: a negative offset (-05:00) is a value, not a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("The reporting time zone: UTC, +02:00, or a name such as Europe/Berlin (default: the configuration's reports.timezone, else UTC).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Only this team (a name from the configuration's teams).", valueName: "team"))
    var team: String?

    @Option(help: ArgumentHelp("Withhold per-team and per-person figures for groups smaller than this (default 5).", valueName: "n"))
    var minGroup: Int?

    @Flag(help: "Replace people's names and addresses with stable pseudonyms.")
    var anonymize = false

    @Option(help: ArgumentHelp("Low end of the software labour market, USD a year (default 1e12).", valueName: "usd"))
    var marketLow: Double?

    @Option(help: ArgumentHelp("High end of the software labour market, USD a year (default 2e12).", valueName: "usd"))
    var marketHigh: Double?

    @Option(help: ArgumentHelp("Loaded annual cost of one engineer, USD (default 200000).", valueName: "usd"))
    var loadedCost: Double?

    @Option(help: ArgumentHelp("Exit 3 when the AI share of commits is below this (0–1).", valueName: "share"))
    var failUnder: Double?

    @Option(help: ArgumentHelp("Exit 3 when the AI share of commits is above this (0–1).", valueName: "share"))
    var failOver: Double?

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        if let minGroup, minGroup < 1 { throw ValidationError("--min-group must be at least 1") }
        for (flag, value) in [("--fail-under", failUnder), ("--fail-over", failOver)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(flag) takes a share from 0 to 1, such as 0.25") }
        }
        for (flag, value) in [("--market-low", marketLow), ("--market-high", marketHigh), ("--loaded-cost", loadedCost)] {
            if let value, !(value > 0) { throw ValidationError("\(flag) must be a positive number of dollars") }
        }
    }

    func run() throws {
        let configuration = try common.configuration()
        let bounds = try period.bounds()
        let store = try common.open()
        let ids = try store.repositoryIDs(matching: repo)
        var filter = CommitFilter(repositoryIDs: ids, since: bounds.since, until: bounds.until, dateField: date)
        let teams = configuration?.teams ?? [:]
        if let team {
            guard let patterns = teams[team] else {
                throw CensusFailure(message: "--team '\(team)': no such team in the configuration (known: \(teams.keys.sorted().joined(separator: ", ")))")
            }
            filter.people = patterns
        }
        // The configuration's settings, then the flags over them.
        var options = ReportOptions(configuration: configuration)
        options.interval = interval
        if let timezone {
            guard let zone = Periods.timeZone(timezone) else {
                throw CensusFailure(message: "--timezone '\(timezone)': not a time zone (UTC, +02:00, Europe/Berlin)")
            }
            options.timeZone = zone
            options.timeZoneLabel = timezone
        }
        if team != nil { options.teams = [:] }
        if let minGroup { options.minGroup = minGroup }
        options.anonymize = anonymize
        if let marketLow { options.marketLowUSD = marketLow }
        if let marketHigh { options.marketHighUSD = marketHigh }
        if let loadedCost { options.loadedAnnualCostUSD = loadedCost }
        if options.marketLowUSD > options.marketHighUSD {
            throw CensusFailure(message: "--market-low is above --market-high")
        }
        options.repositoryPaths = repo.map(HistoryScanner.canonicalPath)
        options.now = try period.now()
        let report = try ReportBuilder(store: store, filter: filter, options: options).build()

        if format == .csv, let output {
            // One tidy table per figure: report.csv → report-totals.csv, report-by_tool.csv, …
            let base = output.hasSuffix(".csv") ? String(output.dropLast(4)) : output
            for table in ReportCSV.tables(report) {
                try write(table.csv, to: "\(base)-\(table.name).csv")
            }
        } else {
            let text = switch format {
            case .json: try report.json() + "\n"
            case .text: ReportText.render(report, colour: output == nil && Terminal.stdoutIsTerminal
                                          && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            case .csv: ReportCSV.render(report)
            case .markdown: ReportMarkdown.render(report)
            case .html: ReportHTML.render(report)
            }
            if let output { try write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }

        if let share = report.aiShare.commits {
            if let failUnder, share < failUnder {
                Terminal.error("AI share of commits \(Formatting.percent(share)) is below --fail-under \(Formatting.percent(failUnder))")
                throw ExitCode(CensusExitCode.threshold.rawValue)
            }
            if let failOver, share > failOver {
                Terminal.error("AI share of commits \(Formatting.percent(share)) is above --fail-over \(Formatting.percent(failOver))")
                throw ExitCode(CensusExitCode.threshold.rawValue)
            }
        }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CensusFailure(message: "\(path): cannot write the report (\(error.localizedDescription))")
        }
    }
}

extension Interval: ExpressibleByArgument {}
extension CommitFilter.DateField: ExpressibleByArgument {}
