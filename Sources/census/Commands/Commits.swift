import ArgumentParser
import CensusKit
import Foundation

struct Commits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commits",
        abstract: "List commits with their verdicts, reachable from each repository's scanned HEAD.")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this repository — its path, or its id as census repos shows it — or the repositories below this folder; repeatable.", valueName: "path|id"))
    var repo: [String] = []

    @OptionGroup var period: PeriodOptions

    @Option(name: .customLong("class"), help: "Only commits of this class: ai, human or bot.")
    var commitClass: CommitClass?

    @Option(help: "Output format: table, json, ndjson or csv.")
    var format: CommitListFormat = .table

    @Option(help: "At most this many commits, newest first.")
    var limit: Int?

    @Flag(help: "Replace author names and addresses with stable pseudonyms.")
    var anonymize = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let bounds = try period.bounds()
        let census = try common.open()
        var scope = Scope()
        scope.repositoryPaths = repo
        scope.since = bounds.since
        scope.until = bounds.until
        scope.classes = commitClass.map { [$0] }
        let output = FileHandle.standardOutput
        var buffer = ""
        func emit(_ line: String) {
            buffer += line + "\n"
            if buffer.utf8.count > 64 * 1024 {
                output.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        if let header = format.header { emit(header) }
        var first = true
        do {
            try census.commits(scope, limit: limit, anonymize: anonymize) { line in
                emit(format.line(line, first: first))
                first = false
            }
        } catch let error as CensusError {
            throw CensusFailure(message: error.message)
        }
        if let footer = format.footer { emit(footer) }
        output.write(Data(buffer.utf8))
    }
}

extension CommitClass: ExpressibleByArgument {}
extension CommitListFormat: ExpressibleByArgument {}
