import ArgumentParser
import CensusKit
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report the AI share of commits and lines, adoption, trends, teams and the wage-impact projection.",
        discussion: """
            Formats: text (aligned tables), json (the report object), csv (one tidy table per figure; with \
            --output, one file per table named FILE-<figure>.csv), markdown (for a mail or a chat message), \
            html (one self-contained page with SVG charts).
            With --fail-under or --fail-over the command exits 3 when the AI share of commits is outside the bound.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this repository — its path, or its id as census repos shows it — or the repositories below this folder; repeatable.", valueName: "path|id"))
    var repo: [String] = []

    @OptionGroup var period: PeriodOptions

    @Option(help: "Trend periods: week or month.")
    var interval: Interval = .month

    @Option(help: ArgumentHelp("Which date places a commit in a period: author or committer.", valueName: "author|committer"))
    var date: CommitDateField = .author

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

    @Option(help: ArgumentHelp("Output format (default: the one --output's extension names — .html, .json, .csv, .md, .txt — else text).", valueName: "format"))
    var format: ReportFormat?

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
        let census = try common.open()
        let bounds = try period.bounds()
        var scope = Scope()
        scope.repositoryPaths = repo
        scope.since = bounds.since
        scope.until = bounds.until
        scope.dateField = date
        scope.team = team
        let report: CensusKit.Report
        do {
            report = try census.report(scope, options: try options(census))
        } catch let error as CensusError {
            throw CensusFailure(message: error.message)
        }
        try output(report)
        try checkThresholds(report)
    }

    /// The configuration's report settings, then the flags over them.
    private func options(_ census: CommitCensus) throws -> ReportOptions {
        var options = census.reportOptions()
        options.interval = interval
        if let timezone {
            guard let zone = DateArgument.timeZone(timezone) else {
                throw CensusFailure(message: "--timezone '\(timezone)': not a time zone (UTC, +02:00, Europe/Berlin)")
            }
            options.timeZone = zone
            options.timeZoneLabel = timezone
        }
        if let minGroup { options.minGroup = minGroup }
        options.anonymize = anonymize
        if let marketLow { options.marketLowUSD = marketLow }
        if let marketHigh { options.marketHighUSD = marketHigh }
        if let loadedCost { options.loadedAnnualCostUSD = loadedCost }
        if options.marketLowUSD > options.marketHighUSD {
            throw CensusFailure(message: "--market-low is above --market-high")
        }
        options.now = try period.now()
        return options
    }

    /// `--format`, else what `--output`'s extension names, else text.
    private var effectiveFormat: ReportFormat {
        format ?? output.flatMap(ReportFormat.forFile) ?? .text
    }

    private func output(_ report: CensusKit.Report) throws {
        let format = effectiveFormat
        if format == .csv, let output {
            // One tidy table per figure: report.csv → report-totals.csv, report-by_tool.csv, …
            let base = output.hasSuffix(".csv") ? String(output.dropLast(4)) : output
            for table in ReportFormat.csvTables(report) {
                try write(table.csv, to: "\(base)-\(table.name).csv")
            }
            return
        }
        let colour = output == nil && Terminal.stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let text = try format.render(report, colour: colour)
        if let output { try write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    /// `--fail-under`, `--fail-over`: exit 3 when the AI share of commits is outside the bound.
    private func checkThresholds(_ report: CensusKit.Report) throws {
        guard let share = report.aiShare.commits else { return }
        if let failUnder, share < failUnder {
            Terminal.error("AI share of commits \(Formatting.percent(share)) is below --fail-under \(Formatting.percent(failUnder))")
            throw ExitCode(CensusExitCode.threshold.rawValue)
        }
        if let failOver, share > failOver {
            Terminal.error("AI share of commits \(Formatting.percent(share)) is above --fail-over \(Formatting.percent(failOver))")
            throw ExitCode(CensusExitCode.threshold.rawValue)
        }
    }

    private func write(_ text: String, to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CensusFailure(message: "\(path): cannot write the report: the folder \(folder) does not exist")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CensusFailure(message: "\(path): cannot write the report (\(error.localizedDescription))")
        }
    }
}

extension Interval: ExpressibleByArgument {}
extension CommitDateField: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
