import Attribution
import CensusStore
import Foundation

/// One line of `census commits --format ndjson`; field names are the contract.
public struct CommitLine: Codable, Sendable {
    public var repo: String
    /// The repository's id, as `census repos`, `/api/v1/repos` and the metrics' `repo_id` show it.
    public var repoId: Int64
    public var sha: String
    public var `class`: String
    public var confidence: String?
    public var mode: String?
    public var tools: [String]
    public var evidence: [String]
    public var authorName: String
    public var authorEmail: String
    public var authoredAt: String
    public var committedAt: String
    public var isMerge: Bool
    public var linesAdded: Int?
    public var linesDeleted: Int?
    /// `git` or `libgit2`: which program counted the lines.
    public var linesEngine: String?
    public var subject: String

    public init(_ record: CommitRecord, repositoryPath: String) {
        repo = repositoryPath
        repoId = record.repositoryId
        sha = record.sha
        self.class = record.class
        confidence = record.confidence
        mode = record.mode
        tools = record.toolList
        evidence = record.verdict.evidence.map(\.summary)
        authorName = record.authorName
        authorEmail = record.authorEmail
        authoredAt = TimeFormat.iso8601(record.authoredAt, offsetMinutes: record.authorOffset)
        committedAt = TimeFormat.iso8601(record.committedAt, offsetMinutes: record.committerOffset)
        isMerge = record.isMerge
        linesAdded = record.linesAdded
        linesDeleted = record.linesDeleted
        linesEngine = record.linesEngine
        subject = record.subject
    }

    enum CodingKeys: String, CodingKey {
        case repo, sha, `class`, confidence, mode, tools, evidence, subject
        case repoId = "repo_id"
        case authorName = "author_name", authorEmail = "author_email"
        case authoredAt = "authored_at", committedAt = "committed_at"
        case isMerge = "is_merge", linesAdded = "lines_added", linesDeleted = "lines_deleted"
        case linesEngine = "lines_engine"
    }

    // Nulls are written, not dropped: consumers read a fixed set of fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(repo, forKey: .repo)
        try c.encode(sha, forKey: .sha)
        try c.encode(self.class, forKey: .class)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(mode, forKey: .mode)
        try c.encode(tools, forKey: .tools)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(authorName, forKey: .authorName)
        try c.encode(authorEmail, forKey: .authorEmail)
        try c.encode(authoredAt, forKey: .authoredAt)
        try c.encode(committedAt, forKey: .committedAt)
        try c.encode(isMerge, forKey: .isMerge)
        try c.encode(linesAdded, forKey: .linesAdded)
        try c.encode(linesDeleted, forKey: .linesDeleted)
        try c.encode(linesEngine, forKey: .linesEngine)
        try c.encode(subject, forKey: .subject)
        try c.encode(repoId, forKey: .repoId)
    }
}

/// Renders commit lists in the formats `census commits` offers.
public enum CommitListFormat: String, CaseIterable, Sendable {
    case table, json, ndjson, csv

    static let csvColumns = ["repo", "sha", "class", "confidence", "mode", "tools", "author_name", "author_email",
                             "authored_at", "committed_at", "is_merge", "lines_added", "lines_deleted", "subject", "evidence", "lines_engine",
                             "repo_id"]

    /// Writes the header (if any) — call once before the first `lines(_:)`.
    public var header: String? {
        switch self {
        case .table: "sha           class  confidence  mode      tools                authored_at                author                     subject"
        case .csv: Self.csvColumns.joined(separator: ",")
        case .json: "["
        case .ndjson: nil
        }
    }

    public var footer: String? { self == .json ? "]" : nil }

    /// One line of output per commit; `first` tells JSON where commas go.
    public func line(_ commit: CommitLine, first: Bool) -> String {
        switch self {
        case .ndjson, .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let text = (try? encoder.encode(commit)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return self == .json ? (first ? "  " : ", ") + text : text
        case .csv:
            return [
                Sanitize.csv(commit.repo), commit.sha, commit.class, commit.confidence ?? "", commit.mode ?? "",
                Sanitize.csv(commit.tools.joined(separator: ";")), Sanitize.csv(commit.authorName),
                Sanitize.csv(commit.authorEmail), commit.authoredAt, commit.committedAt, commit.isMerge ? "true" : "false",
                commit.linesAdded.map(String.init) ?? "", commit.linesDeleted.map(String.init) ?? "",
                Sanitize.csv(commit.subject), Sanitize.csv(commit.evidence.joined(separator: " | ")), commit.linesEngine ?? "",
                "\(commit.repoId)",
            ].joined(separator: ",")
        case .table:
            func cell(_ text: String, _ width: Int) -> String {
                let clean = Sanitize.terminal(text)
                let cut = clean.count > width ? String(clean.prefix(width - 1)) + "…" : clean
                return cut + String(repeating: " ", count: max(0, width - cut.count))
            }
            return [
                cell(String(commit.sha.prefix(12)), 12), cell(commit.class, 5), cell(commit.confidence ?? "-", 10),
                cell(commit.mode ?? "-", 8), cell(commit.tools.isEmpty ? "-" : commit.tools.joined(separator: ","), 20),
                cell(commit.authoredAt, 25), cell(commit.authorName, 25), Sanitize.terminal(String(commit.subject.prefix(72))),
            ].joined(separator: "  ")
        }
    }
}
