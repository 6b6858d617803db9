import ArgumentParser
import CensusKit
import CensusStore
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
            let classifier = try common.classifier()
            // Progress only on a terminal: a first scan estimates its total for the ETA only then.
            let showProgress: @Sendable (ScanProgress) -> Void = { Terminal.progress($0.line) }
            let progress = Terminal.stderrIsTerminal ? showProgress : nil
            // Two repositories at once when there are several: a small
            // repository's scan is too short for its own stages to overlap, and
            // the store takes the writes of both in turn.
            let repositories = targets.repositories
            let workers = repositories.count > 1 ? min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1
            let board = ScanBoard(count: repositories.count)
            let quiet = quiet
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let scanner = HistoryScanner(store: store, classifier: classifier)
                scanner.progress = progress
                while let index = board.next() {
                    let target = repositories[index]
                    do {
                        let outcome = try scanner.scan(repositoryAt: target.path, searchParents: target.searchParents, lines: lines)
                        board.finish(index, .success(outcome)) { Self.show($0, quiet: quiet) }
                    } catch {
                        board.finish(index, .failure(error)) { Self.show($0, quiet: quiet) }
                    }
                }
            }
            Terminal.endProgress()
            succeeded = board.succeeded
            failures += board.failures
            if let storeError = board.storeError {
                // A store that cannot be written stops everything: the next
                // repository would fail the same way.
                for failure in failures { Terminal.error(failure) }
                throw CensusFailure(message: storeError.description, code: succeeded > 0 ? .partial : .usage)
            }
        }
        for failure in failures { Terminal.error(failure) }
        if failures.isEmpty { return }
        throw ExitCode(succeeded > 0 ? CensusExitCode.partial.rawValue : CensusExitCode.usage.rawValue)
    }

    /// What a finished scan says on stderr (notices always; the summary on a terminal).
    static func show(_ result: Result<ScanOutcome, any Error>, quiet: Bool) {
        Terminal.endProgress()
        guard case .success(let outcome) = result else { return }
        for notice in outcome.notices { Terminal.notice("\(outcome.path): \(notice)") }
        guard !quiet && Terminal.stderrIsTerminal else { return }
        var summary = "\(outcome.path): "
        switch outcome.status {
        case .upToDate: summary += "up to date"
        case .empty: summary += "empty"
        case .scanned: summary += "\(outcome.newCommits) new commits"
        }
        if outcome.reclassified > 0 { summary += ", \(outcome.reclassified) reclassified" }
        if outcome.lineStatsComputed > 0 { summary += ", line counts for \(outcome.lineStatsComputed)" }
        Terminal.status(summary)
    }
}

/// Hands out repositories to the scanning threads and reports their results
/// in the order the repositories were given, whichever finishes first.
final class ScanBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var results: [Result<ScanOutcome, any Error>?]
    private var nextToShow = 0
    private(set) var succeeded = 0
    private(set) var failures: [String] = []
    private(set) var storeError: StoreError?

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The next repository to scan; nil when all are taken or the store failed.
    func next() -> Int? {
        lock.withLock {
            guard storeError == nil, nextIndex < results.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func finish(_ index: Int, _ result: Result<ScanOutcome, any Error>, show: (Result<ScanOutcome, any Error>) -> Void) {
        lock.withLock {
            results[index] = result
            while nextToShow < results.count, let ready = results[nextToShow] {
                switch ready {
                case .success: succeeded += 1
                case .failure(let error as StoreError): storeError = storeError ?? error
                case .failure(let error): failures.append(String(describing: error))
                }
                show(ready)
                nextToShow += 1
            }
        }
    }
}
