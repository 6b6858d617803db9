@testable import Attribution
import Foundation
import Testing

/// One expected verdict from `Fixtures/attribution-cases.json`.
struct AttributionCase: Decodable, CustomTestStringConvertible, Sendable {
    struct Person: Decodable, Sendable {
        var name: String
        var email: String
    }

    struct Expectation: Decodable, Sendable {
        var `class`: String
        var tools: [String]
        var confidence: String?
        var mode: String?
    }

    var name: String
    var author: Person
    var committer: Person?
    var message: String
    var expect: Expectation

    var testDescription: String { name }

    static func all() throws -> [AttributionCase] {
        struct File: Decodable { var cases: [AttributionCase] }
        let url = try #require(Bundle.module.url(forResource: "attribution-cases", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}

@Suite("Attribution: the catalogue's rules and traps, case by case")
struct AttributionTests {
    static let classifier = try! Classifier(catalogue: Catalogue.bundled())

    @Test("every fixture case gets its expected class, tools, confidence and mode", arguments: try AttributionCase.all())
    func fixture(_ testCase: AttributionCase) {
        let committer = testCase.committer ?? testCase.author
        let verdict = Self.classifier.classify(CommitFacts(
            authorName: testCase.author.name, authorEmail: testCase.author.email,
            committerName: committer.name, committerEmail: committer.email,
            message: testCase.message, parentCount: 1))
        #expect(verdict.commitClass.rawValue == testCase.expect.class, "\(verdict.evidence.map(\.summary))")
        #expect(verdict.tools == testCase.expect.tools)
        #expect(verdict.confidence?.rawValue == testCase.expect.confidence)
        #expect(verdict.mode?.rawValue == testCase.expect.mode)
        if verdict.commitClass == .ai {
            #expect(verdict.evidence.contains { $0.counts }, "an AI verdict names the evidence that decided it")
        }
    }

    /// A scan that finds nothing new compares the rules' fingerprint without
    /// decoding the catalogue: the ready-made summary must be the catalogue's.
    @Test("the bundled summary is the bundled catalogue's fingerprint, notes refs and agent files")
    func bundledSummary() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appending(path: "../../Sources/Attribution/BundledCatalogueSummary.swift").standardizedFileURL
        let expected = try Catalogue.bundledSummarySource()
        if ProcessInfo.processInfo.environment["CENSUS_WRITE_SUMMARY"] == "1" {
            try expected.write(to: file, atomically: true, encoding: .utf8)
        }
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written == expected, "\(file.path) is not made from the catalogue as it is; run CENSUS_WRITE_SUMMARY=1 swift test --filter bundledSummary")
        let made = RulesSummary(Self.classifier)
        #expect(Catalogue.bundledSummary == made)
        #expect(made.fingerprint.hasPrefix(Catalogue.bundledVersion + "#"))
        #expect(made.notesRefs.contains("refs/notes/ai"), "\(made.notesRefs)")
        #expect(made.agentConfigurationPaths.contains("CLAUDE.md"), "\(made.agentConfigurationPaths)")
    }

    @Test("the fixture corpus covers every AI tool rule and every bot identity in the catalogue")
    func corpusCoversCatalogue() throws {
        let cases = try AttributionCase.all()
        #expect(cases.count >= 100)
        let catalogue = try Catalogue.bundled()
        let matchedRules = Set(cases.flatMap { testCase -> [String] in
            let committer = testCase.committer ?? testCase.author
            return Self.classifier.classify(CommitFacts(
                authorName: testCase.author.name, authorEmail: testCase.author.email,
                committerName: committer.name, committerEmail: committer.email,
                message: testCase.message, parentCount: 1)).evidence.map(\.rule)
        })
        let messageRules = catalogue.rules.filter { $0.kind != .branch && $0.kind != .notes }.map(\.id)
        let untested = messageRules.filter { !matchedRules.contains($0) }
        #expect(untested.isEmpty, "rules without a fixture case: \(untested)")
    }

    @Test("an agent's name over a person's own address counts for that person, named as they commit; a person keeps their own name")
    func agentNamedAuthorsPerson() {
        func person(_ author: (String, String), _ committer: (String, String)) -> Person? {
            Self.classifier.classify(CommitFacts(authorName: author.0, authorEmail: author.1, committerName: committer.0,
                                                 committerEmail: committer.1, message: "Change", parentCount: 1)).person
        }
        #expect(person(("Cursor Agent", "jane@company.dev"), ("Jane Roe", "jane@company.dev"))
            == Person(name: "Jane Roe", email: "jane@company.dev"))
        // A person whose commit aider committed under their address stays named as they wrote it.
        #expect(person(("Alice Martin", "alice@example.com"), ("Alice Martin (aider)", "alice@example.com"))
            == Person(name: "Alice Martin", email: "alice@example.com"))
    }

    @Test("merge subjects name AI branches; a person's branch that only looks alike does not count")
    func branches() {
        let classifier = Self.classifier
        #expect(classifier.branchEvidence(forMergeSubject: "Merge pull request #42 from acme/claude/add-limiter-011CUKnhpbage9BLno96Adg1")?.tool == "claude-code")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge pull request #7 from acme/copilot/fix-192")?.tool == "copilot")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge branch 'codex/find-and-fix-critical-bug'")?.tool == "codex")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge pull request #3 from fork/cursor/add-emoji-dd0b")?.tool == "cursor")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge pull request #9 from o/devin/1744191265-fix-import")?.tool == "devin")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge remote-tracking branch 'origin/jules/fix-1234'")?.tool == "jules")
        #expect(classifier.branchEvidence(forMergeSubject: "Merge branch 'cursor-invert-fg-bg'") == nil)
        #expect(classifier.branchEvidence(forMergeSubject: "Merge pull request #5 from o/fix/cursor-bg-agent-id-update") == nil)
        #expect(classifier.branchEvidence(forMergeSubject: "Merge branch 'main' into claude") == nil)
    }

    @Test("branch evidence makes a person's commit AI, inferred; it never lowers an attested verdict")
    func branchEvidenceIsInferred() throws {
        let classifier = Self.classifier
        let evidence = try #require(classifier.branchEvidence(forMergeSubject: "Merge pull request #1 from o/claude/x-05PIZ"))
        let human = classifier.classify(CommitFacts(authorName: "Bo", authorEmail: "bo@example.com", committerName: "Bo",
                                                    committerEmail: "bo@example.com", message: "Add x", parentCount: 1))
        let upgraded = classifier.adding(evidence, to: human)
        #expect(upgraded.commitClass == .ai)
        #expect(upgraded.confidence == .inferred)
        #expect(upgraded.tools == ["claude-code"])
        let attested = classifier.classify(CommitFacts(authorName: "Bo", authorEmail: "bo@example.com", committerName: "Bo",
                                                       committerEmail: "bo@example.com",
                                                       message: "Add x\n\nCo-authored-by: Codex <noreply@openai.com>", parentCount: 1))
        let both = classifier.adding(evidence, to: attested)
        #expect(both.confidence == .attested)
        #expect(both.tools == ["claude-code", "codex"])
        #expect(classifier.adding(evidence, to: both) == both, "adding the same evidence twice changes nothing")
    }

    @Test("user rules extend the catalogue: an internal agent's address becomes AI")
    func userRules() throws {
        let extra = Catalogue(version: "local", identities: [
            .init(id: "acme.agent", tool: "acme-agent", class: .ai, emails: ["agent@acme.internal"]),
        ])
        let classifier = Classifier(catalogue: try Catalogue.bundled().merging(extra))
        let verdict = classifier.classify(CommitFacts(authorName: "Acme Agent", authorEmail: "AGENT@acme.internal",
                                                      committerName: "x", committerEmail: "x@acme.internal",
                                                      message: "Fix", parentCount: 1))
        #expect(verdict.commitClass == .ai)
        #expect(verdict.tools == ["acme-agent"])
        #expect(classifier.catalogue.version.hasSuffix("+local"))
    }
}

@Suite("ParsedMessage: trailers from the whole message")
struct MessageParserTests {
    @Test("keys are case-insensitive, CRLF and trailing blanks are ignored, folded values joined")
    func trailerForms() {
        let parsed = ParsedMessage("Subject\r\n\r\nbody\r\nCO-AUTHORED-BY:  A <a@x>  \r\nAssisted-by: Claude\r\n  Opus 4.6\r\n")
        #expect(parsed.subject == "Subject")
        #expect(parsed.trailers.map(\.key) == ["co-authored-by", "assisted-by"])
        #expect(parsed.trailers[0].value == "A <a@x>")
        #expect(parsed.trailers[1].value == "Claude Opus 4.6")
    }

    @Test("several trailers on one line are split")
    func inlineTrailers() {
        let parsed = ParsedMessage("S\n\nCo-authored-by: A <a@x> Co-authored-by: B <b@y> Signed-off-by: C <c@z>")
        #expect(parsed.trailers.map(\.value) == ["A <a@x>", "B <b@y>", "C <c@z>"])
        #expect(parsed.trailers.map(\.key) == ["co-authored-by", "co-authored-by", "signed-off-by"])
    }

    @Test("URLs, prose with colons and indented lines are not trailers")
    func notTrailers() {
        let parsed = ParsedMessage("S\n\nhttps://example.com/x\nNote that: this is prose\n    Key: indented\nfoo:bar")
        #expect(parsed.trailers.map(\.key) == [])
    }

    /// A small deterministic generator, so a failure names a seed that reproduces it.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("property: arbitrary bytes never crash the parser or the classifier", arguments: 0..<8)
    func arbitraryBytes(seed: Int) throws {
        var random = SplitMix64(state: UInt64(seed))
        let pieces: [[UInt8]] = [
            Array("Co-authored-by: ".utf8), Array("Assisted-by: ".utf8), Array("Claude <noreply@anthropic.com>".utf8),
            Array("\r\n".utf8), Array("\n".utf8), Array("    ".utf8), Array("<".utf8), Array(">".utf8), Array("@".utf8),
            Array(":".utf8), Array("commit 0123456789abcdef0123456789abcdef01234567\n".utf8), Array("🤖 Generated with ".utf8),
            [0x00], [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0xA4], [0x1B, 0x5B], Array("Merge pull request #1 from a/claude/".utf8),
            Array("\n---\n{\"schema_version\": \"authorship/3.0.0\"".utf8), Array("  s_x::t_y 1-".utf8),
        ]
        let classifier = AttributionTests.classifier
        for _ in 0..<250 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...80, using: &random) {
                if Bool.random(using: &random) {
                    bytes += pieces[Int.random(in: 0..<pieces.count, using: &random)]
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let parsed = ParsedMessage(text)
            #expect(parsed.lines.count <= ParsedMessage.maxLines)
            // Lines are what splitting the bytes at each newline gives, blanks at the end cut.
            var reference = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
            if text.isEmpty || text.utf8.last == 0x0A { reference.removeLast() }
            reference = reference.map { line in
                var end = line.utf8.endIndex
                while end > line.utf8.startIndex, [0x0D, 0x20, 0x09].contains(line.utf8[line.utf8.index(before: end)]) {
                    end = line.utf8.index(before: end)
                }
                return Substring(line.utf8[line.utf8.startIndex..<end])
            }
            #expect(parsed.lines == reference)
            #expect(parsed.subject == reference.first(where: { !$0.isEmpty }).map(String.init) ?? "")
            let verdict = classifier.classify(CommitFacts(
                authorName: text, authorEmail: text, committerName: text, committerEmail: text,
                message: text, parentCount: 1, notes: ["refs/notes/ai": text]))
            // Whatever the input, a verdict is consistent with its own evidence.
            #expect((verdict.commitClass == .ai) == verdict.evidence.contains { $0.counts && $0.indicates == .ai })
            _ = classifier.branchEvidence(forMergeSubject: text)
            _ = GitAINote(text)
        }
    }

    @Test("property: markers compared as bytes are the markers compared as Characters", arguments: 0..<4)
    func markerBytesMatchCharacters(seed: Int) throws {
        var random = SplitMix64(state: UInt64(seed) &+ 99)
        let catalogue = try Catalogue.bundled()
        let bytewise = Classifier(catalogue: catalogue)
        let characterwise = Classifier(catalogue: catalogue, comparingMarkerBytes: false)
        let phrases = catalogue.rules.filter { $0.kind == .marker }
            .flatMap { ($0.lineStartsWith ?? []) + ($0.subjectEquals ?? []) + ($0.subjectPrefix ?? []) }
        let decorations = ["", " ", "  ", "\t", "- ", "* ", "> ", "## ", "_", "🤖 ", "✨ ", "• ", "1. ", "é", "\u{00A0}", "🤖\u{200D}"]
        let tails = ["", "x", " and more", "\u{0301}", "é", "https://example.com", ")"]
        for _ in 0..<400 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                var phrase = phrases[Int.random(in: 0..<phrases.count, using: &random)]
                switch Int.random(in: 0..<4, using: &random) {
                case 0: phrase = phrase.uppercased()
                case 1: phrase = String(phrase.dropLast(Int.random(in: 0...3, using: &random)))
                default: break
                }
                lines.append(decorations[Int.random(in: 0..<decorations.count, using: &random)] + phrase
                             + tails[Int.random(in: 0..<tails.count, using: &random)])
            }
            let message = lines.joined(separator: Bool.random(using: &random) ? "\n" : "\n\n")
            let facts = CommitFacts(authorName: "A", authorEmail: "a@example.com", committerName: "A",
                                    committerEmail: "a@example.com", message: message, parentCount: 1, notes: [:])
            #expect(bytewise.classify(facts) == characterwise.classify(facts), "\(message.debugDescription)")
        }
    }

    @Test("property: the footer's byte search finds `enerated ` exactly where the bytes hold it, at a line's start or end, and across lines", arguments: 0..<4)
    func footerSearchMatchesBytes(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &+ 7)
        let pieces = ["enerated ", "Generated with [Kimi](https://kimi.ai)", "enerated", "nerated ", "e", "d", " ", "\n", "é", "🤖", "x", "rated "]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            let expected = Array(text.utf8).firstRange(of: Array("enerated ".utf8)) != nil
            let found = Array(text.utf8).withUnsafeBytes { ParsedMessage.contains($0, "enerated ") }
            #expect(found == expected, "\(text.debugDescription)")
            let parsed = ParsedMessage(text)
            if parsed.lineCount > 0 {
                let anyLine = (0..<parsed.lineCount).contains { parsed.line($0).utf8.firstRange(of: Array("enerated ".utf8)) != nil }
                // The one search over the footer never misses what a line's own search finds.
                #expect(!anyLine || parsed.linesContain(0..<parsed.lineCount, "enerated "), "\(text.debugDescription)")
                #expect((0..<parsed.lineCount).contains { parsed.lineContains($0, "enerated ") } == anyLine, "\(text.debugDescription)")
            }
        }
    }

    @Test("property: names cut into words as ASCII bytes are the words cut by Character", arguments: 0..<4)
    func nameWordsBytesMatchCharacters(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &+ 21)
        let pieces = ["Claude", "GPT", "-4o", " ", ".", "..", "m2.7", "(bot)", "_", "Opus 4.6", "[", "]", "3", "x", "\t", "@", "Z"]
        for _ in 0..<3000 {
            let name = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            #expect(ModelNames.asciiNameWords(name) == ModelNames.nameWordsByCharacter(name), "\(name.debugDescription)")
        }
    }

    @Test("property: trailers cut as bytes are the trailers cut by Character", arguments: 0..<4)
    func trailerBytesMatchCharacters(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &+ 7)
        let pieces = ["Co-authored-by", "Signed-off-by", "X_y", "a", "Z9", ":", ": ", ":\t", "  ", "\t", " ", "\u{0301}", "é",
                      "Claude <noreply@anthropic.com>", "http://x", "🤖", "-", "_", "1", String(repeating: "v", count: 4100),
                      String(repeating: "k", count: 70)]
        for _ in 0..<2000 {
            var line = ""
            for _ in 0..<Int.random(in: 1...6, using: &random) { line += pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            let fast = ParsedMessage.trailer(in: Substring(line))
            let slow = ParsedMessage.trailerByCharacter(in: Substring(line))
            #expect(fast == slow, "\(line.prefix(120).debugDescription)")
        }
    }

    @Test("property: merge branches read as bytes are the branches read by Character", arguments: 0..<4)
    func branchBytesMatchCharacters(seed: Int) throws {
        var random = SplitMix64(state: UInt64(seed) &+ 11)
        let classifier = AttributionTests.classifier
        let starts = ["Merge pull request #12 from ", "Merge branch '", "Merge remote-tracking branch '", "Merge ", "Merge pull request #", ""]
        let pieces = ["claude/", "Claude/", "CODEX/", "copilot/", "cursor/", "devin/", "jules/", "origin/", "acme/", "fix-x", "/",
                      "'", " ", "  ", " from ", " into main", "-", "x", "é", "\u{0301}", "\r"]
        var decided = 0
        for _ in 0..<3000 {
            var subject = starts[Int.random(in: 0..<starts.count, using: &random)]
            for _ in 0..<Int.random(in: 0...6, using: &random) { subject += pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            let slow = classifier.branchEvidenceByCharacter(forMergeSubject: subject)
            #expect(classifier.branchEvidence(forMergeSubject: subject) == slow, "\(subject.debugDescription)")
            if let fast = classifier.asciiBranchEvidence(subject) {
                decided += 1
                #expect(fast == slow, "\(subject.debugDescription)")
            }
        }
        // Most subjects are ASCII, and those the byte path decides.
        #expect(decided > 1500)
    }

    @Test("hostile messages: invalid UTF-8, NUL, 5 MB bodies and 10,000 trailer lines parse in linear time")
    func hostileMessages() {
        let invalid = String(decoding: [0x53, 0xFF, 0xFE, 0x0A, 0x0A, 0x43, 0x6F, 0x2D, 0x61, 0x3A, 0x20, 0xC3], as: UTF8.self)
        _ = ParsedMessage(invalid)
        _ = ParsedMessage("S\0ubject\n\nCo-authored-by: \0 <\0@x>")
        // 5 MB of body.
        let big = String(repeating: "word ", count: 1_000_000)
        let trailers = (0..<10_000).map { "Co-authored-by: P\($0) <p\($0)@example.com>" }.joined(separator: "\n")
        let clock = ContinuousClock()
        let small = clock.measure { _ = ParsedMessage("S\n\n" + String(big.prefix(500_000)) + "\n" + String(trailers.prefix(100_000))) }
        let large = clock.measure { _ = ParsedMessage("S\n\n" + big + "\n" + trailers) }
        let parsed = ParsedMessage("S\n\n" + big + "\n" + trailers)
        #expect(parsed.trailers.count == 10_000)
        // Ten times the input must not cost a hundred times the work (quadratic):
        // a generous bound that noise cannot break but a quadratic parser would.
        #expect(large < small * 60, "small \(small), large \(large)")
    }
}
