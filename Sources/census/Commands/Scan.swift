import ArgumentParser
import CensusKit
import Foundation

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Option(help: ArgumentHelp("When another scan holds this store, wait this many seconds for it before giving up (exit 2).", valueName: "seconds"))
    var wait: Double = 600

    func run() throws {
        let configuration = try common.configuration()
        var targets: ScanTargets.Resolved
        if !paths.isEmpty {
            targets = ScanTargets.resolve(paths)
        } else if let configuration, !(configuration.repositories.isEmpty && configuration.roots.isEmpty) {
            targets = ScanTargets.resolve(configuration.repositories)
            for root in configuration.roots {
                let discovery = RepositoryDiscovery(maxDepth: root.depth,
                                                    excludedNames: RepositoryDiscovery().excludedNames.union(root.exclude))
                targets.merge(ScanTargets.resolve([root.path], discovery: discovery))
            }
        } else {
            targets = ScanTargets.resolve(["."])
        }
        let lines = lines || configuration?.scanLines == true
        for folder in targets.unreadable { Terminal.notice("\(folder): cannot read folder, skipped") }
        for entry in targets.undecodable { Terminal.notice("\(entry): name is not valid UTF-8, skipped") }
        var failures = targets.failures.map { "\($0.path): \($0.message)" }
        var succeeded = 0
        if !targets.repositories.isEmpty {
            let store = try common.open()
            let lock: ScanLock
            do {
                lock = try ScanLock(storePath: store.path, wait: wait) {
                    if Terminal.stderrIsTerminal { Terminal.notice("waiting for another census scan on \(store.path) …") }
                }
            } catch {
                throw CensusFailure(message: String(describing: error))
            }
            defer { withExtendedLifetime(lock) {} }
            let scanner = HistoryScanner(store: store, classifier: try common.classifier())
            scanner.progress = { progress in
                var line = "\(progress.path): \(progress.phase) \(progress.done)"
                if let total = progress.total { line += "/\(total)" }
                line += " (\(Int(progress.rate))/s"
                if let remaining = progress.remaining { line += ", about \(Self.duration(remaining)) left" }
                Terminal.progress(line + ")")
            }
            for target in targets.repositories {
                do {
                    let outcome = try scanner.scan(repositoryAt: target.path, searchParents: target.searchParents, lines: lines)
                    Terminal.endProgress()
                    for notice in outcome.notices { Terminal.notice("\(outcome.path): \(notice)") }
                    if !quiet && Terminal.stderrIsTerminal {
                        var summary = "\(outcome.path): "
                        switch outcome.status {
                        case .upToDate: summary += "up to date"
                        case .empty: summary += "empty"
                        case .scanned: summary += "\(outcome.newCommits) new commits"
                        }
                        if outcome.reclassified > 0 { summary += ", \(outcome.reclassified) reclassified" }
                        if outcome.lineStatsComputed > 0 { summary += ", line counts for \(outcome.lineStatsComputed)" }
                        FileHandle.standardError.write(Data((summary + "\n").utf8))
                    }
                    succeeded += 1
                } catch {
                    Terminal.endProgress()
                    // A store that cannot be written stops everything: the next
                    // repository would fail the same way.
                    if let storeError = error as? StoreError {
                        throw CensusFailure(message: storeError.description, code: succeeded > 0 ? .partial : .usage)
                    }
                    failures.append(String(describing: error))
                }
            }
        }
        for failure in failures { Terminal.error(failure) }
        if failures.isEmpty { return }
        throw ExitCode(succeeded > 0 ? CensusExitCode.partial.rawValue : CensusExitCode.usage.rawValue)
    }

    /// `45 s`, `3 min`, `1 h 20 min`: an estimate, so coarse.
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\((whole + 30) / 60) min" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }
}

import CensusStore
