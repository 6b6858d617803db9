import ArgumentParser
import CensusKit
import Foundation

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan repositories and store every commit's verdict.",
        discussion: """
            Each PATH is a repository (work tree or bare git directory) or a folder to search for \
            repositories. Re-scanning is incremental: commits already stored are not read again.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Repositories or folders holding repositories (default: the configuration's repositories and roots, else .).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Also record lines added and deleted per commit (as git show --numstat counts them).")
    var lines = false

    @Flag(help: "Also read the AI tools' session logs (Claude Code, Codex, Gemini CLI, aider): a commit their agent made is AI, with the tool and session as evidence. See census evidence.")
    var sessionLogs = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Option(help: ArgumentHelp("When another scan holds this store, wait this many seconds for it before giving up (exit 2).", valueName: "seconds"))
    var wait: Double = 600

    func run() throws {
        let configuration = try common.configuration()
        let targets = resolveTargets(configuration)
        for folder in targets.unreadable { Terminal.notice("\(folder): cannot read folder, skipped") }
        for entry in targets.undecodable { Terminal.notice("\(entry): name is not valid UTF-8, skipped") }
        var failures = targets.failures.map { "\($0.path): \($0.message)" }
        var summary = ScanSummary()
        if !targets.repositories.isEmpty {
            let census = try common.open()
            let lock = try census.scanLockPath.map(holdStore)
            defer { withExtendedLifetime(lock) {} }
            census.recordUnavailable(targets.failures)
            var request = ScanRequest(lines: lines || configuration?.scanLines == true)
            request.sessionLogs = sessionLogs || configuration?.sessionLogs == true
            // Progress only on a terminal: a first scan estimates its total for the ETA only then.
            if Terminal.stderrIsTerminal { request.progress = { Terminal.progress($0.line) } }
            let quiet = quiet
            do {
                summary = try census.scan(targets.repositories, request) { Self.show($0, quiet: quiet) }
            } catch {
                throw CensusFailure(message: String(describing: error))
            }
            Terminal.endProgress()
            failures += summary.failures
            if let storeError = summary.storeError {
                for failure in failures { Terminal.error(failure) }
                throw CensusFailure(message: storeError.description, code: summary.succeeded > 0 ? .partial : .usage)
            }
        }
        for failure in failures { Terminal.error(failure) }
        if failures.isEmpty { return }
        throw ExitCode(summary.succeeded > 0 ? CensusExitCode.partial.rawValue : CensusExitCode.usage.rawValue)
    }

    /// The paths given, else the configuration's repositories and roots, else the current folder.
    private func resolveTargets(_ configuration: CensusConfiguration?) -> ScanTargets.Resolved {
        if !paths.isEmpty { return ScanTargets.resolve(paths) }
        if let configuration, !(configuration.repositories.isEmpty && configuration.roots.isEmpty) {
            return ScanTargets.resolve(configuration)
        }
        return ScanTargets.resolve(["."])
    }

    /// One scan at a time per store: waits up to `--wait` seconds for another.
    private func holdStore(_ path: String) throws -> ScanLock {
        do {
            return try ScanLock(storePath: path, wait: wait) {
                if Terminal.stderrIsTerminal { Terminal.notice("waiting for another census scan on \(path) …") }
            }
        } catch {
            throw CensusFailure(message: String(describing: error))
        }
    }

    /// What a finished scan says on stderr (notices always; the summary on a terminal).
    static func show(_ report: ScanReport, quiet: Bool) {
        Terminal.endProgress()
        guard case .success(let outcome) = report.result else { return }
        for notice in outcome.notices { Terminal.notice("\(outcome.path): \(notice)") }
        guard !quiet && Terminal.stderrIsTerminal else { return }
        var summary = "\(outcome.path): "
        switch outcome.status {
        case .upToDate: summary += "up to date"
        case .empty: summary += "empty"
        case .scannedElsewhere: summary += "being scanned by another collector"
        case .scanned: summary += "\(outcome.newCommits) new commits"
        }
        if outcome.reclassified > 0 { summary += ", \(outcome.reclassified) reclassified" }
        if outcome.lineStatsComputed > 0 { summary += ", line counts for \(outcome.lineStatsComputed)" }
        Terminal.status(summary)
    }
}
