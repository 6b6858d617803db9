/// A team's people patterns decided in Swift, exactly as SQLite's
/// `CommitFilter.peopleCondition` decides them: a pattern with `@` or `*` is
/// a GLOB over the person's (lower-cased) address, lower-cased itself; any
/// other pattern is the person's name, exactly.
///
/// A backend that streams rows asks this once per distinct person instead of
/// having its server match every row: PostgreSQL keeps 32 compiled regular
/// expressions, and a configuration of 40 teams recompiled one for every team
/// on every row (a 1-million-commit report ran for minutes).
package struct PeoplePatterns: Sendable {
    /// The address globs, lower-cased, and the names, as every backend splits a team's patterns.
    package let addressGlobs: [String]
    package let names: [String]
    private let globScalars: [[Unicode.Scalar]]
    private let nameSet: Set<String>

    package init(_ patterns: [String]) {
        addressGlobs = patterns.filter(Self.isAddressGlob).map { $0.lowercased() }
        names = patterns.filter { !Self.isAddressGlob($0) }
        globScalars = addressGlobs.map { Array($0.unicodeScalars) }
        nameSet = Set(names)
    }

    /// A pattern with `@` or `*` is matched against addresses; any other is a name.
    package static func isAddressGlob(_ pattern: String) -> Bool {
        pattern.contains("@") || pattern.contains("*")
    }

    /// Whether the person with this stored address and name is one of the patterns' people.
    package func matches(email: String?, name: String?) -> Bool {
        if let name, nameSet.contains(name) { return true }
        guard let email, !globScalars.isEmpty else { return false }
        let text = Array(email.unicodeScalars)
        return globScalars.contains { Glob.matches($0[...], text[...]) }
    }
}

/// SQLite's GLOB (`patternCompare` in its func.c): `*` any run of characters,
/// `?` one character, `[…]` one character of a set — ranges `a-z`, `^` first
/// to negate, `]` first or `-` first or last literal — everything else itself,
/// case-sensitive, without an escape character.
package enum Glob {
    package static func matches(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        // Where to resume after the last `*`: its pattern position and the text it has taken so far.
        var star: (pattern: Int, text: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex {
                switch pattern[p] {
                case "*":
                    star = (p + 1, t)
                    p += 1
                    continue
                case "?":
                    p += 1; t += 1
                    continue
                case "[":
                    // An unclosed set matches nothing, wherever a `*` puts it.
                    guard let (matched, next) = set(pattern, from: p, contains: text[t]) else { return false }
                    if matched { p = next; t += 1; continue }
                default:
                    if pattern[p] == text[t] { p += 1; t += 1; continue }
                }
            }
            // A mismatch: the last `*` takes one more character, or there is none.
            guard let resume = star else { return false }
            star = (resume.pattern, resume.text + 1)
            p = resume.pattern
            t = resume.text + 1
        }
        while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Whether the set opening at `start` holds `character`, and where the pattern goes on; nil when the set is not closed.
    private static func set(_ pattern: ArraySlice<Unicode.Scalar>, from start: Int, contains character: Unicode.Scalar)
        -> (matched: Bool, next: Int)? {
        var index = start + 1
        var negated = false
        if index < pattern.endIndex && pattern[index] == "^" { negated = true; index += 1 }
        var found = false
        var previous: Unicode.Scalar?
        // A `]` first is itself (and, as in SQLite, starts no range).
        if index < pattern.endIndex && pattern[index] == "]" {
            found = character == "]"
            index += 1
        }
        while index < pattern.endIndex && pattern[index] != "]" {
            let scalar = pattern[index]
            if scalar == "-", let low = previous, index + 1 < pattern.endIndex, pattern[index + 1] != "]" {
                let high = pattern[index + 1]
                if low.value <= character.value && character.value <= high.value { found = true }
                previous = nil
                index += 2
                continue
            }
            if scalar == character { found = true }
            previous = scalar
            index += 1
        }
        guard index < pattern.endIndex else { return nil }
        return (found != negated, index + 1)
    }
}
