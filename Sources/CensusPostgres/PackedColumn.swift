import CensusStore
import NIOCore
import PostgresNIO

/// One column of a statement's commits, bound as one array and written to
/// the wire straight from `EncodedCommits`' bytes, NULLs in place.
///
/// Bound as `[String]`, every value became a `String` and then PostgresNIO's
/// generic array encoding: a fifth of a PostgreSQL scan's CPU in census,
/// and a statement's columns held twice in memory.
struct PackedTextColumn: PostgresEncodable {
    static var psqlType: PostgresDataType { .textArray }
    static var psqlFormat: PostgresFormat { .binary }

    let batches: [EncodedCommits]
    /// Which of `EncodedCommits.textColumns`.
    let column: Int

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let flags = ArrayHeader.write(into: &buffer, element: PostgresDataType.text.rawValue, count: batches.reduce(0) { $0 + $1.count })
        var hasNull = false
        for batch in batches {
            batch.forEachText(column: column) { value in
                guard let value else {
                    hasNull = true
                    buffer.writeInteger(Int32(-1))
                    return
                }
                // PostgreSQL's text holds no NUL (git keeps them in a hostile commit's message).
                guard value.contains(0) else {
                    buffer.writeInteger(Int32(value.count))
                    buffer.writeBytes(value)
                    return
                }
                let kept = value.filter { $0 != 0 }
                buffer.writeInteger(Int32(kept.count))
                buffer.writeBytes(kept)
            }
        }
        if hasNull { buffer.setInteger(Int32(1), at: flags) }
    }
}

/// One integer column of a statement's commits (see `PackedTextColumn`).
struct PackedIntegerColumn: PostgresEncodable {
    static var psqlType: PostgresDataType { .int8Array }
    static var psqlFormat: PostgresFormat { .binary }

    let batches: [EncodedCommits]
    /// Which of `EncodedCommits.integerColumns`.
    let column: Int

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let flags = ArrayHeader.write(into: &buffer, element: PostgresDataType.int8.rawValue, count: batches.reduce(0) { $0 + $1.count })
        var hasNull = false
        for batch in batches {
            batch.forEachInteger(column: column) { value in
                guard let value else {
                    hasNull = true
                    buffer.writeInteger(Int32(-1))
                    return
                }
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(value)
            }
        }
        if hasNull { buffer.setInteger(Int32(1), at: flags) }
    }
}

/// The binary array format's header (PostgreSQL's `array_recv`): one
/// dimension, a has-NULLs flag, the element type, the length, lower bound 1.
enum ArrayHeader {
    /// Writes the header of a one-dimensional array of `count` elements; returns where its has-NULLs flag is.
    static func write(into buffer: inout ByteBuffer, element: UInt32, count: Int) -> Int {
        buffer.writeInteger(Int32(1))
        let flags = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(element)
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(Int32(1))
        return flags
    }
}
