import Foundation
/// A `Key: value` line anywhere in a commit message.
public struct Trailer: Sendable, Equatable {
    /// Lower-cased key (`co-authored-by`).
    public var key: String
    /// The value, trimmed, with folded continuation lines joined by a space.
    public var value: String
    /// The key as written, for evidence.
    public var writtenKey: String

    public init(key: String, value: String, writtenKey: String) {
        self.key = key
        self.value = value
        self.writtenKey = writtenKey
    }

    public var text: String { "\(writtenKey): \(value)" }
}

/// A commit message split into what attribution reads: the subject, every
/// line, and every trailer-shaped line in the whole message.
///
/// libgit2's `git_message_trailers` reads only the last paragraph; AI tools
/// write attribution elsewhere too (Copilot CLI's two paragraphs, squash bodies
/// that interleave trailers with text, several trailers on one line), so this
/// parser looks at every line. It is linear in the message's length: no
/// backtracking, and a value is cut at `maxValueLength` characters.
public struct ParsedMessage: Sendable {
    public var subject: String
    public var trailers: [Trailer]
    /// The message as given (its UTF-8 stored contiguously).
    public let message: String
    /// Where each line read is in the message's UTF-8 bytes, blanks at its end cut.
    /// Offsets rather than `Substring`s: a scan parses every commit's message,
    /// and a reference-counted slice per line cost more than the parsing.
    let lineRanges: [LineRange]

    struct LineRange: Sendable {
        var start: Int32
        var end: Int32
    }

    /// Every line read, in order.
    public var lines: [Substring] { (0..<lineRanges.count).map(line) }
    public var lineCount: Int { lineRanges.count }

    /// Line `index` of `lines`.
    public func line(_ index: Int) -> Substring {
        Self.slice(message, Int(lineRanges[index].start), Int(lineRanges[index].end))
    }

    /// Whether line `index` holds `needle`'s bytes, read without making a Substring.
    func lineContains(_ index: Int, _ needle: StaticString) -> Bool {
        linesContain(index..<index + 1, needle)
    }

    /// Whether the lines `lines` hold `needle`'s bytes, read in one pass
    /// from the first's start to the last's end (the text between them too).
    func linesContain(_ lines: Range<Int>, _ needle: StaticString) -> Bool {
        guard !lines.isEmpty else { return false }
        let start = Int(lineRanges[lines.lowerBound].start), end = Int(lineRanges[lines.upperBound - 1].end)
        var message = message
        return message.withUTF8 { bytes in
            guard end > start, let base = bytes.baseAddress else { return false }
            return Self.contains(UnsafeRawBufferPointer(start: base + start, count: end - start), needle)
        }
    }

    /// Whether `bytes` hold `needle`: memchr finds its rarest letter in
    /// English text (`d` of `enerated `, not the `e` most words have), memcmp
    /// checks around each.
    static func contains(_ bytes: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0, bytes.count >= count, let base = bytes.baseAddress else { return false }
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        let anchor = pattern.indices.min { rarity(pattern[$0]) < rarity(pattern[$1]) }!
        var position = base + anchor
        let last = base + bytes.count - (count - anchor)
        while position <= last, let hit = memchr(position, Int32(pattern[anchor]), last - position + 1) {
            if memcmp(hit - anchor, pattern.baseAddress!, count) == 0 { return true }
            position = UnsafeRawPointer(hit) + 1
        }
        return false
    }

    /// Letters from the rarest to the commonest in English; anything else counts as rare.
    private static func rarity(_ byte: UInt8) -> Int {
        let order: StaticString = "zqxjkvbpygfwmucldrhsnioate "
        let lower = byte | 0x20
        for index in 0..<order.utf8CodeUnitCount where order.utf8Start[index] == lower { return index }
        return -1
    }

    /// The UTF-8 bytes `start..<end` of `message` (on scalar boundaries) as a Substring.
    static func slice(_ message: String, _ start: Int, _ end: Int) -> Substring {
        let utf8 = message.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
    }

    /// Calls `body` with each line's UTF-8 bytes and its index, until it returns false.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool) {
        var message = message
        message.withUTF8 { bytes in
            for index in 0..<lineRanges.count {
                let range = lineRanges[index]
                if !body(UnsafeBufferPointer(rebasing: bytes[Int(range.start)..<Int(range.end)]), index) { return }
            }
        }
    }

    public static let maxValueLength = 4096
    /// At most this many lines are read: the first half and the last half of
    /// a longer message (trailers live at the end). A 100,000-line message
    /// would otherwise cost more than the rest of the history together.
    public static let maxLines = 20_000

    /// Keys that may follow another trailer on the same line (squash bodies).
    static let inlineKeys = ["co-authored-by:", "assisted-by:", "generated-by:", "signed-off-by:"]

    public init(_ message: String) {
        var message = message
        // Lines are cut on UTF-8 bytes: splitting on Characters would run
        // grapheme breaking over every message, the scan's hottest loop.
        message.makeContiguousUTF8()
        // Offsets are 32-bit; a message over 2 GiB is read up to there.
        let text = message
        let (ranges, trailers) = message.withUTF8 { bytes in
            Self.parse(UnsafeBufferPointer(rebasing: bytes.prefix(Int(Int32.max))), text)
        }
        self.message = message
        self.lineRanges = ranges
        self.trailers = trailers
        self.subject = ""
        if let first = ranges.first(where: { $0.end > $0.start }) {
            subject = String(Self.slice(message, Int(first.start), Int(first.end)))
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ message: String) -> ([LineRange], [Trailer]) {
        var lines: [LineRange] = []
        var trailers: [Trailer] = []
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return ([], []) }
        let tailStart = Self.tailStart(bytes)
        // One allocation: as many lines as newlines, plus one.
        lines.reserveCapacity(Self.newlines(bytes, upTo: Self.maxLines) + 1)

        func substring(_ start: Int, _ end: Int) -> Substring { slice(message, start, end) }

        var index = 0
        var lineStart = 0
        // True while the previous line was a trailer or one of its folded continuations.
        var inTrailer = false
        while lineStart != count || index == 0 {
            if index >= Self.maxLines { break }
            if index == Self.maxLines / 2, let tail = tailStart, tail > lineStart {
                lineStart = tail
                inTrailer = false
            }
            index += 1
            let lineEnd = memchr(base + lineStart, 0x0A, count - lineStart).map {
                UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base
            } ?? count
            var end = lineEnd
            while end > lineStart {
                let byte = bytes[end - 1]
                guard byte == 0x0D || byte == 0x20 || byte == 0x09 else { break }
                end -= 1
            }
            let start = lineStart
            lines.append(LineRange(start: Int32(start), end: Int32(end)))
            let atEnd = lineEnd == count
            lineStart = atEnd ? lineEnd : lineEnd + 1
            // A folded value: a line that starts with a blank right after a trailer.
            if end > start, bytes[start] == 0x20 || bytes[start] == 0x09, inTrailer {
                var continued = trailers[trailers.count - 1]
                if continued.value.utf8.count < Self.maxValueLength {
                    var text = start
                    while text < end && (bytes[text] == 0x20 || bytes[text] == 0x09) { text += 1 }
                    if text < end && bytes[text] >= 0x80 {
                        // A combining mark may join the last blank: Characters decide.
                        continued.value += " " + substring(start, end).drop(while: { $0 == " " || $0 == "\t" })
                    } else {
                        continued.value += " " + String(decoding: UnsafeBufferPointer(rebasing: bytes[text..<end]), as: UTF8.self)
                    }
                    trailers[trailers.count - 1] = continued
                }
                if atEnd { break }
                continue
            }
            let found: Trailer?
            switch Self.trailer(inBytes: UnsafeBufferPointer(rebasing: bytes[start..<end])) {
            case .notATrailer: found = nil
            case .trailer(let trailer): found = trailer
            case .byCharacter: found = trailerByCharacter(in: substring(start, end))
            }
            if let trailer = found {
                Self.append(trailer, to: &trailers)
                inTrailer = true
            } else {
                inTrailer = false
                if let at = Self.midLineCoAuthor(UnsafeBufferPointer(rebasing: bytes[start..<end])),
                   let trailer = trailerByCharacter(in: substring(start + at, end)) {
                    Self.append(trailer, to: &trailers)
                }
            }
            if atEnd { break }
        }
        addSquashedTrailers(bytes, message, lines: lines, to: &trailers)
        return (lines, trailers)
    }

    /// Where the last maxLines/2 lines start, when there may be more lines than maxLines.
    static func tailStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard count > Self.maxLines else { return nil }
        var newlines = 0
        var position = count
        while position > 0 {
            let previous = position - 1
            if bytes[previous] == 0x0A && previous != count - 1 {
                newlines += 1
                if newlines == Self.maxLines / 2 { return previous + 1 }
            }
            position = previous
        }
        return nil
    }

    /// The newlines in `bytes`, counting no further than `limit`.
    static func newlines(_ bytes: UnsafeBufferPointer<UInt8>, upTo limit: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var newlines = 0
        var scan = base
        while let hit = memchr(scan, 0x0A, base + bytes.count - scan) {
            newlines += 1
            scan = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
            if newlines >= limit { break }
        }
        return newlines
    }

    /// `git merge --squash` writes each squashed commit as `commit <sha>`,
    /// `Author:`, then its message indented by four spaces: those messages'
    /// trailers are trailers too (elsewhere, an indented line is a quotation).
    static func addSquashedTrailers(_ bytes: UnsafeBufferPointer<UInt8>, _ message: String, lines: [LineRange],
                                    to trailers: inout [Trailer]) {
        guard lines.contains(where: { isSquashHeader(UnsafeBufferPointer(rebasing: bytes[Int($0.start)..<Int($0.end)])) }) else { return }
        for range in lines {
            let line = slice(message, Int(range.start), Int(range.end))
            if line.hasPrefix("    "), let trailer = Self.trailer(in: line.dropFirst(4)) {
                Self.append(trailer, to: &trailers)
            }
        }
    }

    /// Where `Co-authored-by:` starts inside a line that is not a trailer:
    /// GitHub collapses a squash's message into one line (`Fix x (#12)
    /// Co-authored-by: Claude <noreply@anthropic.com>`), and the trailer
    /// counts whatever text stands before it. Found through the colons:
    /// most lines have none, and few of those that do end a key there.
    static func midLineCoAuthor(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = coAuthorKey
        var position = key.count + 1
        while position < line.count {
            guard let base = line.baseAddress,
                  let hit = memchr(base + position, 0x3A, line.count - position) else { return nil }
            let colon = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            let start = colon - key.count
            // Text before it, not only indentation (an indented trailer is a quotation).
            if line[start - 1] == 0x20 || line[start - 1] == 0x09,
               (0..<key.count).allSatisfy({ asciiLower(line[start + $0]) == key[$0] }),
               line[..<(start - 1)].contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                return start
            }
            position = colon + 1
        }
        return nil
    }

    private static let coAuthorKey = Array("co-authored-by".utf8)

    @inline(__always) static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    static func isSquashHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count == 47, line.starts(with: "commit ".utf8) else { return false }
        return line[7...].allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
    }

    /// `Key: value` where the key is a letter followed by letters, digits and
    /// dashes, with no space before the colon.
    static func trailer(in line: Substring) -> Trailer? {
        // Most lines are cut byte by byte, without String indices.
        switch line.utf8.withContiguousStorageIfAvailable(trailer(inBytes:)) {
        case .some(.notATrailer): return nil
        case .some(.trailer(let trailer)): return trailer
        case .some(.byCharacter), .none: return trailerByCharacter(in: line)
        }
    }

    enum BytesAnswer {
        case notATrailer
        case trailer(Trailer)
        /// Non-ASCII right after the blanks, or a value to cut: the Character rules decide.
        case byCharacter
    }

    /// `trailer(in:)` on a line's bytes, with the same rules.
    static func trailer(inBytes bytes: UnsafeBufferPointer<UInt8>) -> BytesAnswer {
        guard let first = bytes.first, isLetter(first) else { return .notATrailer }
        var colon = 1
        while colon < bytes.count {
            let byte = bytes[colon]
            if byte == UInt8(ascii: ":") { break }
            guard isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") else { return .notATrailer }
            colon += 1
            if colon > 64 { return .notATrailer }
        }
        guard colon < bytes.count else { return .notATrailer }
        var value = colon + 1
        if value < bytes.count {
            guard bytes[value] == UInt8(ascii: " ") || bytes[value] == UInt8(ascii: "\t") else { return .notATrailer }
        }
        while value < bytes.count && (bytes[value] == UInt8(ascii: " ") || bytes[value] == UInt8(ascii: "\t")) { value += 1 }
        if value < bytes.count && bytes[value] >= 0x80 { return .byCharacter }
        if bytes.count - value > maxValueLength { return .byCharacter }
        let key = UnsafeBufferPointer(rebasing: bytes[0..<colon])
        let lowered = String(unsafeUninitializedCapacity: key.count) { buffer in
            for index in 0..<key.count { buffer[index] = key[index] >= 0x41 && key[index] <= 0x5A ? key[index] + 0x20 : key[index] }
            return key.count
        }
        return .trailer(Trailer(key: lowered, value: String(decoding: UnsafeBufferPointer(rebasing: bytes[value...]), as: UTF8.self),
                                writtenKey: String(decoding: key, as: UTF8.self)))
    }

    static func trailerByCharacter(in line: Substring) -> Trailer? {
        let utf8 = line.utf8
        guard let first = utf8.first, isLetter(first) else { return nil }
        var position = utf8.index(after: utf8.startIndex)
        while position != utf8.endIndex {
            let byte = utf8[position]
            if byte == UInt8(ascii: ":") { break }
            guard isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") else { return nil }
            position = utf8.index(after: position)
            // Keys are short; a long run of letters is prose, not a key.
            if utf8.distance(from: utf8.startIndex, to: position) > 64 { return nil }
        }
        guard position != utf8.endIndex else { return nil }
        let key = Substring(line.utf8[utf8.startIndex..<position])
        let afterColon = utf8.index(after: position)
        // `Key:value` without a blank is a URL scheme or a label, not a trailer,
        // unless the value is empty.
        if afterColon != utf8.endIndex {
            let next = utf8[afterColon]
            guard next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") else { return nil }
        }
        var value = Substring(line.utf8[afterColon..<utf8.endIndex])
        value = value.drop(while: { $0 == " " || $0 == "\t" })
        if value.utf8.count > maxValueLength { value = Substring(value.utf8.prefix(maxValueLength)) }
        let writtenKey = String(key)
        // Keys are ASCII (checked above): lower-cased byte by byte.
        let lowered = String(unsafeUninitializedCapacity: writtenKey.utf8.count) { buffer in
            for (index, byte) in writtenKey.utf8.enumerated() { buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
            return writtenKey.utf8.count
        }
        return Trailer(key: lowered, value: String(value), writtenKey: writtenKey)
    }

    /// Appends `trailer`, split when it holds several (most do not: no array is made for them).
    @inline(__always)
    static func append(_ trailer: Trailer, to trailers: inout [Trailer]) {
        if hasColon(trailer.value) {
            trailers.append(contentsOf: splitInline(trailer))
        } else {
            trailers.append(trailer)
        }
    }

    /// Whether `text` holds a colon: one memchr (the UTF-8 view's generic
    /// `contains` went byte by byte, on every trailer of every commit).
    @inline(__always)
    static func hasColon(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, 0x3A, bytes.count) != nil } ?? false }
    }

    /// Splits `Co-authored-by: A <a@x> Co-authored-by: B <b@y>` into two trailers.
    static func splitInline(_ trailer: Trailer) -> [Trailer] {
        // Most values (`Name <email>`) hold no colon, so no second key.
        guard hasColon(trailer.value) else { return [trailer] }
        let lowered = trailer.value.lowercased()
        guard inlineKeys.contains(where: { lowered.contains($0) }) else { return [trailer] }
        var result: [Trailer] = []
        var current = trailer
        var remaining = Substring(trailer.value)
        while true {
            let lowerRemaining = remaining.lowercased()
            var cut: (offset: Int, key: String)?
            for key in inlineKeys {
                if let range = lowerRemaining.range(of: " " + key) {
                    let offset = lowerRemaining.distance(from: lowerRemaining.startIndex, to: range.lowerBound)
                    if cut == nil || offset < cut!.offset { cut = (offset, key) }
                }
            }
            guard let (offset, key) = cut else { break }
            let splitIndex = remaining.index(remaining.startIndex, offsetBy: offset)
            current.value = String(remaining[..<splitIndex]).trimmingBlanks()
            result.append(current)
            let keyStart = remaining.index(after: splitIndex)
            let keyEnd = remaining.index(keyStart, offsetBy: key.count)
            let writtenKey = String(remaining[keyStart..<remaining.index(before: keyEnd)])
            remaining = remaining[keyEnd...]
            current = Trailer(key: String(key.dropLast()), value: "", writtenKey: writtenKey)
        }
        current.value = String(remaining).trimmingBlanks()
        result.append(current)
        return result
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

extension String {
    func trimmingBlanks() -> String {
        // Most values start and end with a printable ASCII byte: nothing to trim, no Character work.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}

/// `Name <email>` as written in a trailer or a signature.
public struct NamedAddress: Sendable, Equatable {
    public var name: String
    public var email: String

    /// Parses `Name <email>`; a bare address counts as the email; nil when no
    /// address is there.
    public init?(_ text: String) {
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            email = String(text[text.index(after: open)..<close]).trimmingBlanks()
            name = String(text[..<open]).trimmingBlanks()
            return
        }
        let trimmed = text.trimmingBlanks()
        guard trimmed.contains("@"), !trimmed.contains(" ") else { return nil }
        email = trimmed
        name = ""
    }
}
