import ArgumentParser
import CensusKit
import Foundation

struct Repos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repos",
        abstract: "List scanned repositories: commits, last scan and last error.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let entries = try common.open().repositories()
        switch format {
        case .json: print(try RepositoryEntry.json(entries))
        case .table: print(RepositoryEntry.table(entries), terminator: "")
        }
    }
}
