import CensusStore
import Foundation

/// The report object: what `census report --format json` prints and
/// `/api/v1/summary` serves. Keys are part of the contract; extend additively
/// and raise `schemaVersion` only for a breaking change.
///
/// Invariants: `totals.ai + totals.human` is the share denominator (bots and
/// merges are outside it); `by_tool` counts overlap (a commit made with two
/// tools counts for both) and must not be summed.
public struct Report: Codable, Sendable {
    public static let schemaVersion = 1

    public struct Scope: Codable, Sendable {
        public var repositories: [String]
        public var since: String?
        public var until: String?
        public var interval: Interval
        public var date: String
        public var timezone: String
        /// Per-team and per-person figures need at least this many people.
        public var minGroup: Int
        public var anonymized: Bool
        /// The team the report is about (its people only); absent for everyone.
        public var team: String?
        /// The ids (as `census repos`, `/api/v1/repos` and the metrics' `repo_id`
        /// show them) of the repositories the report covers; empty for every
        /// repository in the store.
        public var repositoryIds: [Int64] = []
    }

    public struct Totals: Codable, Sendable {
        public var commits: Int
        public var merges: Int
        public var ai: Int
        public var human: Int
        public var bot: Int
        public var aiAttested: Int
        public var aiInferred: Int
        public var aiAgent: Int
        public var aiAssisted: Int
        /// AI and human commits made by people at or after their own first
        /// AI commit: exposure, an upper reference — not AI.
        public var adopterCommits: Int = 0
    }

    public struct Share: Codable, Sendable {
        /// ai / (ai + human), attested and inferred together; null with no commits.
        public var commits: Double?
        public var commitsCi95: [Double]?
        /// The lower bound: attested AI commits only.
        public var commitsAttested: Double?
        public var commitsAttestedCi95: [Double]?
        /// AI lines / (AI + human lines), lines added plus deleted; null without line counts.
        public var lines: Double?
        /// Fraction of non-merge commits whose line counts are known.
        public var linesCoverage: Double?
        /// Of the changed lines counted (AI, human and these), the added lines
        /// of commits with git-ai notes that no key of the notes covers:
        /// untracked, neither AI's nor a person's, and left out of `lines`.
        /// Null without line counts.
        public var linesUntracked: Double?
        /// How much of `commits` each kind of evidence carries, each AI
        /// commit counted once, for its strongest kind: they add up to `commits`.
        public var bySource: [SourceFigure] = []
        /// The share of AI and human commits made by people at or after their
        /// own first AI commit: exposure, an upper reference — not AI.
        public var adopterCommits: Double?
        /// Per tool, how far back the session logs the collectors read
        /// reach: before `oldest`, no session evidence means unknown, not human.
        public var sessionLogHorizon: [HorizonFigure] = []

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(commits, forKey: .commits)
            try container.encode(commitsCi95, forKey: .commitsCi95)
            try container.encode(commitsAttested, forKey: .commitsAttested)
            try container.encode(commitsAttestedCi95, forKey: .commitsAttestedCi95)
            try container.encode(lines, forKey: .lines)
            try container.encode(linesCoverage, forKey: .linesCoverage)
            try container.encode(linesUntracked, forKey: .linesUntracked)
            try container.encode(bySource, forKey: .bySource)
            try container.encode(adopterCommits, forKey: .adopterCommits)
            try container.encode(sessionLogHorizon, forKey: .sessionLogHorizon)
        }
    }

    /// One tool's session-log horizon, over every collector that read its logs.
    public struct HorizonFigure: Codable, Sendable, Equatable {
        public var tool: String
        /// The oldest and newest record read, UTC.
        public var oldest: String
        public var newest: String
        public var collectors: Int
    }

    /// AI commits whose strongest evidence is of one kind (`EvidenceSource`).
    public struct SourceFigure: Codable, Sendable, Equatable {
        /// `trailer-identity`, `git-ai-notes`, `session-log`, `agent-trace` or `branch`.
        public var source: String
        public var commits: Int
        /// Of AI and human commits, as `ai_share.commits`.
        public var share: Double?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(source, forKey: .source)
            try c.encode(commits, forKey: .commits)
            try c.encode(share, forKey: .share)
        }
    }

    public struct ToolFigure: Codable, Sendable {
        public var tool: String
        public var commits: Int
        public var attested: Int
        /// This tool's commits / (ai + human).
        public var share: Double?
    }

    public struct RepositoryFigure: Codable, Sendable {
        public var repository: String
        public var name: String
        /// The repository's id, as `census repos`, the API and the metrics' `repo_id` show it.
        public var id: Int64 = 0
        public var commits: Int
        public var ai: Int
        public var human: Int
        public var bot: Int
        public var aiShare: Double?
        /// When the repository adopted AI tools: the author time of the
        /// commit that added its first agent configuration file (`CLAUDE.md`,
        /// `AGENTS.md`, …), that commit and the files; null when none was found.
        public var adoptedAt: String?
        public var adoptionCommit: String?
        public var adoptionFiles: [String]?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(adoptedAt, forKey: .adoptedAt)
            try container.encode(adoptionCommit, forKey: .adoptionCommit)
            try container.encode(adoptionFiles, forKey: .adoptionFiles)
            try container.encode(repository, forKey: .repository)
            try container.encode(name, forKey: .name)
            try container.encode(commits, forKey: .commits)
            try container.encode(ai, forKey: .ai)
            try container.encode(human, forKey: .human)
            try container.encode(bot, forKey: .bot)
            try container.encode(aiShare, forKey: .aiShare)
            try container.encode(id, forKey: .id)
        }
    }

    public struct ModeFigure: Codable, Sendable {
        /// `agent` (an AI tool is the author) or `assisted` (a person credits one).
        public var mode: String
        public var commits: Int
        public var share: Double?
    }

    /// People, not agents: an agent's commit counts for the person it names.
    public struct Adoption: Codable, Sendable {
        public var activeAuthors: Int
        public var aiAuthors: Int
        public var rate: Double?
        public var rateCi95: [Double]?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(activeAuthors, forKey: .activeAuthors)
            try c.encode(aiAuthors, forKey: .aiAuthors)
            try c.encode(rate, forKey: .rate)
            try c.encode(rateCi95, forKey: .rateCi95)
        }
    }

    public struct TeamFigure: Codable, Sendable {
        public var team: String
        /// True when the team has fewer active people than `scope.min_group`:
        /// its figures are withheld.
        public var suppressed: Bool
        public var commits: Int?
        public var ai: Int?
        public var human: Int?
        public var bot: Int?
        public var aiShare: Double?
        public var activeAuthors: Int?
        public var aiAuthors: Int?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(team, forKey: .team)
            try c.encode(suppressed, forKey: .suppressed)
            try c.encode(commits, forKey: .commits)
            try c.encode(ai, forKey: .ai)
            try c.encode(human, forKey: .human)
            try c.encode(bot, forKey: .bot)
            try c.encode(aiShare, forKey: .aiShare)
            try c.encode(activeAuthors, forKey: .activeAuthors)
            try c.encode(aiAuthors, forKey: .aiAuthors)
        }
    }

    public struct AuthorFigure: Codable, Sendable {
        /// A name, or a stable hash with `--anonymize`.
        public var author: String
        public var commits: Int
        public var ai: Int
        public var aiShare: Double?
    }

    public struct Range: Codable, Sendable, Equatable {
        public var low: Double
        public var high: Double
    }

    public struct Projection: Codable, Sendable {
        public struct Team: Codable, Sendable {
            /// Active people: distinct people with a non-bot commit in scope.
            public var headcount: Int
            public var loadedAnnualCostUsd: Double
            /// Full-time equivalents × loaded cost: each person weighted by the
            /// share of the scope's months they committed in; drive-by people count 0.
            public var payrollUsd: Double
            /// The share range times the payroll: what the AI-written part is worth at this team's cost.
            public var aiValueUsd: Range
            /// Σ over people of active months / months in the scope (at most 1 each).
            public var fte: Double
            /// People with fewer than `driveByCommits` commits in scope: counted, not paid.
            public var driveByPeople: Int
            public var driveByCommits: Int
            /// People with AI commits × the tool's cost per seat, a year (when configured).
            public var toolCostUsd: Double?
            /// aiValueUsd less toolCostUsd.
            public var netValueUsd: Range?
        }

        /// The world's figure: the public benchmarks' AI share of code commits
        /// times the market — the world's, never this scope's.
        public struct World: Codable, Sendable {
            /// GitHub's measured share (low) to the worldwide estimate (high).
            public var share: Range
            public var wageUsd: Range
        }

        /// A market figure with what it measures and where it comes from.
        public struct MarketFigure: Codable, Sendable {
            public var valueUsd: Double
            public var definition: String
            public var source: String
            public var date: String
        }

        public struct Benchmark: Codable, Sendable {
            public var figure: String
            public var value: Double
            public var unit: String
            public var source: String
            public var date: String
        }

        public struct Horizon: Codable, Sendable {
            public var months: Int
            public var month: String
            public var share: Double
            public var low: Double
            public var high: Double
        }

        public struct Forecast: Codable, Sendable {
            /// `logistic`, `exponential`, or `none` when the history cannot support one.
            public var method: String
            public var monthsOfData: Int
            public var lastMonth: String?
            public var horizons: [Horizon]
            /// Months after the last month until the fitted share reaches 10%, 25%, 50%;
            /// 0 when already there, null when the trend never gets there.
            public var monthsUntil: [String: Int?]
            /// The month a threshold already passed was reached ("0.5": "2025-03"):
            /// from it on, every month with commits is at or above it.
            public var reached: [String: String] = [:]
            public var history: [HistoryPoint]
            /// How the method did on this history's own past (see `ShareTrendFit.backtest`).
            public var backtest: Backtest?
            /// Why no forecast is drawn (`method` is `none`); nil when one is.
            public var reason: String?
            /// The share a logistic forecast levels off at (1 unless the months
            /// show it stopping short); nil for other methods and no forecast.
            public var ceiling: Double?

            public struct Backtest: Codable, Sendable {
                /// Months checked, and how many fell inside the 95% band.
                public var checks: Int
                public var inside: Int
                public var coverage: Double?
            }

            public func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(method, forKey: .method)
                try c.encode(monthsOfData, forKey: .monthsOfData)
                try c.encode(lastMonth, forKey: .lastMonth)
                try c.encode(horizons, forKey: .horizons)
                try c.encode(monthsUntil, forKey: .monthsUntil)
                try c.encode(reached, forKey: .reached)
                try c.encode(history, forKey: .history)
                try c.encode(backtest, forKey: .backtest)
                try c.encode(reason, forKey: .reason)
                try c.encode(ceiling, forKey: .ceiling)
            }
        }

        public struct HistoryPoint: Codable, Sendable {
            public var month: String
            public var share: Double?
            public var fitted: Double?
        }

        public var marketUsd: Range
        /// The share range used below: from the attested-only share's lower 95%
        /// bound to the full share's upper 95% bound.
        public var shareRange: Range?
        /// share × market: what the world's software labour would be worth IF the
        /// world's AI share were this scope's — a comparison, not this scope's value.
        public var wageImpactUsd: Range?
        /// `commits`, or `lines` when line counts cover at least 90% of the
        /// scope's commits: the share that `share_range` and the dollars use.
        public var shareBasis: String
        public var world: World
        public var marketDefinitions: [MarketFigure]
        public var team: Team?
        public var benchmarks: [Benchmark]
        public var forecast: Forecast
        public var assumptions: [String]

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(marketUsd, forKey: .marketUsd)
            try c.encode(shareRange, forKey: .shareRange)
            try c.encode(wageImpactUsd, forKey: .wageImpactUsd)
            try c.encode(shareBasis, forKey: .shareBasis)
            try c.encode(world, forKey: .world)
            try c.encode(marketDefinitions, forKey: .marketDefinitions)
            try c.encode(team, forKey: .team)
            try c.encode(benchmarks, forKey: .benchmarks)
            try c.encode(forecast, forKey: .forecast)
            try c.encode(assumptions, forKey: .assumptions)
        }
    }

    public struct Period: Codable, Sendable {
        /// `2026-03` for a month; the Monday `2026-03-02` for a week.
        public var period: String
        /// The period's first day, `2026-03-01`.
        public var start: String
        public var commits: Int
        public var ai: Int
        public var human: Int
        public var bot: Int
        public var aiAttested: Int
        public var aiShare: Double?
        public var activeAuthors: Int
        public var aiAuthors: Int
        public var adoptionRate: Double?
        /// AI commits per tool in the period (overlapping).
        public var byTool: [String: Int]
        /// True in a team's trend for a period with fewer active people than
        /// the minimum group: its figures are withheld (zero counts, no shares).
        public var withheld: Bool?
        /// True for a first or last period that the report's since/until, or
        /// today, cuts: it covers less time than the others.
        public var partial: Bool?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(withheld, forKey: .withheld)
            try container.encodeIfPresent(partial, forKey: .partial)
            try container.encode(activeAuthors, forKey: .activeAuthors)
            try container.encode(aiAuthors, forKey: .aiAuthors)
            try container.encode(adoptionRate, forKey: .adoptionRate)
            try container.encode(byTool, forKey: .byTool)
            try container.encode(period, forKey: .period)
            try container.encode(start, forKey: .start)
            try container.encode(commits, forKey: .commits)
            try container.encode(ai, forKey: .ai)
            try container.encode(human, forKey: .human)
            try container.encode(bot, forKey: .bot)
            try container.encode(aiAttested, forKey: .aiAttested)
            try container.encode(aiShare, forKey: .aiShare)
        }
    }

    public var schemaVersion: Int
    public var generatedAt: String
    public var scope: Scope
    public var totals: Totals
    public var aiShare: Share
    public var byTool: [ToolFigure]
    public var byMode: [ModeFigure]
    public var byRepository: [RepositoryFigure]
    public var byTeam: [TeamFigure]
    /// Per person; empty when the scope has fewer people than `scope.min_group`.
    public var byAuthor: [AuthorFigure]
    public var adoption: Adoption
    public var trend: [Period]
    public var projection: Projection
    public var invariants: [String]

    /// The report as JSON, keys in snake_case and sorted, so diffs stay readable.
    public func json() throws -> String {
        try ReportJSON.text(self)
    }
}

/// JSON as every listing and report prints it: keys in snake_case and sorted, indented.
public enum ReportJSON {
    public static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Statistics behind the shares.
public enum Statistics {
    /// The 95% Wilson score interval for `successes` out of `trials`; nil
    /// without trials. Unlike the normal approximation it stays inside 0…1 and
    /// is honest for small teams and for shares near 0.
    public static func wilson(_ successes: Int, _ trials: Int, z: Double = 1.959963984540054) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()) / denominator
        return (max(0, centre - half), min(1, centre + half))
    }

    public static func share(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }
}
