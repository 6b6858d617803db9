import ArgumentParser
import CensusKit
import Foundation

/// `census`: scan git repositories, classify every commit as AI, human or
/// bot, and report the AI share.
struct Census: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Measure how much of your git history AI coding tools wrote.",
        discussion: """
            --db and --config may also come before the subcommand (census --db x.sqlite report).

            Exit codes: 0 success; 1 some repositories failed and others succeeded \
            (the failures are listed on stderr); 2 usage error or nothing could be done; \
            3 report --fail-under/--fail-over: the AI share is outside the bound.
            """,
        version: CensusVersion.description,
        subcommands: [Scan.self, Report.self, Commits.self, Explain.self, Repos.self, Rules.self, Evidence.self, Config.self, Copy.self]
    )
}

/// The entry point: maps every failure to the documented exit codes, which
/// swift-argument-parser alone would not (it exits 64 on a usage error).
@main
enum CensusMain {
    static func main() {
        let arguments = Arguments.reordered(Array(CommandLine.arguments.dropFirst()))
        if let problem = Arguments.unknownSubcommand(arguments, known: Census.configuration.subcommands.map { $0._commandName }) {
            Terminal.error(problem)
            exit(CensusExitCode.usage.rawValue)
        }
        do {
            var command = try Census.parseAsRoot(arguments)
            try command.run()
        } catch let failure as CensusFailure {
            Terminal.error(failure.message)
            exit(failure.code.rawValue)
        } catch let error as CensusError {
            Terminal.error(error.message)
            exit(CensusExitCode.usage.rawValue)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let exitCode = Census.exitCode(for: error)
            if exitCode == .success {
                // --help and --version.
                print(Census.fullMessage(for: error))
                exit(0)
            }
            FileHandle.standardError.write(Data((Census.fullMessage(for: error) + "\n").utf8))
            exit(CensusExitCode.usage.rawValue)
        }
    }
}
