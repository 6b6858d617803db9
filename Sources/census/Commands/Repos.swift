import ArgumentParser
import CensusStore
import Foundation
import Reports

struct Repos: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List scanned repositories: commits, last scan and last error.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let entries = try RepositoryEntry.all(in: try common.open())
        switch format {
        case .json:
            print(try RepositoryEntry.json(entries))
        case .table:
            if entries.isEmpty {
                print("No repositories scanned yet. Run: census scan PATH")
                return
            }
            print(ReportText.table(
                ["repository", "commits", "head", "last scan", "last error"],
                entries.map {
                    [Sanitize.terminal($0.path), "\($0.commits)", String(($0.head ?? "-").prefix(12)),
                     $0.lastScanAt ?? "never", Sanitize.terminal($0.lastError ?? "")]
                },
                rightAligned: [1]), terminator: "")
        }
    }
}
