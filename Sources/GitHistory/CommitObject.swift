import Foundation

/// Parses a raw commit object (`git cat-file commit`) into a `Commit`.
///
/// A scan reads every commit of a history once and needs only its parents,
/// signatures and message. Reading the object's bytes from the object database
/// and cutting them here costs one inflate and a few allocations per commit;
/// `git_commit_lookup` copies every field into C strings first, and the revwalk
/// had already parsed the same object once for its parents.
///
/// What it reads is what `git log` shows, not what libgit2's stricter parser
/// accepts: a signature is cut as git's `split_ident_line` cuts it (the name
/// up to the first `<`, the e-mail up to the next `>`, the time after the last
/// `>` and any blanks, then blanks and the zone); a signature git cannot cut
/// (`author cvs2svn`, no address) reads as empty and is named in `unreadableSignatures`
/// instead of costing the whole history; an `encoding` header other than
/// UTF-8 is honoured by converting names and message with iconv, as git's
/// log does. The message starts after the first empty line and ends at the
/// first NUL.
enum CommitObject {
    /// The commit, or nil when the bytes are not a commit (the caller then
    /// asks libgit2, which says what is wrong).
    static func parse(id: ObjectID, _ bytes: UnsafeRawBufferPointer) -> Commit? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let end = base + bytes.count
        var cursor = base
        var parents: [ObjectID] = []
        var author: (UnsafePointer<UInt8>, UnsafePointer<UInt8>)?
        var committer: (UnsafePointer<UInt8>, UnsafePointer<UInt8>)?
        var encoding: String?

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
                author = (cursor + 7, eol)
            } else if committer == nil && hasPrefix(cursor, eol, "committer ") {
                committer = (cursor + 10, eol)
            } else if encoding == nil && hasPrefix(cursor, eol, "encoding ") {
                encoding = String(decoding: UnsafeBufferPointer(start: cursor + 9, count: eol - cursor - 9), as: UTF8.self)
            }
            cursor = eol < end ? eol + 1 : end
        }
        guard let author, let committer else { return nil }
        let converter = encoding.flatMap(TextConverter.init(encoding:))
        let authorSignature = signature(author.0, author.1, converter)
        let committerSignature = signature(committer.0, committer.1, converter)
        var message = ""
        if cursor < end {
            let start = cursor + 1
            let stop = start < end ? UnsafePointer<UInt8>(memchr(start, 0, end - start)?.assumingMemoryBound(to: UInt8.self)) ?? end : end
            if start < stop {
                message = text(start, stop, converter)
            }
        }
        let unreadable = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        var commit = Commit(id: id, parents: parents, author: authorSignature ?? unreadable,
                            committer: committerSignature ?? unreadable, message: message)
        if authorSignature == nil { commit.unreadableSignatures.insert(.author) }
        if committerSignature == nil { commit.unreadableSignatures.insert(.committer) }
        return commit
    }

    /// Replaces `parents` with those the commit's header names (its `parent`
    /// lines, right after `tree`, as git writes and reads them), reading
    /// nothing past them; false when the header is not a commit's.
    static func parents(_ bytes: UnsafeRawBufferPointer, into parents: inout [ObjectID]) -> Bool {
        parents.removeAll(keepingCapacity: true)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let end = base + bytes.count
        func isLine(_ start: UnsafePointer<UInt8>, _ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            return end - start >= count + 41 && memcmp(start, prefix.utf8Start, count) == 0 && start[count + 40] == 0x0A
        }
        guard isLine(base, "tree ") else { return false }
        var cursor = base + 46
        while isLine(cursor, "parent ") {
            guard let parent = ObjectID(hexDigits: cursor + 7) else { return false }
            parents.append(parent)
            cursor += 48
        }
        return true
    }

    /// `Name <email> 1700000000 +0200` between `start` and `end` (exclusive),
    /// cut as git's `split_ident_line` does; nil when git cannot cut it (no
    /// `<`, or no `>` after it). A missing or unreadable time, or a time
    /// without a signed zone, reads as zero, as git shows it at the epoch.
    static func signature(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                          _ converter: TextConverter? = nil) -> Signature? {
        guard let open = first(0x3C, start, end), let close = first(0x3E, open + 1, end) else { return nil }
        var nameEnd = open
        while nameEnd > start && isBlank((nameEnd - 1).pointee) { nameEnd -= 1 }
        let name = text(start, nameEnd, converter)
        let email = text(open + 1, close, converter)
        var time: Int64 = 0
        var offset = 0
        // The time follows the last `>` of the line (a `>` inside the address
        // does not move it), then any blanks; the zone follows more blanks.
        var cursor = (last(0x3E, start, end) ?? close) + 1
        while cursor < end && isBlank(cursor.pointee) { cursor += 1 }
        // git keeps a time only when a signed zone follows it.
        if let (value, after) = integer(cursor, end) {
            cursor = after
            while cursor < end && isBlank(cursor.pointee) { cursor += 1 }
            if cursor < end, cursor.pointee == 0x2B || cursor.pointee == 0x2D,
               let (zone, _) = integer(cursor + 1, end) {
                time = value
                let hours = Int(zone / 100), minutes = Int(zone % 100)
                if hours <= 14 && minutes <= 59 {
                    offset = hours * 60 + minutes
                    if cursor.pointee == 0x2D { offset = -offset }
                }
            }
        }
        return Signature(name: name, email: email, time: time, offsetMinutes: offset)
    }

    private static func first(_ byte: UInt8, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        guard start < end, let found = memchr(start, Int32(byte), end - start) else { return nil }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
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

    /// Decimal digits at `start`, and where they stop; nil when there are
    /// none or they overflow (git then shows the epoch).
    private static func integer(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int64, UnsafePointer<UInt8>)? {
        var cursor = start
        var value: Int64 = 0
        while cursor < end, cursor.pointee >= 0x30, cursor.pointee <= 0x39 {
            let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
            // 922337203685477580 × 10 fits; adding 8 or 9 does not.
            let (next, overflowAdding) = tens.addingReportingOverflow(Int64(cursor.pointee - 0x30))
            guard !overflow, !overflowAdding else { return nil }
            value = next
            cursor += 1
        }
        return cursor == start ? nil : (value, cursor)
    }

    private static func text(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ converter: TextConverter?) -> String {
        guard start < end else { return "" }
        let bytes = UnsafeBufferPointer(start: start, count: end - start)
        return converter?.utf8(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// git's `isspace`: space, tab, line feed and carriage return.
    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
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
