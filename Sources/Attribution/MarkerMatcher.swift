/// Finds a catalogue's marker phrases in a message by comparing bytes.
///
/// Every line of every message is looked at, so this is the classifier's
/// hottest loop: lower-casing each candidate line and comparing Characters
/// cost more than reading the commit. The catalogue's phrases are ASCII, so a
/// line is compared byte by byte, ASCII letters folded, with no allocation.
/// A line whose decoration is not ASCII (an emoji before the phrase) is left
/// to the Character-based rules (`handOff`), which know what a pictograph is.
struct MarkerMatcher: Sendable {
    /// A phrase, lower-cased, and the index of its rule.
    private struct Needle: Sendable {
        var rule: Int
        var bytes: [UInt8]
    }

    private let lineNeedles: [Needle]
    private let subjectEquals: [Needle]
    private let subjectPrefixes: [Needle]
    /// Which bytes (lower-cased) a line phrase starts with.
    private let firstBytes: [Bool]
    let ruleCount: Int

    /// Nil when a phrase is not ASCII or there are more rules than a word has bits.
    init?(rules: [Catalogue.Rule]) {
        guard rules.count <= 64 else { return nil }
        func needles(_ phrases: (Catalogue.Rule) -> [String]?) -> [Needle]? {
            var result: [Needle] = []
            for (index, rule) in rules.enumerated() {
                for phrase in phrases(rule) ?? [] {
                    let bytes = Array(phrase.utf8).map(Self.lower)
                    guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                    result.append(Needle(rule: index, bytes: bytes))
                }
            }
            return result
        }
        guard let lines = needles(\.lineStartsWith), let equals = needles(\.subjectEquals),
              let prefixes = needles(\.subjectPrefix) else { return nil }
        lineNeedles = lines
        subjectEquals = equals
        subjectPrefixes = prefixes
        var first = [Bool](repeating: false, count: 256)
        for needle in lines { first[Int(needle.bytes[0])] = true }
        firstBytes = first
        ruleCount = rules.count
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// The rules the subject matches, as bits; nil when a phrase is followed
    /// by a byte that is not ASCII (it may extend the phrase's last
    /// Character): the Character-based rules decide.
    func subjectMatches(_ subject: String) -> UInt64? {
        var subject = subject
        return subject.withUTF8 { bytes -> UInt64? in
            var matched: UInt64 = 0
            for needle in subjectEquals where bytes.count == needle.bytes.count && Self.startsWith(bytes, 0, needle.bytes) {
                matched |= 1 << UInt64(needle.rule)
            }
            for needle in subjectPrefixes where Self.startsWith(bytes, 0, needle.bytes) {
                if bytes.count > needle.bytes.count && bytes[needle.bytes.count] >= 0x80 { return nil }
                matched |= 1 << UInt64(needle.rule)
            }
            return matched
        }
    }

    enum LineResult {
        case none
        /// The rules (bits) this line starts a phrase of.
        case matched(UInt64)
        /// Decoration that is not ASCII: the Character-based rules decide.
        case handOff
    }

    /// Which phrases `line` starts with, after blanks and ASCII bullets.
    func lineMatches(_ line: Substring, skipping already: UInt64) -> LineResult {
        line.utf8.withContiguousStorageIfAvailable { lineMatches($0, skipping: already) } ?? .handOff
    }

    /// `lineMatches` on a line's UTF-8 bytes.
    func lineMatches(_ bytes: UnsafeBufferPointer<UInt8>, skipping already: UInt64) -> LineResult {
        var start = 0
        while start < bytes.count && Self.isDecoration(bytes[start]) { start += 1 }
        guard start < bytes.count else { return .none }
        if bytes[start] >= 0x80 { return .handOff }
        guard firstBytes[Int(Self.lower(bytes[start]))] else { return .none }
        var matched: UInt64 = 0
        for needle in lineNeedles where already & (1 << UInt64(needle.rule)) == 0 {
            guard Self.startsWith(bytes, start, needle.bytes) else { continue }
            // A combining mark after the phrase changes its last Character.
            let after = start + needle.bytes.count
            if after < bytes.count && bytes[after] >= 0x80 { return .handOff }
            matched |= 1 << UInt64(needle.rule)
        }
        return matched == 0 ? .none : .matched(matched)
    }

    @inline(__always) private static func isDecoration(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09...0x0D, 0x5F, 0x2A, 0x2D, 0x3E, 0x23: true
        default: false
        }
    }

    @inline(__always)
    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ needle: [UInt8]) -> Bool {
        guard bytes.count - start >= needle.count else { return false }
        for index in 0..<needle.count where lower(bytes[start + index]) != needle[index] { return false }
        return true
    }
}
