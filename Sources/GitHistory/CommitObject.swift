import Foundation

/// Parses a raw commit object (`git cat-file commit`) into a `Commit`.
///
/// A scan reads every commit of a history once and needs only its parents,
/// signatures and message. Reading the object's bytes from the object database
/// and cutting them here costs one inflate and a few allocations per commit;
/// `git_commit_lookup` copies every field into C strings first, and the revwalk
/// had already parsed the same object once for its parents.
///
/// The rules follow libgit2's own commit and signature parsers, so that both
/// paths give the same result: the message starts after the first empty line
/// and ends at the first NUL, a signature's e-mail is between its last `<` and
/// last `>`, names and e-mails are trimmed of blanks and punctuation, and a malformed time or zone reads
/// as zero (where libgit2 refuses
/// the whole commit when a time overflows, the scan reads it with time zero).
enum CommitObject {
    /// The commit, or nil when the bytes are not a commit libgit2 would accept
    /// (the caller then asks libgit2, which says what is wrong).
    static func parse(id: ObjectID, _ bytes: UnsafeRawBufferPointer) -> Commit? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let end = base + bytes.count
        var cursor = base
        var parents: [ObjectID] = []
        var author: Signature?
        var committer: Signature?

        /// The end of the line starting at `start` (its newline, or `end`).
        func lineEnd(_ start: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
            guard start < end, let found = memchr(start, 0x0A, end - start) else { return end }
            return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
        }
        func hasPrefix(_ start: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>, _ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            return lineEnd - start >= count && memcmp(start, prefix.utf8Start, count) == 0
        }

        // The headers, up to the first empty line.
        guard hasPrefix(cursor, lineEnd(cursor), "tree ") else { return nil }
        while cursor < end && cursor.pointee != 0x0A {
            let eol = lineEnd(cursor)
            if hasPrefix(cursor, eol, "parent ") {
                guard eol - cursor >= 47, let parent = ObjectID(hexDigits: cursor + 7) else { return nil }
                parents.append(parent)
            } else if author == nil && hasPrefix(cursor, eol, "author ") {
                author = signature(cursor + 7, eol)
                if author == nil { return nil }
            } else if committer == nil && hasPrefix(cursor, eol, "committer ") {
                committer = signature(cursor + 10, eol)
                if committer == nil { return nil }
            }
            cursor = eol < end ? eol + 1 : end
        }
        guard let author, let committer else { return nil }
        var message = ""
        if cursor < end {
            let start = cursor + 1
            let stop = start < end ? UnsafePointer<UInt8>(memchr(start, 0, end - start)?.assumingMemoryBound(to: UInt8.self)) ?? end : end
            if start < stop {
                message = String(decoding: UnsafeBufferPointer(start: start, count: stop - start), as: UTF8.self)
            }
        }
        return Commit(id: id, parents: parents, author: author, committer: committer, message: message)
    }

    /// `Name <email> 1700000000 +0200` between `start` and `end` (exclusive).
    static func signature(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Signature? {
        let length = end - start
        guard length > 0,
              let open = last(0x3C, start, end),
              let close = last(0x3E, start, end),
              close > open else { return nil }
        let name = trimmed(start, open)
        let email = trimmed(open + 1, close)
        var time: Int64 = 0
        var offset = 0
        var cursor = close + 2
        if cursor < end {
            if let (value, after) = integer(cursor, end) {
                time = value
                cursor = after + 1
                if cursor < end, cursor.pointee == 0x2B || cursor.pointee == 0x2D,
                   let (zone, _) = integer(cursor + 1, end) {
                    let hours = Int(zone / 100), minutes = Int(zone % 100)
                    if hours <= 14 && minutes <= 59 {
                        offset = hours * 60 + minutes
                        if cursor.pointee == 0x2D { offset = -offset }
                    }
                }
            }
        }
        return Signature(name: name, email: email, time: time, offsetMinutes: offset)
    }

    /// The last `byte` in `start..<end` (memrchr is a GNU extension Swift does not see).
    private static func last(_ byte: UInt8, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var cursor = end
        while cursor > start {
            cursor -= 1
            if cursor.pointee == byte { return cursor }
        }
        return nil
    }

    /// Decimal digits at `start`, and where they stop; nil when there are none.
    private static func integer(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int64, UnsafePointer<UInt8>)? {
        var cursor = start
        var value: Int64 = 0
        while cursor < end, cursor.pointee >= 0x30, cursor.pointee <= 0x39 {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = next + Int64(cursor.pointee - 0x30)
            cursor += 1
        }
        return cursor == start ? nil : (value, cursor)
    }

    private static func trimmed(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        var from = start, to = end
        while from < to && isSpace(from.pointee) { from += 1 }
        while to > from && isSpace((to - 1).pointee) { to -= 1 }
        return String(decoding: UnsafeBufferPointer(start: from, count: to - from), as: UTF8.self)
    }

    /// What libgit2 trims from both ends of a name and an e-mail ("crud"):
    /// control characters, blanks and `.,:;<>"\'`.
    @inline(__always) private static func isSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...32, 0x2E, 0x2C, 0x3A, 0x3B, 0x3C, 0x3E, 0x22, 0x5C, 0x27: true
        default: false
        }
    }
}

extension ObjectID {
    /// Forty hexadecimal digits (either case) at `digits`; nil for anything else.
    init?(hexDigits digits: UnsafePointer<UInt8>) {
        var raw = (UInt64(0), UInt64(0), UInt32(0))
        // Any digit that is not hex sets the table's high bit in `invalid`:
        // one test at the end instead of a branch per digit.
        var invalid: UInt8 = 0
        withUnsafeMutableBytes(of: &raw) { out in
            Self.nibbles.withUnsafeBufferPointer { table in
                for i in 0..<20 {
                    let high = table[Int(digits[2 * i])], low = table[Int(digits[2 * i + 1])]
                    invalid |= high | low
                    out[i] = high << 4 | (low & 0x0f)
                }
            }
        }
        guard invalid & 0x80 == 0 else { return nil }
        self.init(words: raw)
    }

    /// Each byte's value as a hex digit, or 0x80 for a byte that is not one.
    private static let nibbles: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case 0x30...0x39: UInt8(byte) - 0x30
        case 0x61...0x66: UInt8(byte) - 0x61 + 10
        case 0x41...0x46: UInt8(byte) - 0x41 + 10
        default: 0x80
        }
    }
}

extension Commit {
    /// Parses the bytes of a raw commit object (`git cat-file commit`), as a
    /// scan does; nil when libgit2 would not accept them as a commit either.
    public static func parsing(rawObject bytes: [UInt8], id: ObjectID) -> Commit? {
        bytes.withUnsafeBytes { CommitObject.parse(id: id, $0) }
    }
}
