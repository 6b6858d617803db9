import ArgumentParser
import Attribution
import CensusKit
import CensusStore
import Foundation

enum CensusExitCode: Int32 {
    case success = 0
    /// Some repositories failed, others succeeded.
    case partial = 1
    /// Usage error, or nothing could be done.
    case usage = 2
}

/// A failure that ends the command with one line on stderr.
struct CensusFailure: Error {
    var message: String
    var code: CensusExitCode = .usage
}

enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("census: " + Reports.Sanitize.terminal(message) + "\n").utf8))
    }

    static func notice(_ message: String) { error(message) }

    /// Rewrites one status line on stderr; only when it is a terminal.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + message).utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

import Reports

/// `--db`, shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite store.",
        discussion: "Default: $CENSUS_DB, else $XDG_DATA_HOME/census/census.sqlite, else ~/.local/share/census/census.sqlite; created on first use.",
        valueName: "path"))
    var db: String?

    var path: String { db ?? CensusStore.defaultPath() }

    func open() throws -> CensusStore {
        do {
            return try CensusStore(path: path)
        } catch {
            throw CensusFailure(message: error.description, code: .usage)
        }
    }
}

/// `--since`, `--until`: dates or spans back from now.
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only commits on or after this date: 2026-01-31, an ISO-8601 time, or a span back from now (36h, 7d, 2w, 3m, 1y).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only commits before this date (same forms as --since).", valueName: "date"))
    var until: String?

    func bounds() throws -> (since: Int64?, until: Int64?) {
        func parse(_ text: String?, _ flag: String) throws -> Int64? {
            guard let text else { return nil }
            guard let value = DateArgument.parse(text) else {
                throw CensusFailure(message: "\(flag) '\(text)': not a date (use 2026-01-31, an ISO-8601 time, or 7d, 2w, 3m, 1y)")
            }
            return value
        }
        return (try parse(since, "--since"), try parse(until, "--until"))
    }
}

enum Catalogues {
    static func classifier() throws -> Classifier {
        do {
            return Classifier(catalogue: try Catalogue.bundled())
        } catch {
            throw CensusFailure(message: String(describing: error))
        }
    }
}

extension CensusStore {
    /// Ids of stored repositories that match `paths` (a repository's own path
    /// or a folder above several). Nil when `paths` is empty.
    func repositoryIDs(matching paths: [String]) throws -> [Int64]? {
        guard !paths.isEmpty else { return nil }
        var ids: [Int64] = []
        for path in paths {
            var candidates = [HistoryScanner.canonicalPath(path)]
            // A folder inside a work tree names the enclosing repository.
            if let repository = try? GitHistoryBridge.enclosingRepository(path) { candidates.append(repository) }
            var matched: [RepositoryRecord] = []
            for candidate in candidates where matched.isEmpty {
                let below = try repositories(under: candidate)
                // A repository's own path names it alone, not the repositories nested in it.
                let exact = below.filter { $0.path == candidate }
                matched = exact.isEmpty ? below : exact
            }
            if matched.isEmpty {
                throw CensusFailure(message: "\(path): no scanned repository here (run `census scan \(path)` first)")
            }
            ids += matched.compactMap(\.id)
        }
        return ids
    }
}

import GitHistory

enum GitHistoryBridge {
    static func enclosingRepository(_ path: String) throws -> String {
        let repository = try Repository(at: path, searchParents: true)
        return HistoryScanner.canonicalPath(repository.workDirectory ?? repository.gitDirectory)
    }
}
