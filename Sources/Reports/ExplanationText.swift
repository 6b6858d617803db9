import Attribution
import Foundation

/// A commit's verdict with what `census explain` shows beside it.
public struct ExplainedCommit: Sendable {
    public var sha: String
    /// Where the repository is filed.
    public var repository: String
    /// False when the commit is not in the store and was classified now.
    public var stored: Bool
    public var authorName: String
    public var authorEmail: String
    /// The author date and its offset; shown for stored commits.
    public var authoredAt: Int64
    public var authorOffset: Int
    public var committerName: String
    public var committerEmail: String
    public var subject: String
    public var isMerge: Bool
    /// Reachable from the repository's scanned HEAD (always true when not stored).
    public var reachable: Bool
    public var verdict: Verdict

    public init(sha: String, repository: String, stored: Bool, authorName: String, authorEmail: String,
                authoredAt: Int64, authorOffset: Int, committerName: String, committerEmail: String,
                subject: String, isMerge: Bool, reachable: Bool, verdict: Verdict) {
        self.sha = sha
        self.repository = repository
        self.stored = stored
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authoredAt = authoredAt
        self.authorOffset = authorOffset
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.subject = subject
        self.isMerge = isMerge
        self.reachable = reachable
        self.verdict = verdict
    }
}

/// `census explain` for a terminal: every text from the repository sanitised.
public enum ExplanationText {
    public static func render(_ commits: [ExplainedCommit]) -> String {
        commits.map(render).joined(separator: "\n")
    }

    static func render(_ commit: ExplainedCommit) -> String {
        let t = Sanitize.terminal
        var lines: [String]
        if commit.stored {
            lines = ["commit \(commit.sha)",
                     "repository \(t(commit.repository))",
                     "author \(t(commit.authorName)) <\(t(commit.authorEmail))>  \(TimeFormat.iso8601(commit.authoredAt, offsetMinutes: commit.authorOffset))",
                     "committer \(t(commit.committerName)) <\(t(commit.committerEmail))>",
                     "subject \(t(commit.subject))"]
            if commit.isMerge { lines.append("merge commit: shown, but not counted in shares") }
            if !commit.reachable {
                lines.append("not counted: no longer reachable from HEAD (history rewritten), or its scan has not completed")
            }
        } else {
            lines = ["commit \(commit.sha)  (not in the store; classified now from \(t(commit.repository)))",
                     "author \(t(commit.authorName)) <\(t(commit.authorEmail))>",
                     "subject \(t(commit.subject))"]
        }
        return (lines + verdictLines(commit.verdict)).map { $0 + "\n" }.joined()
    }

    static func verdictLines(_ verdict: Verdict) -> [String] {
        var line = "verdict \(verdict.commitClass.rawValue)"
        if let confidence = verdict.confidence { line += ", \(confidence.rawValue)" }
        if let mode = verdict.mode { line += ", \(mode.rawValue)" }
        if !verdict.tools.isEmpty { line += " — tools: \(verdict.tools.joined(separator: ", "))" }
        guard !verdict.evidence.isEmpty else {
            return [line, "  no rule matched: no AI or automation trace in author, committer or message"]
        }
        var lines = [line]
        for evidence in verdict.evidence {
            var text = "  \(evidence.counts ? "✓" : "·") \(evidence.rule) (\(evidence.kind.rawValue)"
            if let tool = evidence.tool { text += ", \(tool)" }
            text += ", \(evidence.indicates.rawValue), \(evidence.confidence.rawValue))"
            lines.append(text)
            lines.append("      matched: \(Sanitize.terminal(evidence.matched))")
            if !evidence.counts, let note = evidence.note { lines.append("      not counted: \(note)") }
        }
        return lines
    }
}
