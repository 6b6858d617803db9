import Attribution
import Foundation
// The records conform to GRDB's record protocols in public: the only GRDB in
// CensusStore's interface. Every other file imports GRDB internally.
public import GRDB

/// A repository CommitCensus has seen, keyed by its canonical path.
public struct RepositoryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "repository"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    /// The work tree, or the git directory of a bare repository, symlinks resolved.
    public var path: String
    public var name: String
    public var isBare: Bool
    public var headBranch: String?
    /// The HEAD whose whole history is in the store. Set only when a scan
    /// completes, so an interrupted scan is redone (and completed) by the next.
    public var scannedHead: String?
    /// The catalogue version the stored verdicts were made with.
    public var catalogueVersion: String?
    public var scannedAt: Double?
    public var lastError: String?
    public var lastErrorAt: Double?
    public var isShallow: Bool
    /// The notes refs' tips when the last scan completed.
    public var notesTip: String?
    /// What the repository is, whatever path reaches it (see
    /// `Repository.storageIdentity`); nil until a scan records it.
    public var identity: String?
    /// The machine that completed its last scan (`CollectorName`); nil before one.
    public var collector: String?
    /// The repository's identity across machines: its `origin` remote's URL,
    /// normalised (`github.com/org/repo`: no scheme, user, password, port or
    /// `.git`); nil without one (a local remote is no identity).
    public var origin: String?
    /// The clone that completed the last scan, as `collector:path`: another
    /// clone of the same origin may be behind or ahead of it.
    public var scannedFrom: String?
    /// The commit that added the repository's first agent configuration file
    /// (`Catalogue.AgentConfiguration`), its author time and the files; nil
    /// when none was found.
    public var adoptionCommit: String?
    public var adoptedAt: Int64?
    /// Comma-separated.
    public var adoptionFiles: String?

    /// When the repository adopted AI tools, as a scan found it.
    public var adoption: RepositoryAdoption? {
        guard let adoptionCommit, let adoptedAt else { return nil }
        return RepositoryAdoption(commit: adoptionCommit, at: adoptedAt,
                                  files: (adoptionFiles ?? "").split(separator: ",").map(String.init))
    }

    public init(path: String, name: String, isBare: Bool, isShallow: Bool = false, identity: String? = nil) {
        self.path = path
        self.name = name
        self.isBare = isBare
        self.isShallow = isShallow
        self.identity = identity
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The commit that added a repository's first agent configuration file
/// (`CLAUDE.md`, `AGENTS.md`, …): repository-level evidence of adoption,
/// never a commit's verdict.
public struct RepositoryAdoption: Sendable, Equatable {
    public var commit: String
    /// Its author time, Unix seconds.
    public var at: Int64
    /// The agent configuration files it has.
    public var files: [String]

    public init(commit: String, at: Int64, files: [String]) {
        self.commit = commit
        self.at = at
        self.files = files
    }
}

/// The oldest and newest record of one tool's session logs that one
/// collector has read (Unix seconds).
public struct SessionHorizonRecord: Sendable, Equatable {
    public var collector: String
    public var tool: String
    public var oldest: Int64
    public var newest: Int64

    public init(collector: String, tool: String, oldest: Int64, newest: Int64) {
        self.collector = collector
        self.tool = tool
        self.oldest = oldest
        self.newest = newest
    }
}

/// How far back one tool's session logs reach, over the collectors that
/// read them: before `oldest`, no session evidence means unknown, not human.
public struct SessionHorizon: Sendable, Equatable {
    public var tool: String
    /// Unix seconds: the oldest and newest record any collector has read.
    public var oldest: Int64
    public var newest: Int64
    /// How many collectors have read this tool's logs.
    public var collectors: Int

    public init(tool: String, oldest: Int64, newest: Int64, collectors: Int) {
        self.tool = tool
        self.oldest = oldest
        self.newest = newest
        self.collectors = collectors
    }

    /// Per tool, by name, over the collectors' records.
    public static func byTool(_ records: [SessionHorizonRecord]) -> [SessionHorizon] {
        Dictionary(grouping: records, by: \.tool).map { tool, records in
            SessionHorizon(tool: tool, oldest: records.map(\.oldest).min()!, newest: records.map(\.newest).max()!,
                           collectors: Set(records.map(\.collector)).count)
        }.sorted { $0.tool < $1.tool }
    }
}

/// One commit of one repository, with its verdict.
public struct CommitRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "commit_record"
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var repositoryId: Int64
    public var sha: String
    public var `class`: String
    public var confidence: String?
    public var mode: String?
    /// The verdict's tools, comma-separated (also in `commit_tool` for queries).
    public var tools: String
    /// The verdict's evidence, as JSON.
    public var evidence: String
    public var authorName: String
    public var authorEmail: String
    public var authoredAt: Int64
    public var authorOffset: Int
    public var committerName: String
    public var committerEmail: String
    public var committedAt: Int64
    public var committerOffset: Int
    public var subject: String
    public var parentCount: Int
    public var linesAdded: Int?
    public var linesDeleted: Int?
    /// What counted the lines: `git` or `libgit2` (nil before census recorded it).
    public var linesEngine: String?
    /// Lines an agent attested in git-ai notes.
    public var aiLines: Int?
    /// Lines git-ai's notes attest to people; the rest of a noted commit's added lines are untracked.
    public var humanLines: Int?
    /// The person the commit counts for in adoption (after .mailmap).
    public var personName: String?
    public var personEmail: String?
    /// False once a history rewrite left the commit unreachable from HEAD:
    /// kept apart, never counted.
    public var reachable: Bool

    public init(repositoryId: Int64, sha: String, verdict: Verdict, authorName: String, authorEmail: String,
                authoredAt: Int64, authorOffset: Int, committerName: String, committerEmail: String,
                committedAt: Int64, committerOffset: Int, subject: String, parentCount: Int,
                linesAdded: Int? = nil, linesDeleted: Int? = nil, reachable: Bool = true) {
        self.repositoryId = repositoryId
        self.sha = sha
        self.class = verdict.commitClass.rawValue
        self.confidence = verdict.confidence?.rawValue
        self.mode = verdict.mode?.rawValue
        self.tools = verdict.tools.joined(separator: ",")
        self.evidence = Self.encode(verdict.evidence)
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authoredAt = authoredAt
        self.authorOffset = authorOffset
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.committedAt = committedAt
        self.committerOffset = committerOffset
        self.subject = subject
        self.parentCount = parentCount
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
        self.aiLines = verdict.aiLines
        self.humanLines = verdict.humanLines
        self.personName = verdict.person?.name
        self.personEmail = verdict.person?.email.lowercased()
        self.reachable = reachable
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A record of `verdict`'s columns alone (the rest empty), made as a
    /// stored commit's are: what a backend writes to replace a verdict.
    package static func verdictColumns(_ verdict: Verdict, sha: String, repositoryID: Int64) -> CommitRecord {
        CommitRecord(repositoryId: repositoryID, sha: sha, verdict: verdict, authorName: "", authorEmail: "",
                     authoredAt: 0, authorOffset: 0, committerName: "", committerEmail: "", committedAt: 0,
                     committerOffset: 0, subject: "", parentCount: 0)
    }

    /// A stored row, column by column: decoding through Codable converted
    /// every column name from snake case on every row (~100 µs a commit,
    /// most of `census commits` and `census copy`).
    public init(row: Row) throws {
        id = row["id"]
        repositoryId = row["repository_id"]
        sha = row["sha"]
        self.class = row["class"]
        confidence = row["confidence"]
        mode = row["mode"]
        tools = row["tools"]
        evidence = row["evidence"]
        authorName = row["author_name"]
        authorEmail = row["author_email"]
        authoredAt = row["authored_at"]
        authorOffset = row["author_offset"]
        committerName = row["committer_name"]
        committerEmail = row["committer_email"]
        committedAt = row["committed_at"]
        committerOffset = row["committer_offset"]
        subject = row["subject"]
        parentCount = row["parent_count"]
        linesAdded = row["lines_added"]
        linesDeleted = row["lines_deleted"]
        linesEngine = row["lines_engine"]
        aiLines = row["ai_lines"]
        humanLines = row["human_lines"]
        personName = row["person_name"]
        personEmail = row["person_email"]
        reachable = row["reachable"]
    }

    public var isMerge: Bool { parentCount > 1 }
    public var toolList: [String] { tools.isEmpty ? [] : tools.split(separator: ",").map(String.init) }

    /// The stored verdict, evidence included.
    public var verdict: Verdict {
        Verdict(
            commitClass: CommitClass(rawValue: self.class) ?? .human,
            confidence: confidence.flatMap(Confidence.init(rawValue:)),
            mode: mode.flatMap(Mode.init(rawValue:)),
            tools: toolList,
            evidence: (try? JSONDecoder().decode([Evidence].self, from: Data(evidence.utf8))) ?? [],
            aiLines: aiLines,
            humanLines: humanLines,
            person: personEmail.map { Person(name: personName ?? "", email: $0) })
    }

    static func encode(_ evidence: [Evidence]) -> String {
        guard !evidence.isEmpty else { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(evidence)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}

