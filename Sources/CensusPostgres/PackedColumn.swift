import CensusStore
import NIOCore
import PostgresNIO

/// One column of a statement's commits, bound as one array and written to
/// the wire straight from `EncodedCommits`' bytes, NULLs in place.
///
/// Bound as `[String]`, every value became a `String` and then PostgresNIO's
/// generic array encoding: a fifth of a PostgreSQL scan's CPU in census,
/// and a statement's columns held twice in memory.
struct PackedColumn<Values: PackedValues>: PostgresEncodable {
    static var psqlType: PostgresDataType { Values.arrayType }
    static var psqlFormat: PostgresFormat { .binary }

    let batches: [EncodedCommits]
    /// Which of the batches' columns of this kind (`EncodedCommits.textColumns` or `.integerColumns`).
    let column: Int

    /// PostgreSQL's binary array (`array_recv`): one dimension, a has-NULLs
    /// flag (set once the values are written), the element type, the length,
    /// lower bound 1, then each value with its length (-1: NULL).
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(Int32(1))
        let flags = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Values.elementType.rawValue)
        buffer.writeInteger(Int32(batches.reduce(0) { $0 + $1.count }))
        buffer.writeInteger(Int32(1))
        var hasNull = false
        for batch in batches {
            Values.forEach(batch, column: column) { value in
                guard let value else {
                    hasNull = true
                    buffer.writeInteger(Int32(-1))
                    return
                }
                Values.write(value, into: &buffer)
            }
        }
        if hasNull { buffer.setInteger(Int32(1), at: flags) }
    }
}

/// A kind of column `PackedColumn` writes.
protocol PackedValues {
    associatedtype Value
    static var arrayType: PostgresDataType { get }
    static var elementType: PostgresDataType { get }
    /// Each value of `batch`'s `column`, nil for NULL.
    static func forEach(_ batch: EncodedCommits, column: Int, _ body: (Value?) -> Void)
    /// Writes one value, its length first.
    static func write(_ value: Value, into buffer: inout ByteBuffer)
}

/// Text columns, as their UTF-8 bytes.
enum PackedTexts: PackedValues {
    static var arrayType: PostgresDataType { .textArray }
    static var elementType: PostgresDataType { .text }

    static func forEach(_ batch: EncodedCommits, column: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        batch.forEachText(column: column, body)
    }

    static func write(_ value: UnsafeBufferPointer<UInt8>, into buffer: inout ByteBuffer) {
        guard value.contains(0) else {
            buffer.writeInteger(Int32(value.count))
            buffer.writeBytes(value)
            return
        }
        // PostgreSQL's text holds no NUL (git keeps them in a hostile commit's message).
        let kept = value.filter { $0 != 0 }
        buffer.writeInteger(Int32(kept.count))
        buffer.writeBytes(kept)
    }
}

/// Integer columns, as BIGINTs.
enum PackedIntegers: PackedValues {
    static var arrayType: PostgresDataType { .int8Array }
    static var elementType: PostgresDataType { .int8 }

    static func forEach(_ batch: EncodedCommits, column: Int, _ body: (Int64?) -> Void) {
        batch.forEachInteger(column: column, body)
    }

    static func write(_ value: Int64, into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(8))
        buffer.writeInteger(value)
    }
}
