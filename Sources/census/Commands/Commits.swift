import ArgumentParser
import Attribution
import CensusStore
import Foundation
import Reports

struct Commits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List commits with their verdicts, reachable from each repository's scanned HEAD.")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this repository (or the repositories below this folder); repeatable.", valueName: "path"))
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
        let store = try common.open()
        let ids = try store.repositoryIDs(matching: repo)
        let filter = CommitFilter(repositoryIDs: ids, since: bounds.since, until: bounds.until,
                                  classes: commitClass.map { [$0] })
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
        var after: PageCursor?
        var remaining = limit ?? Int.max
        var first = true
        // Pages keep memory flat however large the store is.
        while remaining > 0 {
            let page = try store.commits(filter, limit: min(remaining, 5000), after: after)
            if page.isEmpty { break }
            for entry in page {
                var line = CommitLine(entry.commit, repositoryPath: entry.repositoryPath)
                if anonymize {
                    let pseudonym = ReportBuilder.anonymous(line.authorEmail)
                    line.authorName = pseudonym
                    line.authorEmail = pseudonym
                    line.evidence = line.evidence.map { _ in "(withheld: --anonymize)" }
                }
                emit(format.line(line, first: first))
                first = false
            }
            remaining -= page.count
            after = page.last.map { PageCursor(time: $0.commit.authoredAt, id: $0.commit.id ?? 0) }
        }
        if let footer = format.footer { emit(footer) }
        output.write(Data(buffer.utf8))
    }
}

extension CommitClass: ExpressibleByArgument {}
extension CommitListFormat: ExpressibleByArgument {}
