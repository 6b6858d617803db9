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

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(commits, forKey: .commits)
            try container.encode(commitsCi95, forKey: .commitsCi95)
            try container.encode(commitsAttested, forKey: .commitsAttested)
            try container.encode(commitsAttestedCi95, forKey: .commitsAttestedCi95)
            try container.encode(lines, forKey: .lines)
            try container.encode(linesCoverage, forKey: .linesCoverage)
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
        public var commits: Int
        public var ai: Int
        public var human: Int
        public var bot: Int
        public var aiShare: Double?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(repository, forKey: .repository)
            try container.encode(name, forKey: .name)
            try container.encode(commits, forKey: .commits)
            try container.encode(ai, forKey: .ai)
            try container.encode(human, forKey: .human)
            try container.encode(bot, forKey: .bot)
            try container.encode(aiShare, forKey: .aiShare)
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

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
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
    public var byRepository: [RepositoryFigure]
    public var trend: [Period]
    public var invariants: [String]

    /// The report as JSON, keys in snake_case and sorted, so diffs stay readable.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
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
