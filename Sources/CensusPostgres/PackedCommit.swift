import CensusStore

/// What a report reads of one commit, packed by the server into one `bytea`.
///
/// A report streams every commit in scope. Read as fourteen columns, each row
/// cost census about 4.8 µs in postgres-nio's cells (a `String` and reference
/// counts per column, per row): three quarters of a 10 M-commit report's
/// time. Packed, a row is one cell whose bytes go to `AggregationBuilder` as
/// they are. Big-endian integers (`int8send`), then length-prefixed texts
/// (`int4send`, -1 for NULL); a missing line count is `Int64.min`.
enum PackedCommit {
    /// The packing of `c`'s row, its date read from `time`.
    static func selection(time: String) -> String {
        func integer(_ column: String) -> String { "int8send(COALESCE(\(column), -9223372036854775808))" }
        func text(_ value: String) -> String { "COALESCE(int4send(octet_length(\(value))) || textsend(\(value)), '\\xffffffff'::bytea)" }
        return [
            "int8send(c.repository_id)", "int8send(\(time))", "int8send(c.parent_count)",
            "int2send(ascii(c.class)::int2)", "int2send(COALESCE(ascii(c.confidence), 0)::int2)",
            integer("c.lines_added"), integer("c.lines_deleted"), integer("c.ai_lines"), integer("c.human_lines"),
            text("c.mode"), text("c.tools"), text("c.person_email"), text("c.person_name"),
            // Only an AI commit's evidence is read (for its strongest source).
            text("CASE WHEN c.class = 'ai' AND c.parent_count < 2 THEN c.evidence END"),
        ].joined(separator: " || ")
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String { "the server sent a commit in a form census does not read" }
    }

    /// Adds the commit packed in `bytes` to `builder`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, into builder: inout AggregationBuilder) throws {
        var reader = Reader(bytes: bytes)
        let repository = try reader.integer(), time = try reader.integer(), parentCount = try reader.integer()
        let classByte = try reader.short(), confidenceByte = try reader.short()
        let added = try reader.optionalInteger(), deleted = try reader.optionalInteger()
        let aiLines = try reader.optionalInteger(), humanLines = try reader.optionalInteger()
        let mode = try reader.text(), tools = try reader.text(), email = try reader.text(), name = try reader.text()
        let evidence = try reader.text()
        builder.add(repository: repository, time: time, parentCount: parentCount, classByte: UInt8(truncatingIfNeeded: classByte),
                    confidenceByte: UInt8(truncatingIfNeeded: confidenceByte), mode: mode ?? UnsafeBufferPointer(start: nil, count: 0),
                    linesAdded: added, linesDeleted: deleted, aiLines: aiLines, humanLines: humanLines,
                    personEmail: email, personName: name, tools: tools ?? UnsafeBufferPointer(start: nil, count: 0), evidence: evidence)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func integer() throws -> Int64 { Int64(bitPattern: try bigEndian(8)) }

        mutating func short() throws -> Int16 { Int16(truncatingIfNeeded: try bigEndian(2)) }

        mutating func optionalInteger() throws -> Int64? {
            let value = try integer()
            return value == .min ? nil : value
        }

        mutating func text() throws -> UnsafeBufferPointer<UInt8>? {
            let length = Int32(truncatingIfNeeded: try bigEndian(4))
            guard length >= 0 else { return nil }
            guard offset + Int(length) <= bytes.count else { throw Malformed() }
            defer { offset += Int(length) }
            return UnsafeBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
        }

        private mutating func bigEndian(_ width: Int) throws -> UInt64 {
            guard offset + width <= bytes.count else { throw Malformed() }
            var value: UInt64 = 0
            for index in offset..<(offset + width) { value = value << 8 | UInt64(bytes[index]) }
            offset += width
            return value
        }
    }
}
