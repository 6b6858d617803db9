/// What wrote a commit.
public enum CommitClass: String, Codable, Sendable, CaseIterable {
    /// An AI coding tool wrote it, or a person credited one.
    case ai
    /// A person, with no AI tool credited.
    case human
    /// Dependency, CI or release automation.
    case bot
}

/// How sure a verdict is: `attested` when the tool or the person left a
/// trace that says so (identity, trailer, marker, notes); `inferred` when the
/// commit only arrived through an AI tool's branch or carries a weak marker.
public enum Confidence: String, Codable, Sendable, Comparable {
    case inferred
    case attested

    public static func < (lhs: Confidence, rhs: Confidence) -> Bool {
        lhs == .inferred && rhs == .attested
    }
}

/// `agent` when an AI tool is the commit's author; `assisted` when a person is
/// the author and credits an AI tool.
public enum Mode: String, Codable, Sendable {
    case agent
    case assisted
}

/// The kinds of trace a rule looks for.
public enum SignalKind: String, Codable, Sendable, CaseIterable {
    case author
    case committer
    case coAuthorTrailer = "co-author-trailer"
    case assistedByTrailer = "assisted-by-trailer"
    case marker
    case sessionTrailer = "session-trailer"
    case branch
    case notes
    /// An AI tool's own session log says its agent made the commit.
    case sessionLog = "session-log"
    /// An Agent Trace record (`.agent-trace/traces.jsonl`) names an AI contributor of the commit's lines.
    case agentTrace = "agent-trace"
}

/// One matched rule: which, where, and the text it matched.
public struct Evidence: Codable, Sendable, Hashable {
    public var rule: String
    public var kind: SignalKind
    public var tool: String?
    /// The class this rule speaks for (`ai` or `bot`).
    public var indicates: CommitClass
    public var confidence: Confidence
    /// The text that matched, as it stands in the commit.
    public var matched: String
    /// False when the trace is kept for the record but does not decide the class
    /// (an AI committer over a person's authorship, a bot co-author).
    public var counts: Bool
    /// Why a non-counting trace does not count.
    public var note: String?
    /// The lines of the commit this trace says an AI tool wrote, where it
    /// says (Cursor's scored lines, an Agent Trace record's ranges).
    public var lines: Int?

    public init(rule: String, kind: SignalKind, tool: String?, indicates: CommitClass, confidence: Confidence,
                matched: String, counts: Bool, note: String? = nil, lines: Int? = nil) {
        self.lines = lines
        self.rule = rule
        self.kind = kind
        self.tool = tool
        self.indicates = indicates
        self.confidence = confidence
        self.matched = matched
        self.counts = counts
        self.note = note
    }

    /// A short line for `evidence` arrays: `co-author-trailer: Claude <noreply@anthropic.com> [claude-code.anthropic-noreply]`.
    public var summary: String {
        // Session-log evidence names its kind in its text already (`session-log: claude-code 9d9f3a1c committed`).
        let label = matched.hasPrefix(kind.rawValue + ": ") ? matched : "\(kind.rawValue): \(matched)"
        var text = "\(label) [\(rule)]"
        if !counts { text += " (not counted: \(note ?? "context only"))" }
        return text
    }
}

/// The classification of one commit, with everything that led to it.
public struct Verdict: Codable, Sendable, Equatable {
    public var commitClass: CommitClass
    public var confidence: Confidence?
    public var mode: Mode?
    /// Canonical tool ids, sorted; empty unless `commitClass == .ai`.
    public var tools: [String]
    public var evidence: [Evidence]
    /// Lines an agent attested in git-ai notes; nil without notes.
    public var aiLines: Int?
    /// Lines git-ai's notes attest to people (their `h_` keys); nil without
    /// such notes. The commit's other added lines are untracked: git-ai saw
    /// no one write them, which is not the same as a person writing them.
    public var humanLines: Int?
    /// The person the commit counts for in adoption figures: its author, or
    /// for an agent's commit the person it names (`Co-authored-by`, aider's
    /// user); nil for automation and for agents that name nobody.
    public var person: Person?

    public init(commitClass: CommitClass, confidence: Confidence?, mode: Mode?, tools: [String], evidence: [Evidence],
                aiLines: Int? = nil, humanLines: Int? = nil, person: Person? = nil) {
        self.person = person
        self.humanLines = humanLines
        self.commitClass = commitClass
        self.confidence = confidence
        self.mode = mode
        self.tools = tools
        self.evidence = evidence
        self.aiLines = aiLines
    }

    enum CodingKeys: String, CodingKey {
        case commitClass = "class", confidence, mode, tools, evidence, aiLines = "ai_lines", humanLines = "human_lines", person
    }
}

/// A person's name and address, as written in the commit.
public struct Person: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

/// The commit metadata attribution reads. No file contents, no I/O.
public struct CommitFacts: Sendable {
    public var authorName: String
    public var authorEmail: String
    public var committerName: String
    public var committerEmail: String
    public var message: String
    public var parentCount: Int
    /// Notes attached to the commit, by notes ref (`refs/notes/ai` → text).
    public var notes: [String: String]

    public init(authorName: String, authorEmail: String, committerName: String, committerEmail: String,
                message: String, parentCount: Int, notes: [String: String] = [:]) {
        self.notes = notes
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.message = message
        self.parentCount = parentCount
    }
}
