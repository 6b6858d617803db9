import CensusStore
import Foundation
import Reports
import SessionLogs

/// One source of session logs as `census evidence` lists it: what would be
/// read, in counts and dates, and how many of its commit claims name a
/// commit in the store. Nothing of a log's text is in it.
public struct EvidenceSource: Codable, Sendable {
    public var tool: String
    public var location: String
    public var files: Int
    public var sessions: Int
    public var oldest: String?
    public var newest: String?
    public var edits: Int
    /// Commits the agent says it made (aider's commits of the person's own changes apart).
    public var commitClaims: Int
    /// Claims that name exactly one stored commit of the repository the session worked in.
    public var matched: Int
    public var unreadFiles: Int
    public var skippedLines: Int

    public static func json(_ sources: [EvidenceSource]) throws -> String {
        try ReportJSON.text(sources)
    }

    /// `census evidence`: one row per source, locations sanitised.
    public static func table(_ sources: [EvidenceSource]) -> String {
        guard !sources.isEmpty else {
            return "No AI session logs found (Claude Code, Codex, Gemini CLI in the home folder; aider in scanned repositories).\n"
        }
        let rows = sources.map { source -> [String] in
            [source.tool, Sanitize.terminal(source.location), "\(source.files)", "\(source.sessions)",
             source.oldest.map { String($0.prefix(10)) } ?? "-", source.newest.map { String($0.prefix(10)) } ?? "-",
             "\(source.edits)", "\(source.commitClaims)", "\(source.matched)",
             source.unreadFiles + source.skippedLines == 0 ? "" : "\(source.unreadFiles) files, \(source.skippedLines) lines"]
        }
        return ReportText.table(
            ["tool", "location", "files", "sessions", "oldest", "newest", "edits", "commit claims", "matched", "not read"],
            rows, rightAligned: [2, 3, 6, 7, 8])
            + "Read only; counts and dates, never a log's text. census scan --session-logs (or evidence: {session_logs: true}) uses them.\n"
    }
}

extension CommitCensus {
    /// The AI tools' session logs on this machine (`home`, the tools' own
    /// environment variables) and in the scanned repositories: what they hold,
    /// and how many of their commit claims name a stored commit.
    public func evidenceSources(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [EvidenceSource] {
        let repositories = try store.repositories().map(\.path)
        let summaries = SessionLogs(environment: environment).summaries(repositories: repositories)
        return try summaries.map { summary in
            let claims = summary.claims.filter { $0.kind != .personsChanges }
            return EvidenceSource(
                tool: summary.tool.rawValue, location: summary.location, files: summary.files, sessions: summary.sessions,
                oldest: summary.oldest.map { TimeFormat.utc(Int64($0.timeIntervalSince1970)) },
                newest: summary.newest.map { TimeFormat.utc(Int64($0.timeIntervalSince1970)) },
                edits: summary.edits, commitClaims: claims.count,
                matched: try claims.filter { try storedCommit(claimedBy: $0) }.count,
                unreadFiles: summary.unreadFiles, skippedLines: summary.skippedLines)
        }
    }

    /// Whether `claim` names exactly one stored commit, in the repository
    /// whose work tree holds the folder the session worked in (any stored
    /// repository when the log names no folder, as Gemini CLI's by a hash).
    func storedCommit(claimedBy claim: CommitClaim) throws -> Bool {
        guard claim.sha.count >= 4 else { return false }
        var matches = try store.commits(shaPrefix: claim.sha)
        if let folder = claim.folder.map(SessionEvidence.resolved) {
            matches = matches.filter { SessionEvidence.folder(folder, isIn: SessionEvidence.resolved($0.repositoryPath)) }
        }
        return Set(matches.map(\.commit.sha)).count == 1
    }
}
