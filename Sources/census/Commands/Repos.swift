import ArgumentParser
import CensusStore
import Foundation
import Reports

struct Repos: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List scanned repositories: commits, last scan and last error.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    struct Entry: Codable {
        var path: String
        var name: String
        var commits: Int
        var unreachableCommits: Int
        var head: String?
        var branch: String?
        var lastScanAt: String?
        var lastError: String?
        var lastErrorAt: String?
        var shallow: Bool
        var bare: Bool
    }

    func run() throws {
        let store = try common.open()
        let counts = try store.commitCounts()
        let entries = try store.repositories().map { repository in
            Entry(
                path: repository.path, name: repository.name,
                commits: counts[repository.id ?? -1]?.reachable ?? 0,
                unreachableCommits: counts[repository.id ?? -1]?.unreachable ?? 0,
                head: repository.scannedHead, branch: repository.headBranch,
                lastScanAt: repository.scannedAt.map { TimeFormat.utc(Int64($0)) },
                lastError: repository.lastError,
                lastErrorAt: repository.lastErrorAt.map { TimeFormat.utc(Int64($0)) },
                shallow: repository.isShallow, bare: repository.isBare)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        case .table:
            if entries.isEmpty {
                print("No repositories scanned yet. Run: census scan PATH")
                return
            }
            print(ReportText.table(
                ["repository", "commits", "head", "last scan", "last error"],
                entries.map {
                    [Sanitize.terminal($0.path), "\($0.commits)", String(($0.head ?? "-").prefix(12)),
                     $0.lastScanAt ?? "never", Sanitize.terminal($0.lastError ?? "")]
                },
                rightAligned: [1]), terminator: "")
        }
    }
}
