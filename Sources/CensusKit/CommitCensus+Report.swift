import CensusStore
import Foundation
import GitHistory
import Reports

/// Which commits a report, a list or a metric covers. Every part is optional:
/// the default is every commit of every scanned repository.
public struct Scope: Sendable {
    /// Repositories named by path (a repository's own path, a folder above
    /// several, or a folder inside a work tree), as `--repo` gives them.
    public var repositoryPaths: [String] = []
    /// Repositories named by their store ids, as `?repo=` gives them (repeatable).
    public var repositoryIDs: [Int64] = []
    /// Unix times: commits on or after `since`, before `until`.
    public var since: Int64?
    public var until: Int64?
    public var dateField: CommitDateField = .author
    /// Only these classes (`census commits --class`).
    public var classes: [CommitClass]?
    /// Only the people of this team of the configuration.
    public var team: String?

    public init() {}
}

/// The formats a report is written in.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, csv, markdown, html

    /// The file name extension a report of this format is written with.
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .markdown: "md"
        default: rawValue
        }
    }

    /// The format a file name's extension asks for (`report.html`, `.htm`,
    /// `.json`, `.csv`, `.md`, `.markdown`, `.txt`); nil for any other.
    public static func forFile(_ path: String) -> ReportFormat? {
        let aliases = ["htm": ReportFormat.html, "markdown": .markdown, "text": .text]
        let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
        return allCases.first { $0.fileExtension == suffix } ?? aliases[suffix]
    }

    /// The report in this format; `colour` only matters for text on a terminal.
    public func render(_ report: Report, colour: Bool = false) throws -> String {
        switch self {
        case .json: try report.json() + "\n"
        case .text: ReportText.render(report, colour: colour)
        case .csv: ReportCSV.render(report)
        case .markdown: ReportMarkdown.render(report)
        case .html: ReportHTML.render(report)
        }
    }

    /// One tidy CSV table per figure, each named (`totals`, `by_tool`, …).
    public static func csvTables(_ report: Report) -> [(name: String, csv: String)] {
        ReportCSV.tables(report)
    }

    /// censusd's dashboard: the HTML report with the server's own filter
    /// form above it and its repository table below (both already escaped).
    public static func dashboard(_ report: Report, controls: String, appendix: String) -> String {
        ReportHTML.render(report, title: "CommitCensus", controls: controls, appendix: appendix)
    }
}

extension CommitCensus {
    /// The report settings of the configuration (teams, market, minimum
    /// group, time zone), which a caller's flags then override.
    public func reportOptions() -> ReportOptions {
        ReportOptions(configuration: configuration)
    }

    /// The report of `scope`, made with `options`.
    ///
    /// A team's report is a figure about a group of people: below the
    /// minimum group (`options.minGroup` active people in the scope) it is
    /// withheld — a `CensusError` of kind `.withheld` — however it is asked
    /// for (CLI, API, dashboard, any format).
    public func report(_ scope: Scope, options: ReportOptions) throws -> Report {
        var options = options
        let selection = try repositorySelection(scope.repositoryPaths)
        let filter = try filter(scope, selection: selection)
        if scope.team != nil { options.teams = [:] }
        options.team = scope.team
        options.repositoryPaths = selection?.paths ?? []
        if !scope.repositoryIDs.isEmpty {
            options.repositoryPaths += try store.repositories().filter { scope.repositoryIDs.contains($0.id ?? 0) }.map(\.path)
        }
        let report = try ReportBuilder(store: store, filter: filter, options: options).build()
        if let team = scope.team, report.adoption.activeAuthors < options.minGroup {
            throw CensusError("team '\(team)': fewer active people than the minimum group (\(options.minGroup)) in this scope; "
                              + "figures about this group are withheld", kind: .withheld)
        }
        return report
    }

    /// The store's filter for `scope`: repositories resolved, the team's people looked up.
    func filter(_ scope: Scope) throws -> CommitFilter {
        try filter(scope, selection: repositorySelection(scope.repositoryPaths))
    }

    /// The filter for `scope` whose repositories `selection` resolved.
    private func filter(_ scope: Scope, selection: (ids: [Int64], paths: [String])?) throws -> CommitFilter {
        if let since = scope.since, let until = scope.until, since >= until {
            throw CensusError("since (\(TimeFormat.utc(since))) is not before until (\(TimeFormat.utc(until))): the period holds no time")
        }
        var ids = selection?.ids
        if !scope.repositoryIDs.isEmpty { ids = (ids ?? scope.repositoryIDs).filter(scope.repositoryIDs.contains) }
        var filter = CommitFilter(repositoryIDs: ids, since: scope.since, until: scope.until,
                                  dateField: scope.dateField, classes: scope.classes)
        if let team = scope.team {
            guard let patterns = configuration.teams[team] else {
                throw CensusError("--team '\(team)': no such team in the configuration (known: \(configuration.teams.keys.sorted().joined(separator: ", ")))")
            }
            filter.people = patterns
        }
        return filter
    }

    /// Ids of stored repositories that `names` name (see `repositorySelection`).
    /// Nil when `names` is empty.
    func repositoryIDs(matching names: [String]) throws -> [Int64]? {
        try repositorySelection(names)?.ids
    }

    /// The stored repositories `names` name — each a path (a repository's
    /// own, or a folder above several; a folder inside a work tree names its
    /// repository) or a repository's id as `census repos` and the API show
    /// it — and the paths a report's scope states for them. Nil when `names` is empty.
    func repositorySelection(_ names: [String]) throws -> (ids: [Int64], paths: [String])? {
        guard !names.isEmpty else { return nil }
        var ids: [Int64] = [], paths: [String] = []
        for name in names {
            if let byID = try storedRepository(id: name) {
                ids.append(byID.id ?? 0)
                paths.append(byID.path)
                continue
            }
            ids += try repositoryIDs(at: name)
            paths.append(HistoryScanner.canonicalPath(name))
        }
        return (ids, paths)
    }

    /// The repository whose id `name` is, unless a file or folder of that name is here.
    func storedRepository(id name: String) throws -> RepositoryRecord? {
        guard let id = Int64(name), id > 0, !FileManager.default.fileExists(atPath: name) else { return nil }
        return try store.repositories().first { $0.id == id }
    }

    private func repositoryIDs(at path: String) throws -> [Int64] {
        var candidates = [HistoryScanner.canonicalPath(path)]
        if let repository = try? Repository(at: path, searchParents: true) {
            candidates.append(HistoryScanner.location(of: repository))
        }
        var matched: [RepositoryRecord] = []
        for candidate in candidates where matched.isEmpty {
            let below = try store.repositories(under: candidate)
            // A repository's own path names it alone, not the repositories nested in it.
            let exact = below.filter { $0.path == candidate }
            matched = exact.isEmpty ? below : exact
        }
        if matched.isEmpty {
            let orID = Int64(path) == nil ? "" : " nor a stored repository's id (census repos lists them)"
            throw CensusError("\(path): no scanned repository here\(orID) (run `census scan \(path)` first)")
        }
        return matched.compactMap(\.id)
    }
}
