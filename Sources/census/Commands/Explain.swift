import ArgumentParser
import CensusKit
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show a commit's verdict and every signal that led to it.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("A commit id or a unique prefix of at least 4 digits.", valueName: "sha"))
    var sha: String

    @Option(name: .long, help: ArgumentHelp("The repository the commit is in: its path, or its id as census repos shows it.", valueName: "path|id"))
    var repo: String?

    func validate() throws {
        guard sha.count >= 4, sha.count <= 40, sha.allSatisfy(\.isHexDigit) else {
            throw ValidationError("'\(sha)' is not a commit id (4 to 40 hexadecimal digits)")
        }
    }

    func run() throws {
        let census = try common.open()
        do {
            print(ExplanationText.render(try census.explain(sha, repository: repo)), terminator: "")
        } catch let error as CensusError {
            throw CensusFailure(message: error.message)
        }
    }
}
