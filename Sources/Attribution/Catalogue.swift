import Foundation

/// The signal catalogue: which identities, trailers, markers and branch names
/// each AI tool and each automation bot leaves in git history.
///
/// It is data, loaded from the bundled `signatures.json` and extended by the
/// user's own entries, so that a new tool is a new entry rather than new code.
public struct Catalogue: Codable, Sendable, Equatable {
    public struct Tool: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        /// Lower-case words that name the tool or its models in a free-text
        /// trailer value (`Assisted-by: Claude Opus 4.6`).
        public var aliases: [String]

        public init(id: String, name: String, aliases: [String]) {
            self.id = id
            self.name = name
            self.aliases = aliases
        }
    }

    /// An account an AI tool or a bot commits as, or names in a trailer.
    public struct Identity: Codable, Sendable, Equatable {
        public var id: String
        /// The AI tool, or nil for automation.
        public var tool: String?
        public var `class`: CommitClass
        /// Exact addresses, compared case-insensitively.
        public var emails: [String]?
        /// GitHub account ids, as in `198982749+Copilot@users.noreply.github.com`;
        /// stable across renames, so they outrank logins and names.
        public var githubIDs: [Int]?
        /// Whole noreply local parts (`41898282+claude[bot]`) for ids that several
        /// accounts share.
        public var noreplyLocals: [String]?
        /// GitHub logins; only a tiebreak, matched in noreply addresses and in
        /// names that look like accounts (`dependabot[bot]`).
        public var logins: [String]?
        public var loginSuffixes: [String]?
        /// Login patterns with one `*` (`ask-*[bot]`, `*-agent[bot]`).
        public var loginGlobs: [String]?
        /// Endings of the display name (`Paul Gauthier (aider)`).
        public var nameSuffixes: [String]?
        /// True for an AI tool's GitHub App that also publishes the tool's
        /// releases: its commits with a release subject (`Lexicon.releaseSubjects`) are automation.
        public var releaseSubjects: Bool?
        public var note: String?

        public init(id: String, tool: String?, class commitClass: CommitClass, emails: [String]? = nil,
                    githubIDs: [Int]? = nil, noreplyLocals: [String]? = nil, logins: [String]? = nil,
                    loginSuffixes: [String]? = nil, loginGlobs: [String]? = nil, nameSuffixes: [String]? = nil,
                    releaseSubjects: Bool? = nil, note: String? = nil) {
            self.id = id
            self.tool = tool
            self.class = commitClass
            self.emails = emails
            self.githubIDs = githubIDs
            self.noreplyLocals = noreplyLocals
            self.logins = logins
            self.loginSuffixes = loginSuffixes
            self.loginGlobs = loginGlobs
            self.nameSuffixes = nameSuffixes
            self.releaseSubjects = releaseSubjects
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case id, tool, `class`, emails, note
            case githubIDs = "github_ids"
            case noreplyLocals = "noreply_locals"
            case logins
            case loginSuffixes = "login_suffixes"
            case loginGlobs = "login_globs"
            case nameSuffixes = "name_suffixes"
            case releaseSubjects = "release_subjects"
        }
    }

    /// A message, trailer, branch or notes rule.
    public struct Rule: Codable, Sendable, Equatable {
        public var id: String
        public var tool: String?
        public var kind: SignalKind
        public var confidence: Confidence
        /// Trailer keys, lower-case.
        public var keys: [String]?
        public var valueContains: [String]?
        public var valueEquals: [String]?
        /// A message line that starts with one of these, once leading blanks,
        /// emoji and list bullets are dropped; case-insensitive.
        public var lineStartsWith: [String]?
        public var subjectPrefix: [String]?
        public var subjectEquals: [String]?
        public var branchPrefix: [String]?
        public var notesRef: String?
        /// git-ai's tool names → canonical tool ids.
        public var notesTools: [String: String]?
        public var note: String?

        public init(id: String, tool: String?, kind: SignalKind, confidence: Confidence, keys: [String]? = nil,
                    valueContains: [String]? = nil, valueEquals: [String]? = nil, lineStartsWith: [String]? = nil,
                    subjectPrefix: [String]? = nil, subjectEquals: [String]? = nil, branchPrefix: [String]? = nil,
                    notesRef: String? = nil, notesTools: [String: String]? = nil, note: String? = nil) {
            self.id = id
            self.tool = tool
            self.kind = kind
            self.confidence = confidence
            self.keys = keys
            self.valueContains = valueContains
            self.valueEquals = valueEquals
            self.lineStartsWith = lineStartsWith
            self.subjectPrefix = subjectPrefix
            self.subjectEquals = subjectEquals
            self.branchPrefix = branchPrefix
            self.notesRef = notesRef
            self.notesTools = notesTools
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case id, tool, kind, confidence, keys, note
            case valueContains = "value_contains"
            case valueEquals = "value_equals"
            case lineStartsWith = "line_starts_with"
            case subjectPrefix = "subject_prefix"
            case subjectEquals = "subject_equals"
            case branchPrefix = "branch_prefix"
            case notesRef = "notes_ref"
            case notesTools = "notes_tools"
        }
    }

    /// A file or folder an AI tool reads its instructions from (`CLAUDE.md`,
    /// `.cursor/rules`): the commit that adds one dates a repository's
    /// adoption of AI tools. Repository-level evidence, never a commit's verdict.
    public struct AgentConfiguration: Codable, Sendable, Equatable {
        /// From the repository's root, `/`-separated.
        public var path: String
        /// The tool that reads it; nil for a file several tools read (`AGENTS.md`).
        public var tool: String?

        public init(path: String, tool: String?) {
            self.path = path
            self.tool = tool
        }
    }

    public var format: Int
    public var version: String
    public var source: String?
    public var tools: [Tool]
    public var identities: [Identity]
    public var rules: [Rule]
    /// How AI models, tools and automation are named where no identity or
    /// rule lists them (see `Lexicon`); nil in a user's catalogue that adds none.
    public var lexicon: Lexicon?
    /// The agent configuration files that date a repository's adoption; nil
    /// in a user's catalogue that adds none.
    public var agentConfigurations: [AgentConfiguration]?

    enum CodingKeys: String, CodingKey {
        case format, version, source, tools, identities, rules, lexicon
        case agentConfigurations = "agent_configurations"
    }

    /// The notes refs that rules read (`refs/notes/ai`).
    public var notesRefs: [String] { rules.compactMap { $0.kind == .notes ? $0.notesRef : nil } }

    public init(format: Int = 1, version: String, source: String? = nil, tools: [Tool] = [],
                identities: [Identity] = [], rules: [Rule] = [], lexicon: Lexicon? = nil) {
        self.format = format
        self.version = version
        self.source = source
        self.tools = tools
        self.identities = identities
        self.rules = rules
        self.lexicon = lexicon
    }

    public enum LoadError: Error, CustomStringConvertible {
        case invalid(String)

        public var description: String {
            switch self {
            case .invalid(let why): "the signal catalogue is invalid: \(why)"
            }
        }
    }

    /// The catalogue shipped with CommitCensus, compiled into the program
    /// (see the EmbedData plugin): nothing is read from disk.
    public static func bundled() throws -> Catalogue {
        try decode(Data(EmbeddedCatalogue.json.utf8))
    }

    /// The bundled catalogue's `version`, read without decoding the whole
    /// catalogue (`census --version` runs before any command).
    public static var bundledVersion: String {
        // Bytes, not a Regex: every run reads it, and a Regex's first match costs milliseconds.
        let head = Array(EmbeddedCatalogue.json.utf8.prefix(400))
        let key = Array(#""version""#.utf8)
        guard var index = head.indices.first(where: { head[$0...].starts(with: key) }).map({ $0 + key.count }) else { return "unknown" }
        func skipBlanks() { while index < head.count, head[index] == 0x20 || head[index] == 0x0A || head[index] == 0x09 { index += 1 } }
        skipBlanks()
        guard index < head.count, head[index] == UInt8(ascii: ":") else { return "unknown" }
        index += 1
        skipBlanks()
        guard index < head.count, head[index] == UInt8(ascii: "\""),
              let end = head[(index + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return "unknown" }
        return String(decoding: head[(index + 1)..<end], as: UTF8.self)
    }

    public static func decode(_ data: Data) throws -> Catalogue {
        do {
            return try JSONDecoder().decode(Catalogue.self, from: data)
        } catch let error as DecodingError {
            throw LoadError.invalid(String(describing: error))
        }
    }

    /// This catalogue with `extra`'s entries added; an extra entry with the id
    /// of a bundled one replaces it, so users can also correct a shipped rule.
    public func merging(_ extra: Catalogue) -> Catalogue {
        var merged = self
        merged.version = extra.identities.isEmpty && extra.rules.isEmpty && extra.tools.isEmpty && extra.lexicon == nil
            ? version : "\(version)+\(extra.version)"
        func replacingOrAppending<T>(_ base: [T], _ more: [T], id: (T) -> String) -> [T] {
            var result = base
            for item in more {
                if let index = result.firstIndex(where: { id($0) == id(item) }) {
                    result[index] = item
                } else {
                    result.append(item)
                }
            }
            return result
        }
        merged.tools = replacingOrAppending(tools, extra.tools, id: \.id)
        merged.identities = replacingOrAppending(identities, extra.identities, id: \.id)
        merged.rules = replacingOrAppending(rules, extra.rules, id: \.id)
        if let more = extra.lexicon { merged.lexicon = lexicon.map { $0.adding(more) } ?? more }
        if let more = extra.agentConfigurations {
            merged.agentConfigurations = replacingOrAppending(agentConfigurations ?? [], more, id: \.path)
        }
        return merged
    }
}
