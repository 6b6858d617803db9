import ArgumentParser
import CensusKit
import Foundation

struct Evidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "List the AI tools' session logs found on this machine: what they hold and which stored commits they claim.",
        discussion: """
            Claude Code (~/.claude*/projects, $CLAUDE_CONFIG_DIR), Codex ($CODEX_HOME or ~/.codex), Gemini CLI \
            (~/.gemini/tmp) and aider (.aider.chat.history.md in each scanned repository). Read only: counts and \
            dates are shown, never a prompt, a command or any other text of a log.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let sources = try common.open().evidenceSources()
        switch format {
        case .json: print(try EvidenceSource.json(sources))
        case .table: print(EvidenceSource.table(sources), terminator: "")
        }
    }
}
