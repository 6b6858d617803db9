import CensusStore
import Foundation

/// Builds a `Report` from the store's aggregate queries.
public struct ReportBuilder: Sendable {
    public var store: CensusStore
    public var filter: CommitFilter
    public var interval: Interval
    /// The paths the report was asked for; empty means every repository.
    public var repositoryPaths: [String]
    public var now: Date

    public init(store: CensusStore, filter: CommitFilter, interval: Interval, repositoryPaths: [String], now: Date = Date()) {
        self.store = store
        self.filter = filter
        self.interval = interval
        self.repositoryPaths = repositoryPaths
        self.now = now
    }

    public func build() throws -> Report {
        let tally = try store.tally(filter)
        let denominator = tally.ai + tally.human
        let ci = Statistics.wilson(tally.ai, denominator)
        let attestedCI = Statistics.wilson(tally.aiAttested, denominator)
        let linesDenominator = tally.linesAI + tally.linesHuman
        let share = Report.Share(
            commits: Statistics.share(tally.ai, denominator),
            commitsCi95: ci.map { [Self.round($0.low), Self.round($0.high)] },
            commitsAttested: Statistics.share(tally.aiAttested, denominator),
            commitsAttestedCi95: attestedCI.map { [Self.round($0.low), Self.round($0.high)] },
            lines: tally.commitsWithLines > 0 ? Statistics.share(tally.linesAI, linesDenominator) : nil,
            linesCoverage: Statistics.share(tally.commitsWithLines, tally.commits))

        let tools = try store.toolTallies(filter).map {
            Report.ToolFigure(tool: $0.tool, commits: $0.commits, attested: $0.attested,
                              share: Statistics.share($0.commits, denominator))
        }
        let repositories = try store.repositoryTallies(filter).map { entry in
            Report.RepositoryFigure(
                repository: entry.repository.path, name: entry.repository.name, commits: entry.tally.commits,
                ai: entry.tally.ai, human: entry.tally.human, bot: entry.tally.bot,
                aiShare: Statistics.share(entry.tally.ai, entry.tally.ai + entry.tally.human))
        }
        let periods = try store.periodTallies(filter, interval: interval)
        let trend = Self.filledPeriods(periods, interval: interval).map { period, tally in
            Report.Period(period: interval == .month ? String(period.prefix(7)) : period, start: period, commits: tally.commits, ai: tally.ai, human: tally.human, bot: tally.bot,
                          aiAttested: tally.aiAttested, aiShare: Statistics.share(tally.ai, tally.ai + tally.human))
        }

        return Report(
            schemaVersion: Report.schemaVersion,
            generatedAt: TimeFormat.utc(Int64(now.timeIntervalSince1970)),
            scope: Report.Scope(
                repositories: repositoryPaths,
                since: filter.since.map(TimeFormat.utc), until: filter.until.map(TimeFormat.utc),
                interval: interval, date: filter.dateField.rawValue, timezone: "UTC"),
            totals: Report.Totals(
                commits: tally.commits, merges: tally.merges, ai: tally.ai, human: tally.human, bot: tally.bot,
                aiAttested: tally.aiAttested, aiInferred: tally.aiInferred, aiAgent: tally.aiAgent,
                aiAssisted: tally.aiAssisted),
            aiShare: share,
            byTool: tools,
            byRepository: repositories,
            trend: trend,
            invariants: [
                "totals.commits = totals.ai + totals.human + totals.bot (merges excluded)",
                "ai_share.commits = totals.ai / (totals.ai + totals.human): bots and merges are outside the denominator",
                "by_tool counts overlap (a commit made with two tools counts for both): do not sum them",
                "only commits reachable from each repository's scanned HEAD are counted",
            ])
    }

    static func round(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// Inserts empty periods between the first and the last, so that a chart's
    /// x axis is time, not a list of active periods.
    static func filledPeriods(_ periods: [(period: String, tally: Tally)], interval: Interval) -> [(String, Tally)] {
        guard let first = periods.first?.period, let last = periods.last?.period,
              var day = Self.epochDays(first), let end = Self.epochDays(last) else {
            return periods.map { ($0.period, $0.tally) }
        }
        let byPeriod = Dictionary(periods.map { ($0.period, $0.tally) }, uniquingKeysWith: { a, _ in a })
        var result: [(String, Tally)] = []
        while day <= end && result.count < 10_000 {
            let key = TimeFormat.day(day * 86_400)
            result.append((key, byPeriod[key] ?? Tally()))
            switch interval {
            case .week: day += 7
            case .month:
                let parts = key.split(separator: "-").compactMap { Int($0) }
                let (year, month) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
                day = TimeFormat.epochDays(year: year, month: month, day: 1)
            }
        }
        return result
    }

    static func epochDays(_ isoDay: String) -> Int64? {
        let parts = isoDay.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return TimeFormat.epochDays(year: parts[0], month: parts[1], day: parts[2])
    }
}
