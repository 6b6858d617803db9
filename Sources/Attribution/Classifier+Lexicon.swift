import Foundation

/// What the lexicon reads in a name: automation that says so, or the tool
/// an agent's or a model's name names.
struct NameReading: Sendable {
    var isAutomation: Bool
    var named: (tool: String, qualified: Bool)?
}

/// The traces no identity or rule of the catalogue lists, read through its
/// lexicon (`Catalogue.Lexicon`): so that the next tool is found the day it
/// ships, and automation that says what it is stays automation.
extension Classifier {
    /// The rule id of evidence the lexicon found.
    static let lexiconRule = "lexicon.model-name"
    static let automationNameRule = "lexicon.automation-name"
    static let releaseRule = "lexicon.release-automation"

    /// The lexicon's reading of `name`, through `cache` when given: a history
    /// repeats a few thousand names, and most commits carry one or two.
    func reading(of name: String, _ cache: IdentityCache?) -> NameReading {
        if let known = cache?.names[name] { return known }
        let reading = NameReading(isAutomation: names.isAutomationName(name), named: names.tool(namedBy: name))
        if let cache {
            if cache.names.count >= 100_000 { cache.names.removeAll(keepingCapacity: true) }
            cache.names[name] = reading
        }
        return reading
    }

    /// The author's evidence: a catalogued identity; else automation by its
    /// name (`Release Bot`); else an agent by its name — attested over a
    /// machine's address (`Grok <noreply@x.ai>`), inferred over the person's
    /// own (`Cursor Agent <jane@company.dev>`: the name is a setting, not proof).
    func authorEvidence(_ author: IdentityIndex.Match?, _ facts: CommitFacts, subject: String, _ cache: IdentityCache?) -> Evidence? {
        // Made only for evidence: most authors give none.
        var matched: String { Self.address(facts.authorName, facts.authorEmail) }
        if let author {
            // An AI tool's App publishing the tool's own versions is its release robot.
            if author.identity.class == .ai, author.identity.releaseSubjects == true, names.isReleaseSubject(subject) {
                return Evidence(rule: Self.releaseRule, kind: .author, tool: nil, indicates: .bot, confidence: .attested,
                                matched: matched, counts: true, note: "\(author.identity.id) publishing a release")
            }
            return Evidence(rule: author.identity.id, kind: .author, tool: author.identity.tool, indicates: author.identity.class,
                            confidence: .attested, matched: matched, counts: true)
        }
        let reading = reading(of: facts.authorName, cache)
        if reading.isAutomation {
            return Evidence(rule: Self.automationNameRule, kind: .author, tool: nil, indicates: .bot, confidence: .attested,
                            matched: matched, counts: true)
        }
        guard let named = reading.named else { return nil }
        if names.isMachineAddress(facts.authorEmail) {
            return Evidence(rule: Self.lexiconRule, kind: .author, tool: named.tool, indicates: .ai, confidence: .attested,
                            matched: matched, counts: true)
        }
        guard named.qualified else { return nil }
        return Evidence(rule: Self.lexiconRule, kind: .author, tool: named.tool, indicates: .ai, confidence: .inferred,
                        matched: matched, counts: true, note: "an agent's name over a person's own address")
    }

    /// A `Co-authored-by:` or `Signed-off-by:` trailer's evidence: a
    /// catalogued identity (automation recorded, not counted); else a model's
    /// or tool's name over a machine's address (attested), over another
    /// address than the commit's own people's (inferred, when the name is
    /// more than a first name), or with no address at all (`Signed-off-by: Gemini`, inferred).
    func coAuthorEvidence(_ trailer: Trailer, _ facts: CommitFacts, _ cache: IdentityCache?) -> Evidence? {
        let coAuthor = trailer.key == "co-authored-by"
        if !coAuthor, let cache {
            if cache.personalSignOffs.contains(trailer.value) { return nil }
            let found = trailerEvidence(trailer, coAuthor: false, facts, cache)
            if found == nil, cache.personalSignOffs.count < 100_000 { cache.personalSignOffs.insert(trailer.value) }
            return found
        }
        return trailerEvidence(trailer, coAuthor: coAuthor, facts, cache)
    }

    private func trailerEvidence(_ trailer: Trailer, coAuthor: Bool, _ facts: CommitFacts, _ cache: IdentityCache?) -> Evidence? {
        guard let address = NamedAddress(trailer.value) else {
            guard let named = reading(of: trailer.value, cache).named else { return nil }
            return Evidence(rule: Self.lexiconRule, kind: .coAuthorTrailer, tool: named.tool, indicates: .ai,
                            confidence: .inferred, matched: trailer.text, counts: true, note: "a tool named without an address")
        }
        if let match = identity(address.name, address.email, cache) {
            let isAI = match.identity.class == .ai
            // A bot signing off is routine (a release robot's DCO line); only an AI co-author or sign-off is kept.
            guard isAI || coAuthor else { return nil }
            return Evidence(rule: match.identity.id, kind: .coAuthorTrailer, tool: match.identity.tool,
                            indicates: match.identity.class, confidence: .attested, matched: trailer.text,
                            counts: isAI, note: isAI ? nil : "automation as co-author does not make the commit AI")
        }
        guard let named = reading(of: address.name, cache).named else { return nil }
        if names.isMachineAddress(address.email) {
            return Evidence(rule: Self.lexiconRule, kind: .coAuthorTrailer, tool: named.tool, indicates: .ai,
                            confidence: .attested, matched: trailer.text, counts: true)
        }
        // A sign-off over a person's address is a person's (the DCO line of whoever sent the patch).
        let own = [facts.authorEmail, facts.committerEmail].map { $0.lowercased() }
        guard coAuthor, named.qualified, !address.email.isEmpty, !own.contains(address.email.lowercased()) else { return nil }
        return Evidence(rule: Self.lexiconRule, kind: .coAuthorTrailer, tool: named.tool, indicates: .ai,
                        confidence: .inferred, matched: trailer.text, counts: true, note: "a model's name over an address no vendor owns")
    }

    /// Claude Code's footer copied by another tool: `🤖 Generated with
    /// [Kimi](https://kimi.ai)`. It counts when the bracket names a tool or
    /// a model, or names the co-author a machine's address signs for (a tool
    /// the catalogue does not know yet: recorded as `ai-unspecified`, its name
    /// in the evidence). Only a message's last lines are read: footers end it.
    func footerEvidence(_ parsed: ParsedMessage, besides evidence: [Evidence]) -> Evidence? {
        // Most messages hold no `enerated ` in their last lines: one search says so, nothing more is read.
        let footer = max(0, parsed.lineCount - 12)..<parsed.lineCount
        guard parsed.linesContain(footer, "enerated ") else { return nil }
        for index in footer where parsed.lineContains(index, "enerated ") {
            guard let (name, text) = Self.generatedWithName(parsed.line(index)),
                  !evidence.contains(where: { $0.kind == .marker && $0.matched == text }) else { continue }
            if let named = names.tool(namedBy: name) {
                return Evidence(rule: Self.lexiconRule, kind: .marker, tool: named.tool, indicates: .ai,
                                confidence: .attested, matched: text, counts: true)
            }
            let signed = parsed.trailers.contains { trailer in
                guard trailer.key == "co-authored-by", let address = NamedAddress(trailer.value) else { return false }
                return address.name.caseInsensitiveCompare(name) == .orderedSame && names.isMachineAddress(address.email)
            }
            if signed {
                return Evidence(rule: Self.lexiconRule, kind: .marker, tool: "ai-unspecified", indicates: .ai,
                                confidence: .attested, matched: text, counts: true, note: "a tool the catalogue does not list: \(name)")
            }
        }
        return nil
    }

    /// `Generated with [Name](url)` or `Generated by [Name](url)` at a line's
    /// start, after its decoration: the name, and the line (cut at 200 characters).
    static func generatedWithName(_ line: Substring) -> (String, String)? {
        let stripped = droppingDecoration(line)
        guard stripped.count > 17 else { return nil }
        let head = stripped.prefix(16).lowercased()
        guard head == "generated with [" || head.hasPrefix("generated by [") else { return nil }
        let afterBracket = stripped[stripped.index(after: stripped.firstIndex(of: "[")!)...]
        guard let close = afterBracket.firstIndex(of: "]"),
              afterBracket[close...].dropFirst().first == "(" else { return nil }
        let name = String(afterBracket[..<close]).trimmingBlanks()
        return name.isEmpty ? nil : (name, String(line.prefix(200)))
    }
}
