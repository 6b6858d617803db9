import ArgumentParser
import CensusKit
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the attribution rules and identities in force.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        // The rules need no store: none is opened (or created) for them.
        let catalogue: Catalogue
        do {
            catalogue = try (common.configuration() ?? CensusConfiguration()).catalogue()
        } catch let failure as CensusFailure {
            throw failure
        } catch {
            throw CensusFailure(message: String(describing: error))
        }
        switch format {
        case .json: print(try CatalogueText.json(catalogue), terminator: "")
        case .table: print(CatalogueText.table(catalogue), terminator: "")
        }
    }
}
