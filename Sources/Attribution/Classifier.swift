import Foundation

/// Identities already looked up, for one thread's run of `classify`: a
/// history repeats a few thousand authors and committers, and each lookup
/// lower-cases the name and the address. Not shared between threads.
public final class IdentityCache {
    struct Key: Hashable {
        var name: String
        var email: String
    }

    var entries: [Key: IdentityIndex.Match?] = [:]
    /// What the lexicon reads in a display name or an addressless trailer value.
    var names: [String: NameReading] = [:]
    /// Sign-off values that cannot be an AI's (most of them: every commit of
    /// a DCO project carries one or more), so that they are read once.
    var personalSignOffs: Set<String> = []

    public init() {}
}

/// Classifies one commit's metadata into a verdict. Pure: the same facts and
/// catalogue always give the same verdict, and nothing is read or written.
///
/// Precedence, from the catalogue's evidence:
/// 1. An AI identity as author, or an AI identity, disclosure, session or
///    marker in the message, makes the commit `ai` — even when a bot is the
///    author (an agent fixing a dependabot PR is AI work).
/// 2. Otherwise an automation identity as author makes it `bot`.
/// 3. Otherwise it is `human`. An AI identity that is only the committer (aider
///    committing a person's edits, an agent rebasing old commits) is kept as
///    evidence but does not change that.
public struct Classifier: Sendable {
    public let catalogue: Catalogue
    let identities: IdentityIndex
    /// Tool and model names, the lexicon's generalising rules.
    let names: ModelNames
    private let toolAliases: [(alias: String, tool: String)]
    private let trailerRules: [String: [Catalogue.Rule]]
    private let disclosureRules: [String: Catalogue.Rule]
    private let markerRules: [Catalogue.Rule]
    /// Each marker rule's whole subjects and subject prefixes, lower-cased once.
    private let subjectMarkers: [(rule: Catalogue.Rule, equals: [String], prefixes: [String])]
    /// Each marker rule's line prefixes, lower-cased once.
    private let markerPrefixes: [(index: Int, prefixes: [String])]
    /// The first byte (lower-cased) of every marker prefix: a line that starts
    /// with none of them needs no closer look.
    private let markerFirstBytes: Set<UInt8>
    private let longestMarkerPrefix: Int
    /// The same rules compared as bytes, when the catalogue allows (see `MarkerMatcher`).
    private let markerMatcher: MarkerMatcher?
    private let branchRules: [Catalogue.Rule]
    /// Each branch rule's prefixes, lower-cased once, with their length in Characters.
    private let branchPrefixes: [(rule: Catalogue.Rule, prefixes: [(lowered: String, length: Int)])]
    /// The same prefixes as bytes, when all are ASCII.
    private let asciiBranchPrefixes: [(rule: Catalogue.Rule, prefixes: [[UInt8]])]?
    private let notesRules: [Catalogue.Rule]

    /// The catalogue's version and a digest of its content: stored with every
    /// scan, so that any change to the rules — a new release, an edited
    /// resource, the user's own entries — reclassifies stored commits.
    public let fingerprint: String

    public init(catalogue: Catalogue) {
        self.init(catalogue: catalogue, comparingMarkerBytes: true)
    }

    /// `comparingMarkerBytes: false` finds markers Character by Character
    /// only: what the byte comparison is tested against.
    init(catalogue: Catalogue, comparingMarkerBytes: Bool) {
        self.catalogue = catalogue
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Verdicts do not depend on the agent configuration files: a change of
        // them does not make every stored verdict be derived again.
        var verdictRules = catalogue
        verdictRules.agentConfigurations = nil
        let digest = StableHash.fnv1a((try? encoder.encode(verdictRules)) ?? Data())
        fingerprint = "\(catalogue.version)#\(String(digest, radix: 16))"
        identities = IdentityIndex(catalogue.identities)
        names = ModelNames(catalogue)
        // Longer aliases first, so `claude code` is tried before `claude`.
        toolAliases = catalogue.tools
            .flatMap { tool in tool.aliases.map { (alias: $0.lowercased(), tool: tool.id) } }
            .sorted { $0.alias.count > $1.alias.count }
        var trailerRules: [String: [Catalogue.Rule]] = [:]
        var disclosureRules: [String: Catalogue.Rule] = [:]
        for rule in catalogue.rules {
            switch rule.kind {
            case .sessionTrailer:
                for key in rule.keys ?? [] { trailerRules[key.lowercased(), default: []].append(rule) }
            case .assistedByTrailer:
                for key in rule.keys ?? [] { disclosureRules[key.lowercased()] = rule }
            default: break
            }
        }
        self.trailerRules = trailerRules
        self.disclosureRules = disclosureRules
        markerRules = catalogue.rules.filter { $0.kind == .marker }
        subjectMarkers = markerRules.compactMap { rule in
            let equals = (rule.subjectEquals ?? []).map { $0.lowercased() }
            let prefixes = (rule.subjectPrefix ?? []).map { $0.lowercased() }
            return equals.isEmpty && prefixes.isEmpty ? nil : (rule, equals, prefixes)
        }
        markerPrefixes = markerRules.enumerated().compactMap { index, rule in
            rule.lineStartsWith.map { (index, $0.map { $0.lowercased() }) }
        }
        markerFirstBytes = Set(markerPrefixes.flatMap { $0.prefixes.compactMap(\.utf8.first) })
        longestMarkerPrefix = markerPrefixes.flatMap(\.prefixes).map(\.count).max() ?? 0
        markerMatcher = comparingMarkerBytes ? MarkerMatcher(rules: markerRules) : nil
        branchRules = catalogue.rules.filter { $0.kind == .branch }
        branchPrefixes = branchRules.map { rule in (rule, (rule.branchPrefix ?? []).map { ($0.lowercased(), $0.count) }) }
        let asciiPrefixes = branchPrefixes.map { ($0.rule, $0.prefixes.map { Array($0.lowered.utf8) }) }
        asciiBranchPrefixes = asciiPrefixes.allSatisfy { $0.1.allSatisfy { $0.allSatisfy { $0 < 0x80 } } } ? asciiPrefixes : nil
        notesRules = catalogue.rules.filter { $0.kind == .notes && $0.notesRef != nil }
    }

    public func classify(_ facts: CommitFacts) -> Verdict {
        classify(facts, parsed: ParsedMessage(facts.message))
    }

    public func classify(_ facts: CommitFacts, parsed: ParsedMessage, cache: IdentityCache? = nil) -> Verdict {
        var evidence: [Evidence] = []

        // Author and committer.
        let author = identity(facts.authorName, facts.authorEmail, cache)
        if let authorEvidence = self.authorEvidence(author, facts, subject: parsed.subject, cache) {
            evidence.append(authorEvidence)
        }
        let authorIsAI = evidence.first?.kind == .author && evidence.first?.indicates == .ai
        if let committer = identity(facts.committerName, facts.committerEmail, cache),
           committer.identity.class == .ai {
            let sameAsAuthor = authorIsAI && committer.identity.id == author?.identity.id
            if !sameAsAuthor {
                evidence.append(Evidence(
                    rule: committer.identity.id, kind: .committer, tool: committer.identity.tool, indicates: .ai,
                    confidence: .attested, matched: Self.address(facts.committerName, facts.committerEmail),
                    counts: false, note: "an AI tool committed it; the author is who wrote it"))
            }
        }

        // Trailers anywhere in the message.
        for trailer in parsed.trailers {
            if trailer.key == "co-authored-by" || trailer.key == "signed-off-by" {
                if let found = coAuthorEvidence(trailer, facts, cache) { evidence.append(found) }
                continue
            }
            if let rule = disclosureRules[trailer.key] {
                if let found = disclosedTool(in: trailer.value) {
                    evidence.append(Evidence(
                        rule: found.rule ?? rule.id, kind: .assistedByTrailer, tool: found.tool, indicates: .ai,
                        confidence: rule.confidence, matched: trailer.text, counts: true))
                }
                // A session rule can also claim the same key (`Generated-by: PostHog Code`).
            }
            for rule in trailerRules[trailer.key] ?? [] where Self.valueMatches(trailer.value, rule) {
                evidence.append(Evidence(
                    rule: rule.id, kind: .sessionTrailer, tool: rule.tool, indicates: .ai,
                    confidence: rule.confidence, matched: trailer.text, counts: true))
            }
        }

        // Marker lines.
        if !markerRules.isEmpty {
            evidence.append(contentsOf: markers(in: parsed))
        }
        if let footer = footerEvidence(parsed, besides: evidence) { evidence.append(footer) }

        // Notes written by the agents' own hooks.
        var aiLines: Int?
        var humanLines: Int?
        for rule in notesRules {
            guard let ref = rule.notesRef, let text = facts.notes[ref] else { continue }
            guard let note = GitAINote(text) else {
                // Agent Trace records kept as a note of the commit they trace (`refs/notes/agent-trace`).
                for traced in AgentTrace.evidence(in: Data(text.utf8), classifier: self).values.joined() {
                    evidence.append(traced)
                    aiLines = (aiLines ?? 0) + (traced.lines ?? 0)
                }
                continue
            }
            humanLines = (humanLines ?? 0) + note.humanLines
            guard !note.agents.isEmpty, note.aiLines > 0 else { continue }
            aiLines = (aiLines ?? 0) + note.aiLines
            for agent in note.agents {
                let tool = rule.notesTools?[agent.tool.lowercased()] ?? "ai-unspecified"
                let model = agent.model.map { ", model \($0)" } ?? ""
                evidence.append(Evidence(
                    rule: rule.id, kind: .notes, tool: tool, indicates: .ai, confidence: rule.confidence,
                    matched: "\(ref): agent \(agent.tool)\(model); \(note.aiLines) AI lines, \(note.humanLines) human",
                    counts: true))
            }
        }

        var verdict = Self.decide(evidence, authorIsAI: authorIsAI)
        verdict.aiLines = aiLines
        verdict.humanLines = humanLines
        verdict.person = person(facts, parsed: parsed, author: author, cache: cache)
        return verdict
    }

    /// Who a commit counts for in adoption: people, not agents.
    private func person(_ facts: CommitFacts, parsed: ParsedMessage, author: IdentityIndex.Match?, cache: IdentityCache?) -> Person? {
        guard let author else {
            // An agent's name over the person's own address (`Cursor Agent <jane@…>`): that address is the
            // person, named as they commit.
            let agentNamed = reading(of: facts.authorName, cache).named != nil && facts.committerEmail == facts.authorEmail
            return Person(name: agentNamed ? facts.committerName : facts.authorName, email: facts.authorEmail)
        }
        if let suffix = author.nameSuffix, author.identity.class == .ai {
            // `Jane Doe (aider)` with Jane's own address.
            let name = String(facts.authorName.dropLast(suffix.count)).trimmingBlanks()
            return Person(name: name, email: facts.authorEmail)
        }
        // An agent or a bot as author: the person its co-author trailer names.
        for trailer in parsed.trailers where trailer.key == "co-authored-by" {
            guard let address = NamedAddress(trailer.value), !address.email.isEmpty,
                  identity(address.name, address.email, cache) == nil else { continue }
            return Person(name: address.name, email: address.email)
        }
        if author.identity.class == .ai, identity(facts.committerName, facts.committerEmail, cache) == nil {
            return Person(name: facts.committerName, email: facts.committerEmail)
        }
        return nil
    }

    /// The catalogue identity of a name and an address, through `cache` when given.
    func identity(_ name: String, _ email: String, _ cache: IdentityCache?) -> IdentityIndex.Match? {
        guard let cache else { return identities.match(name: name, email: email) }
        let key = IdentityCache.Key(name: name, email: email)
        if let known = cache.entries[key] { return known }
        let found = identities.match(name: name, email: email)
        // Bounded: a history with millions of distinct identities starts over.
        if cache.entries.count >= 100_000 { cache.entries.removeAll(keepingCapacity: true) }
        cache.entries[key] = .some(found)
        return found
    }

    /// Adds a branch trace (the commit came in through a merge of an AI tool's
    /// branch) to a verdict made earlier.
    public func adding(_ branch: Evidence, to verdict: Verdict) -> Verdict {
        if verdict.evidence.contains(branch) { return verdict }
        return Self.decided(verdict.evidence + [branch], after: verdict, authorIsAI: verdict.mode == .agent)
    }

    /// A verdict made earlier decided again on `evidence`: its line counts
    /// and its person stay, as nothing added after the commit changes them.
    static func decided(_ evidence: [Evidence], after verdict: Verdict, authorIsAI: Bool) -> Verdict {
        var updated = decide(evidence, authorIsAI: authorIsAI)
        updated.aiLines = verdict.aiLines
        updated.humanLines = verdict.humanLines
        updated.person = verdict.person
        return updated
    }

    /// The rule id prefix of session-log evidence from an agent's edits that
    /// a person committed (`session-edits.claude-code`): the mode stays assisted.
    public static let sessionEditsRule = "session-edits."

    /// Adds evidence found outside the commit — an AI tool's session log (its
    /// agent made the commit, or wrote what a person committed), an Agent
    /// Trace record — to a verdict made earlier. It never lowers a verdict,
    /// and a bot's commit stays a bot's: the evidence is kept there, not counted.
    public func adding(session evidence: Evidence, to verdict: Verdict) -> Verdict {
        if verdict.evidence.contains(where: { $0.kind == evidence.kind && $0.matched == evidence.matched }) { return verdict }
        var evidence = evidence
        if verdict.commitClass == .bot {
            evidence.counts = false
            evidence.note = "automation's commit: a session log does not make it AI"
        }
        // An agent that made the commit makes the mode the agent's; a person committing its edits leaves it assisted.
        let agentCommitted = evidence.counts && evidence.kind == .sessionLog && !evidence.rule.hasPrefix(Self.sessionEditsRule)
        var updated = Self.decided(verdict.evidence + [evidence], after: verdict, authorIsAI: verdict.mode == .agent || agentCommitted)
        // git-ai's notes count lines best; a tool's own count comes next.
        updated.aiLines = verdict.aiLines ?? (evidence.counts && updated.commitClass == .ai ? evidence.lines : nil)
        return updated
    }

    /// The branch named in a merge subject and the AI tool whose branch it is.
    public func branchEvidence(forMergeSubject subject: String) -> Evidence? {
        guard subject.utf8.starts(with: "Merge ".utf8) else { return nil }
        if let decided = asciiBranchEvidence(subject) { return decided }
        return branchEvidenceByCharacter(forMergeSubject: subject)
    }

    /// `branchEvidence`, Character by Character: for subjects that are not ASCII.
    func branchEvidenceByCharacter(forMergeSubject subject: String) -> Evidence? {
        // Most merges say neither form; nothing is lower-cased for them.
        guard subject.hasPrefix("Merge "), let branch = Self.mergedBranch(subject) else { return nil }
        let lowered = branch.lowercased()
        let length = branch.count
        for (rule, prefixes) in branchPrefixes {
            for prefix in prefixes where lowered.hasPrefix(prefix.lowered) && length > prefix.length {
                return Evidence(rule: rule.id, kind: .branch, tool: rule.tool, indicates: .ai,
                                confidence: rule.confidence, matched: branch, counts: true)
            }
        }
        return nil
    }

    /// `branchEvidence` on the bytes of an ASCII subject, where bytes and
    /// Characters are the same thing (a carriage return aside); nil when the
    /// subject or the catalogue's prefixes are not ASCII. A quarter of a
    /// typical history is merges, and Character-based searching cost more
    /// than reading them.
    func asciiBranchEvidence(_ subject: String) -> Evidence?? {
        guard let prefixTable = asciiBranchPrefixes else { return nil }
        var subject = subject
        return subject.withUTF8 { bytes -> Evidence?? in
            guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return nil }
            func find(_ needle: StaticString, from start: Int) -> Int? {
                let count = needle.utf8CodeUnitCount
                guard bytes.count >= count else { return nil }
                var position = start
                while position + count <= bytes.count {
                    if memcmp(bytes.baseAddress! + position, needle.utf8Start, count) == 0 { return position }
                    position += 1
                }
                return nil
            }
            func hasPrefix(_ prefix: StaticString) -> Bool {
                bytes.count >= prefix.utf8CodeUnitCount && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
            }
            var branch: Range<Int>
            if hasPrefix("Merge pull request #"), let from = find(" from ", from: 20) {
                // The first word after " from ", as split(separator: " ") finds it.
                var start = from + 6
                while start < bytes.count && bytes[start] == 0x20 { start += 1 }
                let end = bytes[start...].firstIndex(of: 0x20) ?? bytes.count
                branch = start..<end
                guard let slash = bytes[branch].firstIndex(of: 0x2F) else {
                    if branch.isEmpty { return .some(nil) }
                    return .some(matchBranch(bytes, branch, prefixTable))
                }
                branch = (slash + 1)..<end
            } else if hasPrefix("Merge branch '") || hasPrefix("Merge remote-tracking branch '") {
                let remote = hasPrefix("Merge remote")
                let start = remote ? 30 : 14
                guard let close = bytes[start...].firstIndex(of: 0x27) else { return .some(nil) }
                branch = start..<close
                if remote, let slash = bytes[branch].firstIndex(of: 0x2F) { branch = (slash + 1)..<close }
            } else {
                return .some(nil)
            }
            return .some(matchBranch(bytes, branch, prefixTable))
        }
    }

    private func matchBranch(_ bytes: UnsafeBufferPointer<UInt8>, _ branch: Range<Int>,
                             _ table: [(rule: Catalogue.Rule, prefixes: [[UInt8]])]) -> Evidence? {
        // By index: copying a rule out of the table (a dozen strings and arrays) cost more than the match.
        for entry in table.indices {
            for prefix in table[entry].prefixes where branch.count > prefix.count {
                var same = true
                for index in 0..<prefix.count where Self.asciiLower(bytes[branch.lowerBound + index]) != prefix[index] {
                    same = false
                    break
                }
                guard same else { continue }
                let rule = table[entry].rule
                return Evidence(rule: rule.id, kind: .branch, tool: rule.tool, indicates: .ai, confidence: rule.confidence,
                                matched: String(decoding: UnsafeBufferPointer(rebasing: bytes[branch]), as: UTF8.self), counts: true)
            }
        }
        return nil
    }

    /// `Merge pull request #12 from owner/claude/fix-x` → `claude/fix-x`;
    /// `Merge branch 'codex/y' into main` → `codex/y`.
    static func mergedBranch(_ subject: String) -> String? {
        if subject.hasPrefix("Merge pull request #"), let from = subject.range(of: " from ") {
            let rest = subject[from.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            // owner/branch: drop the owner (a fork's or the repository's).
            guard let slash = rest.firstIndex(of: "/") else { return rest.isEmpty ? nil : rest }
            return String(rest[rest.index(after: slash)...])
        }
        for prefix in ["Merge branch '", "Merge remote-tracking branch '"] where subject.hasPrefix(prefix) {
            let rest = subject.dropFirst(prefix.count)
            guard let close = rest.firstIndex(of: "'") else { return nil }
            var branch = String(rest[..<close])
            if prefix.hasPrefix("Merge remote"), let slash = branch.firstIndex(of: "/") {
                branch = String(branch[branch.index(after: slash)...])
            }
            return branch
        }
        return nil
    }

    // MARK: - Pieces

    private func markers(in parsed: ParsedMessage) -> [Evidence] {
        guard let matcher = markerMatcher else { return markersByCharacter(in: parsed) }
        var found: [Evidence] = []
        guard var matched = matcher.subjectMatches(parsed.subject) else { return markersByCharacter(in: parsed) }
        if matched != 0 {
            for index in 0..<matcher.ruleCount where matched & (1 << UInt64(index)) != 0 {
                found.append(marker(markerRules[index], parsed.subject))
            }
        }
        guard !markerPrefixes.isEmpty else { return found }
        parsed.forEachLine { bytes, lineIndex in
            var lineMatched: UInt64 = 0
            switch matcher.lineMatches(bytes, skipping: matched) {
            case .none: return true
            case .matched(let bits): lineMatched = bits
            case .handOff:
                for index in lineMarkers(parsed.line(lineIndex), skipping: { matched & (1 << UInt64($0)) != 0 }) {
                    lineMatched |= 1 << UInt64(index)
                }
            }
            guard lineMatched != 0 else { return true }
            matched |= lineMatched
            let line = parsed.line(lineIndex)
            for index in 0..<matcher.ruleCount where lineMatched & (1 << UInt64(index)) != 0 {
                found.append(marker(markerRules[index], String(line.prefix(200))))
            }
            return true
        }
        return found
    }

    /// The same as `markers(in:)`, Character by Character: for catalogues with
    /// phrases that are not ASCII.
    private func markersByCharacter(in parsed: ParsedMessage) -> [Evidence] {
        var found: [Evidence] = []
        var matchedRules = Set<String>()
        if !subjectMarkers.isEmpty {
            let subject = parsed.subject.lowercased()
            for (rule, equals, prefixes) in subjectMarkers
            where equals.contains(subject) || prefixes.contains(where: { subject.hasPrefix($0) }) {
                matchedRules.insert(rule.id)
                found.append(marker(rule, parsed.subject))
            }
        }
        guard !markerPrefixes.isEmpty else { return found }
        for line in parsed.lines {
            for index in lineMarkers(line, skipping: { matchedRules.contains(markerRules[$0].id) }) {
                matchedRules.insert(markerRules[index].id)
                found.append(marker(markerRules[index], String(line.prefix(200))))
            }
        }
        return found
    }

    /// The marker rules (indexes into `markerRules`) whose line phrase `line`
    /// starts with, after its decoration, Character by Character.
    private func lineMarkers(_ line: Substring, skipping skip: (Int) -> Bool) -> [Int] {
        let stripped = Self.droppingDecoration(line)
        guard let first = stripped.utf8.first, markerFirstBytes.contains(Self.asciiLower(first)) else { return [] }
        let head = stripped.prefix(longestMarkerPrefix).lowercased()
        return markerPrefixes.filter { !skip($0.index) && $0.prefixes.contains(where: { head.hasPrefix($0) }) }.map(\.index)
    }

    private func marker(_ rule: Catalogue.Rule, _ matched: String) -> Evidence {
        Evidence(rule: rule.id, kind: .marker, tool: rule.tool, indicates: .ai, confidence: rule.confidence,
                 matched: matched, counts: true)
    }

    @inline(__always) static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// Drops what tools put before a marker phrase: blanks, emoji, bullets, `_`.
    static func droppingDecoration(_ line: Substring) -> Substring {
        // Most lines start with a letter: no grapheme work for them.
        if let first = line.utf8.first, (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A) {
            return line
        }
        return line.drop { character in
            if character.isWhitespace { return true }
            if "_*->#".contains(character) { return true }
            // Emoji and other pictographs; letters of any script stay.
            return !character.isASCII && !character.isLetter && !character.isNumber
        }
    }

    private static func valueMatches(_ value: String, _ rule: Catalogue.Rule) -> Bool {
        let lowered = value.lowercased()
        if let equals = rule.valueEquals, !equals.contains(where: { $0.lowercased() == lowered }) { return false }
        if let contains = rule.valueContains, !contains.contains(where: { lowered.contains($0.lowercased()) }) { return false }
        return !value.isEmpty
    }

    /// The tool an `Assisted-by:`-style value names: by an AI identity's address
    /// when it has one (a person's address never counts), else by a tool or
    /// model word (`Claude:claude-opus-4`, `Claude Opus 4.6 via Crush`).
    private func disclosedTool(in value: String) -> (tool: String, rule: String?)? {
        if let address = NamedAddress(value) {
            if let match = identities.match(name: address.name, email: address.email) {
                return match.identity.class == .ai ? (match.identity.tool ?? "ai-unspecified", match.identity.id) : nil
            }
            guard let named = names.tool(namedBy: address.name), names.isMachineAddress(address.email) else { return nil }
            return (named.tool, Self.lexiconRule)
        }
        if names.isGenericDisclosure(value) { return ("ai-unspecified", Self.lexiconRule) }
        let lowered = value.lowercased()
        if let via = lowered.range(of: " via "), let tool = toolNamed(in: String(lowered[via.upperBound...])) {
            return (tool, nil)
        }
        return toolNamed(in: lowered).map { ($0, nil) }
    }

    /// The catalogue's id of the tool `name` names (`Claude Code`, `cursor`), if any.
    public func toolID(named name: String) -> String? {
        let lowered = name.lowercased()
        if catalogue.tools.contains(where: { $0.id == lowered }) { return lowered }
        return toolNamed(in: lowered)
    }

    /// The tool whose alias appears earliest in `text` as whole words.
    private func toolNamed(in text: String) -> String? {
        let words = Self.words(text)
        guard !words.isEmpty else { return nil }
        var best: (position: Int, length: Int, tool: String)?
        for (alias, tool) in toolAliases {
            let aliasWords = Self.words(alias)
            guard !aliasWords.isEmpty, aliasWords.count <= words.count else { continue }
            for start in 0...(words.count - aliasWords.count)
            where Self.wordsMatch(words[start..<start + aliasWords.count], aliasWords) {
                if best == nil || start < best!.position || (start == best!.position && aliasWords.count > best!.length) {
                    best = (start, aliasWords.count, tool)
                }
                break
            }
        }
        return best?.tool
    }

    /// Equal words, or a last word that is the alias with a version glued on
    /// (`chatgptv5`, `gpt4`).
    static func wordsMatch(_ words: ArraySlice<String>, _ alias: [String]) -> Bool {
        guard words.count == alias.count else { return false }
        for (index, (word, expected)) in zip(words, alias).enumerated() where word != expected {
            guard index == alias.count - 1, word.hasPrefix(expected) else { return false }
            var rest = word.dropFirst(expected.count)
            if rest.first == "v" { rest = rest.dropFirst() }
            guard let first = rest.first, first.isNumber else { return false }
        }
        return true
    }

    /// Lower-case words split at anything but letters, digits, `.` and `-`.
    /// A model name with its version attached (`gpt-4o`, `claude-3-opus`)
    /// counts as its family word (`gpt`, `claude`).
    static func words(_ text: String) -> [String] {
        text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            .compactMap { raw -> String? in
                let word = String(raw).trimmingCharacters(in: ".-")
                guard !word.isEmpty else { return nil }
                if let dash = word.firstIndex(of: "-"), word[..<dash].allSatisfy({ $0.isLetter }),
                   word[word.index(after: dash)...].first?.isNumber == true {
                    return String(word[..<dash])
                }
                return word
            }
    }

    static func address(_ name: String, _ email: String) -> String { "\(name) <\(email)>" }

    static func decide(_ evidence: [Evidence], authorIsAI: Bool) -> Verdict {
        // A squash body repeats the same trailer once per squashed commit: one line of evidence is enough.
        var seen = Set<String>()
        var evidence = evidence.filter { seen.insert("\($0.rule)\u{0}\($0.kind.rawValue)\u{0}\($0.matched)").inserted }
        // A weak marker (`Initial plan`) is phrasing several agents share: it
        // names the tool only when nothing attested does.
        if evidence.contains(where: { $0.counts && $0.indicates == .ai && $0.confidence == .attested }) {
            for index in evidence.indices
            where evidence[index].kind == .marker && evidence[index].confidence == .inferred && evidence[index].counts {
                evidence[index].counts = false
                evidence[index].note = "a weak marker; attested evidence names the tool"
            }
        }
        let counted = evidence.filter { $0.counts && $0.indicates == .ai }
        if !counted.isEmpty {
            let tools = Set(counted.map { $0.tool ?? "ai-unspecified" }).sorted()
            let confidence = counted.map(\.confidence).max()
            return Verdict(commitClass: .ai, confidence: confidence, mode: authorIsAI ? .agent : .assisted,
                           tools: tools, evidence: evidence)
        }
        if evidence.contains(where: { $0.kind == .author && $0.indicates == .bot }) {
            return Verdict(commitClass: .bot, confidence: nil, mode: nil, tools: [], evidence: evidence)
        }
        return Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: evidence)
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
