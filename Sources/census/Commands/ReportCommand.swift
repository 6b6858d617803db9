import ArgumentParser
import CensusKit
import CensusStore
import Foundation
import Reports

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the AI share of commits and lines, by tool, repository and period.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this repository (or the repositories below this folder); repeatable.", valueName: "path"))
    var repo: [String] = []

    @OptionGroup var period: PeriodOptions

    @Option(help: "Trend periods: week or month.")
    var interval: Interval = .month

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        let bounds = try period.bounds()
        let store = try common.open()
        let ids = try store.repositoryIDs(matching: repo)
        let filter = CommitFilter(repositoryIDs: ids, since: bounds.since, until: bounds.until)
        let report = try ReportBuilder(store: store, filter: filter, interval: interval,
                                       repositoryPaths: repo.map(HistoryScanner.canonicalPath)).build()
        let text = switch format {
        case .json: try report.json() + "\n"
        case .text: ReportText.render(report)
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CensusFailure(message: "\(output): cannot write the report (\(error.localizedDescription))")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

extension Interval: ExpressibleByArgument {}
