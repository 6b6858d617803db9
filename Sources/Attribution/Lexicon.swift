import Foundation

extension Catalogue {
    /// How AI models, tools and automation are named, for the traces no
    /// identity or rule lists: the next tool's `Co-Authored-By: Grok 4.6
    /// <noreply@x.ai>`, an imitation of Claude Code's footer naming another
    /// model, `Assisted-by: AI`, a `Release Bot`. Generalising rules are data
    /// too, so a user's catalogue can add a qualifier or a vendor's domain.
    public struct Lexicon: Codable, Sendable, Equatable {
        /// Words that may follow a tool's name in the name of an agent or a
        /// model (`code`, `agent`, `opus`, `flash`): `Claude Code` is a tool,
        /// `Claude Shannon` a person.
        public var qualifiers: [String]
        /// Local parts of addresses no person reads (`noreply`).
        public var machineLocals: [String]
        /// AI vendors' mail domains (and their subdomains) → the tool they make.
        public var vendorDomains: [String: String]
        /// A disclosure made only of these and `genericFillers` names an AI
        /// without naming it (`Assisted-by: AI`, `Generated-by: an LLM`).
        public var genericWords: [String]
        public var genericFillers: [String]
        /// The last word of automation's display name (`Release Bot`, `Gemini CLI Robot`).
        public var automationNameWords: [String]
        /// Whole display names of automation (`semantic-release`).
        public var automationNames: [String]
        /// Subjects of version publishing (`chore(release): …`), lower-case prefixes.
        public var releaseSubjects: [String]
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case qualifiers, note
            case machineLocals = "machine_locals"
            case vendorDomains = "vendor_domains"
            case genericWords = "generic_words"
            case genericFillers = "generic_fillers"
            case automationNameWords = "automation_name_words"
            case automationNames = "automation_names"
            case releaseSubjects = "release_subjects"
        }

        /// Every list may be left out (a user's catalogue adds a few words).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
            qualifiers = try list(.qualifiers)
            machineLocals = try list(.machineLocals)
            vendorDomains = try container.decodeIfPresent([String: String].self, forKey: .vendorDomains) ?? [:]
            genericWords = try list(.genericWords)
            genericFillers = try list(.genericFillers)
            automationNameWords = try list(.automationNameWords)
            automationNames = try list(.automationNames)
            releaseSubjects = try list(.releaseSubjects)
            note = try container.decodeIfPresent(String.self, forKey: .note)
        }

        /// This lexicon with `more`'s words added (a user's catalogue extends the bundled one).
        func adding(_ more: Lexicon) -> Lexicon {
            func union(_ a: [String], _ b: [String]) -> [String] { a + b.filter { !a.contains($0) } }
            var merged = self
            merged.qualifiers = union(qualifiers, more.qualifiers)
            merged.machineLocals = union(machineLocals, more.machineLocals)
            merged.vendorDomains.merge(more.vendorDomains) { _, new in new }
            merged.genericWords = union(genericWords, more.genericWords)
            merged.genericFillers = union(genericFillers, more.genericFillers)
            merged.automationNameWords = union(automationNameWords, more.automationNameWords)
            merged.automationNames = union(automationNames, more.automationNames)
            merged.releaseSubjects = union(releaseSubjects, more.releaseSubjects)
            return merged
        }
    }
}

/// The catalogue's tool names and lexicon, prepared for reading names:
/// which tool a display name, a trailer value or an address names.
struct ModelNames: Sendable {
    /// Each alias as words, longest first (`claude code` before `claude`).
    private let aliases: [(words: [String], tool: String)]
    /// Which aliases can match a name, by its first word: those starting with
    /// it, and the one-word aliases it may be with a version glued on (`gpt4`).
    private let aliasesByFirstWord: [String: [Int]]
    private let oneWordAliases: [(index: Int, word: String)]
    private let qualifiers: Set<String>
    private let machineLocals: Set<String>
    private let vendorDomains: [String: String]
    private let genericWords: Set<String>
    private let genericFillers: Set<String>
    private let automationNameWords: Set<String>
    private let automationNames: Set<String>
    private let releaseSubjects: [String]

    init(_ catalogue: Catalogue) {
        let aliases = catalogue.tools
            .flatMap { tool in tool.aliases.map { (words: Self.nameWords($0), tool: tool.id) } }
            .filter { !$0.words.isEmpty }
            .sorted { $0.words.count > $1.words.count }
        self.aliases = aliases
        aliasesByFirstWord = Dictionary(grouping: aliases.indices, by: { aliases[$0].words[0] })
        oneWordAliases = aliases.indices.filter { aliases[$0].words.count == 1 }.map { ($0, aliases[$0].words[0]) }
        let lexicon = catalogue.lexicon
        qualifiers = Set((lexicon?.qualifiers ?? []).map { $0.lowercased() })
        machineLocals = Set((lexicon?.machineLocals ?? []).map { $0.lowercased() })
        vendorDomains = Dictionary((lexicon?.vendorDomains ?? [:]).map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        genericWords = Set((lexicon?.genericWords ?? []).map { $0.lowercased() })
        genericFillers = Set((lexicon?.genericFillers ?? []).map { $0.lowercased() })
        automationNameWords = Set((lexicon?.automationNameWords ?? []).map { $0.lowercased() })
        automationNames = Set((lexicon?.automationNames ?? []).map { $0.lowercased() })
        releaseSubjects = (lexicon?.releaseSubjects ?? []).map { $0.lowercased() }
    }

    /// A name that is an AI tool's or model's: a tool word, then only
    /// qualifiers and version tokens, up to a `via`/`with` naming the harness
    /// or a parenthesis (`Grok 4.6`, `Kimi Code · Qwen3.8 27B`,
    /// `MiniMax-M2.7-highspeed`, `Mistral Vibe`). `qualified` says whether
    /// the name is more than one tool word: a bare `Claude` or `Devin` is
    /// also a person's first name.
    func tool(namedBy name: String) -> (tool: String, qualified: Bool)? {
        let words = Self.nameWords(Self.droppingParentheses(name))
        guard let first = words.first else { return nil }
        // The aliases in their order of precedence, of those whose first word can match.
        var candidates = aliasesByFirstWord[first] ?? []
        for alias in oneWordAliases where alias.word != first && first.hasPrefix(alias.word) { candidates.append(alias.index) }
        for (aliasWords, tool) in candidates.sorted().map({ aliases[$0] }) where aliasWords.count <= words.count {
            guard Classifier.wordsMatch(words.prefix(aliasWords.count), aliasWords) else { continue }
            var rest = words.dropFirst(aliasWords.count)
            if let cut = rest.firstIndex(where: { ["via", "with", "using", "on", "in", "for"].contains($0) }) {
                rest = rest[..<cut]
            }
            guard rest.allSatisfy({ qualifiers.contains($0) || $0.contains(where: \.isNumber) }) else { return nil }
            let glued = words[aliasWords.count - 1] != aliasWords[aliasWords.count - 1]
            return (tool, !rest.isEmpty || glued || aliasWords.count > 1)
        }
        return nil
    }

    /// An address no person reads: a no-reply local part or an AI vendor's
    /// domain; never a person's GitHub noreply address (`123+jane@users.noreply.github.com`).
    func isMachineAddress(_ email: String) -> Bool {
        let lowered = email.lowercased()
        guard let at = lowered.lastIndex(of: "@") else { return false }
        let domain = String(lowered[lowered.index(after: at)...])
        guard domain != "users.noreply.github.com", !domain.isEmpty else { return false }
        let local = lowered[..<at].split(separator: "+", maxSplits: 1).first.map(String.init) ?? ""
        return machineLocals.contains(local) || vendorTool(ofDomain: domain) != nil
    }

    /// The tool whose vendor owns `domain` or a domain above it.
    func vendorTool(ofDomain domain: String) -> String? {
        var candidate = Substring(domain)
        while true {
            if let tool = vendorDomains[String(candidate)] { return tool }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
            if !candidate.contains(".") { return nil }
        }
    }

    /// `AI`, `an LLM`, `generative AI tools`: a disclosure of an AI that names none.
    func isGenericDisclosure(_ value: String) -> Bool {
        let words = Self.nameWords(value)
        guard words.contains(where: genericWords.contains) else { return false }
        return words.allSatisfy { genericWords.contains($0) || genericFillers.contains($0) }
    }

    /// A display name that says it is automation: `Release Bot`,
    /// `gemini-cli-robot`, `semantic-release`.
    func isAutomationName(_ name: String) -> Bool {
        let lowered = name.lowercased().trimmingBlanks()
        if automationNames.contains(lowered) { return true }
        let words = lowered.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" || $0 == "." })
        guard words.count >= 2, let last = words.last else { return false }
        return automationNameWords.contains(String(last))
    }

    func isReleaseSubject(_ subject: String) -> Bool {
        let lowered = subject.lowercased()
        return releaseSubjects.contains { lowered.hasPrefix($0) }
    }

    /// Lower-case words split at anything but letters, digits and `.`:
    /// `MiniMax-M2.7-highspeed` → `minimax`, `m2.7`, `highspeed`.
    static func nameWords(_ text: String) -> [String] {
        // Most names are ASCII: cut as bytes, without Character properties (a scan reads thousands of names).
        text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiNameWords(text) : nameWordsByCharacter(text)
    }

    /// `nameWords` for ASCII text, a byte at a time.
    static func asciiNameWords(_ text: String) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        func finishWord() {
            // Dots inside a word stay (`m2.7`); at its ends they go.
            if let first = word.firstIndex(where: { $0 != 0x2E }), let last = word.lastIndex(where: { $0 != 0x2E }) {
                words.append(String(decoding: word[first...last], as: UTF8.self))
            }
            word.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) || lower == 0x2E {
                word.append(lower)
            } else {
                finishWord()
            }
        }
        finishWord()
        return words
    }

    /// `nameWords` for any text, by Character.
    static func nameWordsByCharacter(_ text: String) -> [String] {
        text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == ".") })
            .compactMap { raw in
                let word = raw.drop(while: { $0 == "." })
                let trimmed = word.reversed().drop(while: { $0 == "." }).reversed()
                return trimmed.isEmpty ? nil : String(trimmed)
            }
    }

    /// `Claude Opus 4.6 (1M context)` → `Claude Opus 4.6 `.
    static func droppingParentheses(_ text: String) -> String {
        guard text.contains("(") || text.contains("[") else { return text }
        var depth = 0
        var kept = ""
        for character in text {
            if character == "(" || character == "[" { depth += 1; continue }
            if character == ")" || character == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { kept.append(character) }
        }
        return kept
    }
}
