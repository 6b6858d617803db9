import Attribution
import CensusStore
import Foundation

/// What a report covers and how it is cut, beyond the commit filter.
public struct ReportOptions: Sendable {
    public var interval: Interval = .month
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
    /// How the time zone was written (`UTC`, `+02:00`, `Europe/Berlin`), for display.
    public var timeZoneLabel = "UTC"
    /// Team name → email globs or names.
    public var teams: [String: [String]] = [:]
    /// Per-team and per-person figures need at least this many people.
    public var minGroup = 5
    /// Replace people's names with stable hashes everywhere.
    public var anonymize = false
    public var marketLowUSD = 1.0e12
    public var marketHighUSD = 2.0e12
    /// Loaded annual cost of one engineer (salary, taxes, benefits, tools).
    public var loadedAnnualCostUSD = 200_000.0
    /// A team's own loaded cost, for its reports (`market.loaded_cost_by_team`).
    public var loadedCostByTeam: [String: Double] = [:]
    /// People with fewer commits than this in scope are drive-by: not on the payroll.
    public var driveByCommits = 3
    /// An AI tool's cost per seat a year, for a net figure (`market.tool_cost_per_seat_usd`).
    public var toolCostPerSeatUSD: Double?
    /// The paths the report was asked for; empty means every repository.
    public var repositoryPaths: [String] = []
    /// The team the report is about, for its scope line.
    public var team: String?
    public var now = Date()

    public init() {}
}

/// Builds a `Report` from the store's aggregate queries.
public struct ReportBuilder: Sendable {
    public var store: any CommitStore
    public var filter: CommitFilter
    public var options: ReportOptions

    public init(store: any CommitStore, filter: CommitFilter, options: ReportOptions) {
        self.store = store
        self.filter = filter
        self.options = options
    }

    /// The figures behind the public benchmarks shown beside a team's share
    /// (shared/reference/market-figures.md).
    public static let benchmarks: [Report.Projection.Benchmark] = [
        .init(figure: "AI-generated share of GitHub code commits", value: 0.02, unit: "share",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
        .init(figure: "AI-generated share of code commits worldwide", value: 0.05, unit: "share",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
        .init(figure: "Public GitHub commits carrying Claude Code's co-author trailer", value: 0.04, unit: "share",
              source: "SemiAnalysis, \"Claude Code is the Inflection Point\"", date: "2026-02"),
        .init(figure: "Claude Code share of public commits, independent replication", value: 0.045, unit: "share",
              source: "newsletter.aifoc.us (0.7% in 2025-09)", date: "2026-03"),
        .init(figure: "Identifiable AI signatures in public commits", value: 0.04, unit: "share",
              source: "handmadecode.dev (own estimate of the true share: about 25%)", date: "2026"),
        .init(figure: "Global software-engineer salaries", value: 2.0e12, unit: "usd_per_year",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
        .init(figure: "Global software work and wage market", value: 1.0e12, unit: "usd_per_year",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
    ]

    public func build() throws -> Report {
        // One pass over the commits in scope gives every figure below; the
        // periods are cut first from the scope's time range (two index probes).
        let range = try store.timeRange(filter)
        let trendPeriods = range.map { Periods.covering(first: $0.first, last: $0.last, interval: options.interval, zone: options.timeZone) } ?? []
        let months = options.interval == .month ? trendPeriods
            : range.map { Periods.covering(first: $0.first, last: $0.last, interval: .month, zone: options.timeZone) } ?? []
        let aggregation = try store.aggregate(filter, periodSets: [trendPeriods, months], teams: options.teams)
        let tally = aggregation.tally
        let denominator = tally.ai + tally.human
        var share = Self.share(tally)
        share.adopterCommits = Statistics.share(aggregation.adopterCommits, denominator)
        share.sessionLogHorizon = SessionHorizon.byTool(try store.sessionHorizonRecords()).map {
            Report.HorizonFigure(tool: $0.tool, oldest: TimeFormat.utc($0.oldest), newest: TimeFormat.utc($0.newest), collectors: $0.collectors)
        }

        let tools = aggregation.tools.map {
            Report.ToolFigure(tool: $0.tool, commits: $0.commits, attested: $0.attested,
                              share: Statistics.share($0.commits, denominator))
        }
        let modes = [
            Report.ModeFigure(mode: "agent", commits: tally.aiAgent, share: Statistics.share(tally.aiAgent, denominator)),
            Report.ModeFigure(mode: "assisted", commits: tally.aiAssisted, share: Statistics.share(tally.aiAssisted, denominator)),
        ]
        let repositories = try repositoryFigures(aggregation)

        let adoptionCI = Statistics.wilson(tally.aiAuthors, tally.activeAuthors)
        let adoption = Report.Adoption(
            activeAuthors: tally.activeAuthors, aiAuthors: tally.aiAuthors,
            rate: Statistics.share(tally.aiAuthors, tally.activeAuthors),
            rateCi95: adoptionCI.map { [Self.round($0.low), Self.round($0.high)] })

        let teams = teamFigures(aggregation)
        let authors = authorFigures(aggregation)

        let trend = buildTrend(trendPeriods, tallies: aggregation.periods[0], tools: aggregation.periodTools[0])
        let projection = buildProjection(share: share, aggregation: aggregation, months: months)

        return Report(
            schemaVersion: Report.schemaVersion,
            generatedAt: TimeFormat.utc(Int64(options.now.timeIntervalSince1970)),
            scope: Report.Scope(
                repositories: options.repositoryPaths,
                since: filter.since.map(TimeFormat.utc), until: filter.until.map(TimeFormat.utc),
                interval: options.interval, date: filter.dateField.rawValue, timezone: options.timeZoneLabel,
                minGroup: options.minGroup, anonymized: options.anonymize, team: options.team,
                repositoryIds: (filter.repositoryIDs ?? []).sorted()),
            totals: Report.Totals(
                commits: tally.commits, merges: tally.merges, ai: tally.ai, human: tally.human, bot: tally.bot,
                aiAttested: tally.aiAttested, aiInferred: tally.aiInferred, aiAgent: tally.aiAgent,
                aiAssisted: tally.aiAssisted, adopterCommits: aggregation.adopterCommits),
            aiShare: share,
            byTool: tools,
            byMode: modes,
            byRepository: repositories,
            byTeam: teams,
            byAuthor: authors,
            adoption: adoption,
            trend: trend,
            projection: projection,
            invariants: [
                "totals.commits = totals.ai + totals.human + totals.bot (merges excluded)",
                "ai_share.commits = totals.ai / (totals.ai + totals.human): bots and merges are outside the denominator",
                "by_tool counts overlap (a commit made with two tools counts for both): do not sum them",
                "by_mode: agent + assisted = totals.ai",
                "ai_share.by_source counts each AI commit once, for its strongest evidence: its commits add up to totals.ai",
                "ai_share.adopter_commits = totals.adopter_commits / (totals.ai + totals.human): exposure to AI, an upper reference, not AI",
                "adoption counts people, not agents: an agent's commit counts for the person it names",
                "only commits reachable from each repository's scanned HEAD are counted",
                "team and per-person figures are withheld for groups smaller than scope.min_group",
            ])
    }

    /// The AI share of commits (all AI, and attested only) and of lines, with 95% intervals.
    static func share(_ tally: Tally) -> Report.Share {
        let denominator = tally.ai + tally.human
        let ci = Statistics.wilson(tally.ai, denominator)
        let attestedCI = Statistics.wilson(tally.aiAttested, denominator)
        let linesDenominator = tally.linesAI + tally.linesHuman
        return Report.Share(
            commits: Statistics.share(tally.ai, denominator),
            commitsCi95: ci.map { [round($0.low), round($0.high)] },
            commitsAttested: Statistics.share(tally.aiAttested, denominator),
            commitsAttestedCi95: attestedCI.map { [round($0.low), round($0.high)] },
            lines: tally.commitsWithLines > 0 ? Statistics.share(tally.linesAI, linesDenominator) : nil,
            linesCoverage: Statistics.share(tally.commitsWithLines, tally.commits),
            linesUntracked: tally.commitsWithLines > 0 ? Statistics.share(tally.linesUntracked, linesDenominator + tally.linesUntracked) : nil,
            bySource: EvidenceSource.allCases.map { source in
                let commits = tally[keyPath: Tally.aiCommits(from: source)]
                return Report.SourceFigure(source: source.rawValue, commits: commits, share: Statistics.share(commits, denominator))
            })
    }

    /// Per repository in scope, by path.
    private func repositoryFigures(_ aggregation: Aggregation) throws -> [Report.RepositoryFigure] {
        // Straight from the records to the figures: at 10,000 repositories
        // copying each record into a sorted list was a tenth of a report's CPU.
        var figures: [Report.RepositoryFigure] = []
        for repository in try store.repositories() {
            guard let id = repository.id, let tally = aggregation.repositories[id] else { continue }
            figures.append(Report.RepositoryFigure(
                repository: repository.path, name: repository.name, id: id,
                commits: tally.commits, ai: tally.ai, human: tally.human, bot: tally.bot,
                aiShare: Statistics.share(tally.ai, tally.ai + tally.human),
                adoptedAt: repository.adoption.map { TimeFormat.utc($0.at) },
                adoptionCommit: repository.adoption?.commit, adoptionFiles: repository.adoption?.files))
        }
        return figures.sorted { $0.repository < $1.repository }
    }

    /// Per team of the options; a team with fewer people than the minimum group is withheld.
    private func teamFigures(_ aggregation: Aggregation) -> [Report.TeamFigure] {
        options.teams.keys.sorted().map { team -> Report.TeamFigure in
            let teamTally = aggregation.teams[team] ?? Tally()
            guard teamTally.activeAuthors >= options.minGroup else {
                return Report.TeamFigure(team: team, suppressed: true)
            }
            return Report.TeamFigure(
                team: team, suppressed: false, commits: teamTally.commits, ai: teamTally.ai, human: teamTally.human,
                bot: teamTally.bot, aiShare: Statistics.share(teamTally.ai, teamTally.ai + teamTally.human),
                activeAuthors: teamTally.activeAuthors, aiAuthors: teamTally.aiAuthors)
        }
    }

    /// Per person, only when the scope has at least the minimum group of people.
    private func authorFigures(_ aggregation: Aggregation) -> [Report.AuthorFigure] {
        guard aggregation.tally.activeAuthors >= options.minGroup else { return [] }
        return aggregation.people.map { person in
            Report.AuthorFigure(
                author: options.anonymize ? Self.anonymous(person.email) : "\(person.name) <\(person.email)>",
                commits: person.commits, ai: person.ai, aiShare: Statistics.share(person.ai, person.commits))
        }
    }

    private func buildTrend(_ periods: [(label: String, start: Int64, end: Int64)], tallies: [String: Tally],
                            tools: [String: [String: Int]]) -> [Report.Period] {
        let now = Int64(options.now.timeIntervalSince1970)
        return periods.map { period in
            var figures = figure(period, tally: tallies[period.label] ?? Tally(), tools: tools)
            let cut = (filter.since.map { period.start < $0 } ?? false) || period.end > min(filter.until ?? .max, now)
            figures.partial = cut ? true : nil
            return figures
        }
    }

    /// One period of the trend; a team's with a few people in it withheld.
    private func figure(_ period: (label: String, start: Int64, end: Int64), tally: Tally, tools: [String: [String: Int]]) -> Report.Period {
        // A team's period with a few people in it is figures about those few.
        if options.team != nil, tally.activeAuthors > 0, tally.activeAuthors < options.minGroup {
            return Report.Period(period: period.label, start: TimeFormat.utc(period.start), commits: 0, ai: 0, human: 0, bot: 0,
                                 aiAttested: 0, aiShare: nil, activeAuthors: 0, aiAuthors: 0, adoptionRate: nil, byTool: [:],
                                 withheld: true)
        }
        return Report.Period(
            period: period.label, start: TimeFormat.utc(period.start), commits: tally.commits, ai: tally.ai,
            human: tally.human, bot: tally.bot, aiAttested: tally.aiAttested,
            aiShare: Statistics.share(tally.ai, tally.ai + tally.human),
            activeAuthors: tally.activeAuthors, aiAuthors: tally.aiAuthors,
            adoptionRate: Statistics.share(tally.aiAuthors, tally.activeAuthors),
            byTool: tools[period.label] ?? [:])
    }

    private func buildProjection(share: Report.Share, aggregation: Aggregation,
                                 months: [(label: String, start: Int64, end: Int64)]) -> Report.Projection {
        let market = Report.Range(low: options.marketLowUSD, high: options.marketHighUSD)
        let (basis, shareRange) = Self.shareRange(share)
        let wage = shareRange.map { Report.Range(low: $0.low * market.low, high: $0.high * market.high) }
        let world = Report.Range(low: Self.benchmarks[0].value, high: Self.benchmarks[1].value)

        let forecast = forecast(months: months, tallies: aggregation.periods[1])
        var assumptions = Self.assumptions(market: market, basis: basis, options: options)
        if let reason = forecast.reason { assumptions.append("No forecast: \(reason).") }
        return Report.Projection(marketUsd: market, shareRange: shareRange, wageImpactUsd: wage, shareBasis: basis,
                                 world: .init(share: world, wageUsd: Report.Range(low: world.low * market.low, high: world.high * market.high)),
                                 marketDefinitions: Self.marketDefinitions,
                                 team: scopeValue(range: shareRange, aggregation: aggregation, months: months.count),
                                 benchmarks: Self.benchmarks, forecast: forecast, assumptions: assumptions)
    }

    /// Checks of the forecast against the history's own past needed before one
    /// is drawn, and the share of them its 95% band must hold.
    static let backtestChecksNeeded = 12
    static let backtestCoverageNeeded = 0.85
    /// A band six months ahead wider than this says nothing worth drawing.
    static let maximumBandWidth = 0.8

    /// The monthly forecast, whatever the trend's interval: drawn only when a
    /// fit tested on this history's own past held its 95% band about as often
    /// as it says; otherwise the reason it is not.
    func forecast(months: [(label: String, start: Int64, end: Int64)], tallies: [String: Tally]) -> Report.Projection.Forecast {
        var forecast = Report.Projection.Forecast(method: "none", monthsOfData: 0, lastMonth: months.last?.label, horizons: [],
                                                  monthsUntil: ["0.1": nil, "0.25": nil, "0.5": nil], history: [])
        let points = months.enumerated().map { index, month in
            let t = tallies[month.label] ?? Tally()
            return ShareTrendFit.Point(t: Double(index), successes: t.ai, trials: t.ai + t.human)
        }
        forecast.monthsOfData = points.filter { $0.trials > 0 }.count
        for (key, threshold) in [("0.1", 0.1), ("0.25", 0.25), ("0.5", 0.5)] {
            if let month = Self.reached(threshold, points: points, months: months.map(\.label)) { forecast.reached[key] = month }
        }
        let tested = ShareTrendFit.backtest(points)
        forecast.backtest = .init(checks: tested.checks, inside: tested.inside,
                                  coverage: tested.checks > 0 ? Self.round(Double(tested.inside) / Double(tested.checks)) : nil)
        let fit = ShareTrendFit.fit(points)
        forecast.reason = Self.forecastRefusal(fit: fit, checks: tested.checks, inside: tested.inside,
                                               sixMonths: fit?.prediction(at: Double(months.count + 5), ahead: 6))
        let drawn = forecast.reason == nil ? fit : nil
        forecast.history = months.enumerated().map { index, month in
            let point = points[index]
            // As in the trend: a team's month with a few people in it is not shown.
            let active = tallies[month.label]?.activeAuthors ?? 0
            let withheld = options.team != nil && active > 0 && active < options.minGroup
            return .init(month: month.label,
                         share: point.trials > 0 && !withheld ? Double(point.successes) / Double(point.trials) : nil,
                         fitted: drawn.map { Self.round($0.share(at: Double(index)).value) })
        }
        guard let fit = drawn, let lastMonth = months.last else { return forecast }
        forecast.method = fit.method.rawValue
        forecast.ceiling = fit.method == .logistic ? Self.round(fit.ceiling) : nil
        let last = Double(months.count - 1)
        forecast.horizons = [6, 12, 24].map { ahead in
            let value = fit.prediction(at: last + Double(ahead), ahead: Double(ahead))
            return .init(months: ahead, month: Self.month(lastMonth.label, plus: ahead),
                         share: Self.round(value.value), low: Self.round(value.low), high: Self.round(value.high))
        }
        for (key, threshold) in [("0.1", 0.1), ("0.25", 0.25), ("0.5", 0.5)] {
            if forecast.reached[key] != nil || fit.share(at: last).value >= threshold {
                forecast.monthsUntil[key] = 0
            } else if let month = fit.month(reaching: threshold), month - last < 1200 {
                forecast.monthsUntil[key] = Int((month - last).rounded(.up))
            } else {
                forecast.monthsUntil[key] = .some(nil)
            }
        }
        return forecast
    }

    /// Why no forecast is drawn; nil when one is.
    static func forecastRefusal(fit: ShareTrendFit.Fit?, checks: Int, inside: Int,
                                sixMonths: (value: Double, low: Double, high: Double)?) -> String? {
        guard fit != nil else { return "too few months with commits to fit a trend" }
        guard checks >= backtestChecksNeeded else {
            return "tested against this history's own past only \(checks) time\(checks == 1 ? "" : "s") (\(backtestChecksNeeded) needed): too short a history to trust one"
        }
        let coverage = Double(inside) / Double(checks)
        guard coverage >= backtestCoverageNeeded else {
            return "tested against this history's own past, its 95% band held \(inside) of \(checks) months (\(Int((coverage * 100).rounded()))%): the history does not support one"
        }
        if let band = sixMonths, band.high - band.low > maximumBandWidth {
            return "its 95% band six months ahead would span \(Formatting.percent(band.low))–\(Formatting.percent(band.high)): the months scatter too much to forecast"
        }
        return nil
    }

    /// The first month from which every month with commits is at or above
    /// `threshold`, when the last three months with commits are: a threshold
    /// the history has passed, whatever the fit says.
    static func reached(_ threshold: Double, points: [ShareTrendFit.Point], months: [String]) -> String? {
        let observed = points.indices.filter { points[$0].trials > 0 }
        func above(_ index: Int) -> Bool { Double(points[index].successes) / Double(points[index].trials) >= threshold }
        guard observed.count >= 3, observed.suffix(3).allSatisfy(above) else { return nil }
        var first = observed.last!
        for index in observed.reversed() { if above(index) { first = index } else { break } }
        return months[first]
    }

    /// The share that drives the dollars: lines when line counts cover the
    /// scope (the point estimate), else commits (attested-only lower 95% bound
    /// to the full share's upper 95% bound).
    static func shareRange(_ share: Report.Share) -> (basis: String, range: Report.Range?) {
        if let lines = share.lines, (share.linesCoverage ?? 0) >= 0.9 {
            return ("lines", Report.Range(low: lines, high: lines))
        }
        guard let high = share.commitsCi95?[1], let low = share.commitsAttestedCi95?[0] else { return ("commits", nil) }
        return ("commits", Report.Range(low: low, high: high))
    }

    /// The scope's own figure: its people weighted by how much of the scope's
    /// time they committed in, at its loaded cost, times its share; nil
    /// without a share or people.
    func scopeValue(range: Report.Range?, aggregation: Aggregation, months: Int) -> Report.Projection.Team? {
        guard let range, aggregation.tally.activeAuthors > 0 else { return nil }
        let active = aggregation.activePeriods.count > 1 ? aggregation.activePeriods[1] : [:]
        var fte = 0.0, driveBy = 0
        for person in aggregation.people {
            if person.commits < options.driveByCommits { driveBy += 1; continue }
            fte += min(1, Double(active[person.email] ?? 0) / Double(max(1, months)))
        }
        let cost = options.team.flatMap { options.loadedCostByTeam[$0] } ?? options.loadedAnnualCostUSD
        let payroll = fte * cost
        let value = Report.Range(low: range.low * payroll, high: range.high * payroll)
        let toolCost = options.toolCostPerSeatUSD.map { $0 * Double(aggregation.tally.aiAuthors) }
        return .init(headcount: aggregation.tally.activeAuthors, loadedAnnualCostUsd: cost, payrollUsd: payroll, aiValueUsd: value,
                     fte: Self.round(fte), driveByPeople: driveBy, driveByCommits: options.driveByCommits, toolCostUsd: toolCost,
                     netValueUsd: toolCost.map { Report.Range(low: value.low - $0, high: value.high - $0) })
    }

    /// The two market figures, each with what it measures (market-figures.md).
    static let marketDefinitions: [Report.Projection.MarketFigure] = [
        .init(valueUsd: 1.0e12, definition: "the software work and wage market, worldwide",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
        .init(valueUsd: 2.0e12, definition: "software engineers' salaries, worldwide",
              source: "Dylan Patel (SemiAnalysis), The MAD Podcast", date: "2026-02-05"),
    ]

    static func assumptions(market: Report.Range, basis: String, options: ReportOptions) -> [String] {
        let dollars = { (value: Double) in Formatting.usd(value) }
        return [
            "Market: \(dollars(market.low)) to \(dollars(market.high)) a year. The defaults are one analyst's round figures under two definitions: $1T is the software work and wage market, $2T software engineers' salaries, worldwide (Dylan Patel, SemiAnalysis, February 2026); neither is a measured wage bill. Override with market.low_usd / market.high_usd.",
            "The world's figure: the public benchmarks' AI share of code commits (2% on GitHub to 5% worldwide) × the market. This scope's share × the market is shown only as a comparison: what the world's figure would be if the world's share were this scope's.",
            basis == "lines"
                ? "Share: the AI share of changed lines (line counts cover at least 90% of the scope's commits); the share of commits is shown beside it."
                : "Share range: from the lower 95% bound of the attested-only AI share of commits (a lower bound: traces can be switched off) to the upper 95% bound of the attested + inferred share. Commits are a proxy for work; they are not weighted by size.",
            "This scope's figure = its payroll × its share. Payroll = full-time equivalents × \(dollars(options.loadedAnnualCostUSD)) loaded annual cost (market.loaded_annual_cost_usd; a team's own with market.loaded_cost_by_team): each person counts for the share of the scope's months they committed in, at most one; people with fewer than \(options.driveByCommits) commits in scope are drive-by contributors and count 0 (market.drive_by_commits).",
            "Forecast: a logistic curve fitted by maximum likelihood to the monthly AI share (months weighted by their commits), levelling off at 100% unless the months show it stopping short of that beyond their scatter (the ceiling is then fitted to the whole percent); an exponential trend when fewer than four months or fewer than two months with AI commits. Bands are 95% prediction bands for one month's share: the fit's uncertainty (over every ceiling the months do not rule out) widened by how much months scatter, more the further ahead, and a month's own commits' chance; they do not cover changes in how tools leave traces.",
        ]
    }

    static func month(_ label: String, plus months: Int) -> String {
        let parts = label.split(separator: "-").compactMap { Int($0) }
        guard parts.count >= 2 else { return label }
        let total = parts[0] * 12 + (parts[1] - 1) + months
        let month = total % 12 + 1
        return "\(total / 12)-\(month < 10 ? "0" : "")\(month)"
    }

    static func round(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// A stable pseudonym for a person: the same address always gives the same
    /// name, across runs and machines, and the address cannot be read back.
    public static func anonymous(_ email: String) -> String {
        let hash = StableHash.fnv1a(("census:" + email.lowercased()).utf8)
        let hex = String(hash, radix: 16)
        return "person-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Number formats shared by the renderings.
public enum Formatting {
    /// `$1.2T`, `$340B`, `$12.5M`, `$180k`.
    public static func usd(_ value: Double) -> String {
        let magnitude = abs(value)
        let (scaled, suffix): (Double, String) = magnitude >= 1e12 ? (value / 1e12, "T") : magnitude >= 1e9 ? (value / 1e9, "B")
            : magnitude >= 1e6 ? (value / 1e6, "M") : magnitude >= 1e3 ? (value / 1e3, "k") : (value, "")
        let digits = abs(scaled) >= 100 ? 0 : abs(scaled) >= 10 ? 1 : 2
        return "$" + String(format: "%.\(digits)f", scaled) + suffix
    }

    public static func percent(_ value: Double?, digits: Int = 1) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.\(digits)f%%", value * 100)
    }
}
