import CensusStore
import Foundation
import GRDB
import Testing

/// Backends that stream rows decide teams in Swift (`PeoplePatterns`); the
/// reference is SQLite's own GLOB, asked through a real SQLite connection.
@Suite("People patterns: Swift's GLOB is SQLite's")
struct PeoplePatternsTests {
    @Test("12,000 generated patterns and addresses: the Swift glob agrees with SQLite's GLOB on every pair")
    func globAgreesWithSQLite() throws {
        let queue = try DatabaseQueue()
        var random = SplitMix64(state: 17)
        // Letters the patterns and texts share, with every character GLOB gives a meaning to.
        let alphabet: [Unicode.Scalar] = ["a", "b", "c", "-", "@", ".", "*", "?", "[", "]", "^", "é", "Z"]
        var pairs: [(pattern: String, text: String)] = []
        for _ in 0..<12_000 {
            let pattern = String(String.UnicodeScalarView((0..<Int.random(in: 0...7, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0...6, using: &random)).map { _ in
                alphabet.filter { $0 != "*" && $0 != "?" }.randomElement(using: &random)!
            }))
            pairs.append((pattern, text))
        }
        // Shapes a team list has, against addresses.
        for (pattern, text) in [("*@example.com", "dev@example.com"), ("*@example.com", "dev@example.org"), ("dev?@*.com", "dev1@a.com"),
                                ("[a-c]*@x", "b@x"), ("[^a-c]*@x", "b@x"), ("[]]x", "]x"), ("[]-a]", "-"), ("[a-]", "-"), ("[a", "[a")] {
            pairs.append((pattern, text))
        }
        let sqlite = try queue.read { db in
            try pairs.map { try Bool.fetchOne(db, sql: "SELECT ? GLOB ?", arguments: [$0.text, $0.pattern]) ?? false }
        }
        var disagreements: [String] = []
        for (index, pair) in pairs.enumerated() {
            let swift = Glob.matches(Array(pair.pattern.unicodeScalars)[...], Array(pair.text.unicodeScalars)[...])
            if swift != sqlite[index] { disagreements.append("'\(pair.text)' GLOB '\(pair.pattern)': SQLite \(sqlite[index]), Swift \(swift)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(sqlite.filter { $0 }.count > 300, "the generated pairs match often enough to test matching")
    }

    @Test("a team's patterns: an address glob lower-cased, a name exactly, no person in none")
    func patterns() {
        let team = PeoplePatterns(["*@Example.COM", "Alice Martin"])
        #expect(team.matches(email: "dev@example.com", name: nil))
        #expect(!team.matches(email: "dev@example.org", name: "alice martin"))
        #expect(team.matches(email: nil, name: "Alice Martin"))
        #expect(!team.matches(email: nil, name: nil))
        #expect(!PeoplePatterns([]).matches(email: "dev@example.com", name: "Alice Martin"))
    }
}
