import ArgumentParser
import Attribution
import CensusKit
import CensusStore
import Foundation
import GitHistory
import Reports

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a commit's verdict and every signal that led to it.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("A commit id or a unique prefix of at least 4 digits.", valueName: "sha"))
    var sha: String

    @Option(name: .long, help: ArgumentHelp("The repository the commit is in.", valueName: "path"))
    var repo: String?

    func validate() throws {
        guard sha.count >= 4, sha.count <= 40, sha.allSatisfy(\.isHexDigit) else {
            throw ValidationError("'\(sha)' is not a commit id (4 to 40 hexadecimal digits)")
        }
    }

    func run() throws {
        let store = try common.open()
        // A repository not scanned yet is fine: the commit is classified live below.
        let ids = repo.map { (try? store.repositoryIDs(matching: [$0])) ?? [] }
        var matches = try store.commits(shaPrefix: sha).filter { ids == nil || ids!.contains($0.commit.repositoryId) }
        if matches.isEmpty {
            // Not scanned yet: derived from the repository as a scan would derive it.
            let path = repo ?? "."
            let live: LiveVerdict
            do {
                live = try LiveVerdict.derive(sha, inRepositoryAt: path, classifier: try common.classifier())
            } catch let failure as CensusFailure {
                throw failure
            } catch {
                throw CensusFailure(message: "\(sha): no such commit in the store\(repo.map { " or in \($0)" } ?? "")")
            }
            let commit = live.commit, verdict = live.verdict
            print("commit \(commit.id.hex)  (not in the store; classified now from \(Sanitize.terminal(live.location)))")
            print("author \(Sanitize.terminal(commit.author.name)) <\(Sanitize.terminal(commit.author.email))>")
            print("subject \(Sanitize.terminal(ParsedMessage(commit.message).subject))")
            printVerdict(verdict)
            return
        }
        if Set(matches.map(\.commit.sha)).count > 1 {
            let listed = Set(matches.map { String($0.commit.sha.prefix(12)) }).sorted().joined(separator: ", ")
            throw CensusFailure(message: "\(sha): ambiguous, matches \(listed); give more digits")
        }
        matches.sort { $0.repositoryPath < $1.repositoryPath }
        for (index, match) in matches.enumerated() {
            if index > 0 { print("") }
            let record = match.commit
            print("commit \(record.sha)")
            print("repository \(Sanitize.terminal(match.repositoryPath))")
            print("author \(Sanitize.terminal(record.authorName)) <\(Sanitize.terminal(record.authorEmail))>  \(TimeFormat.iso8601(record.authoredAt, offsetMinutes: record.authorOffset))")
            print("committer \(Sanitize.terminal(record.committerName)) <\(Sanitize.terminal(record.committerEmail))>")
            print("subject \(Sanitize.terminal(record.subject))")
            if record.isMerge { print("merge commit: shown, but not counted in shares") }
            if !record.reachable { print("not counted: no longer reachable from HEAD (history rewritten), or its scan has not completed") }
            printVerdict(record.verdict)
        }
    }

    private func printVerdict(_ verdict: Verdict) {
        var line = "verdict \(verdict.commitClass.rawValue)"
        if let confidence = verdict.confidence { line += ", \(confidence.rawValue)" }
        if let mode = verdict.mode { line += ", \(mode.rawValue)" }
        if !verdict.tools.isEmpty { line += " — tools: \(verdict.tools.joined(separator: ", "))" }
        print(line)
        if verdict.evidence.isEmpty {
            print("  no rule matched: no AI or automation trace in author, committer or message")
            return
        }
        for evidence in verdict.evidence {
            var text = "  \(evidence.counts ? "✓" : "·") \(evidence.rule) (\(evidence.kind.rawValue)"
            if let tool = evidence.tool { text += ", \(tool)" }
            text += ", \(evidence.indicates.rawValue), \(evidence.confidence.rawValue))"
            print(text)
            print("      matched: \(Sanitize.terminal(evidence.matched))")
            if !evidence.counts, let note = evidence.note { print("      not counted: \(note)") }
        }
    }
}
