import Foundation

/// A fan-out table and the sorted 20-byte ids it indexes: the layout git
/// writes in pack indexes (version 2) and in commit-graph files alike.
///
/// Both are read from files a repository holds, so the layout is checked
/// once (`count(in:fanout:ids:)`) before any search trusts it.
enum SortedObjectIDs {
    /// How many ids the table holds; nil when its fan-out decreases (a
    /// search would leave the table) or the ids run past the buffer.
    static func count(in buffer: UnsafeRawBufferPointer, fanout: Int, ids: Int) -> Int? {
        guard fanout >= 0, fanout + 1024 <= buffer.count else { return nil }
        var previous: UInt32 = 0
        for entry in 0..<256 {
            let value = bigEndian(buffer, fanout + entry * 4)
            guard value >= previous else { return nil }
            previous = value
        }
        let count = Int(previous)
        guard ids >= 0, ids + count * 20 <= buffer.count else { return nil }
        return count
    }

    /// The position of `id` in a table `count(in:fanout:ids:)` accepted.
    ///
    /// Ids are SHA-1 digests, spread evenly: the search guesses where `id`
    /// sits from its first eight bytes (interpolation), narrowing the range
    /// with each entry it reads, and lands in two or three reads where a
    /// binary search visits a dozen cache lines of a large index for each
    /// commit. After four guesses it bisects, so an uneven table costs no
    /// more than a binary search.
    static func position(of id: ObjectID, in buffer: UnsafeRawBufferPointer, fanout: Int, ids: Int) -> Int? {
        var words = (id.a, id.b, id.c)
        return withUnsafeBytes(of: &words) { key -> Int? in
            let first = Int(key[0])
            let target = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
            let table = buffer.baseAddress! + ids
            @inline(__always) func prefix(_ position: Int) -> UInt64 {
                UInt64(bigEndian: (table + position * 20).loadUnaligned(as: UInt64.self))
            }
            var lower = first == 0 ? 0 : Int(bigEndian(buffer, fanout + (first - 1) * 4))
            var upper = Int(bigEndian(buffer, fanout + first * 4))
            // What the first eight bytes of the entries in lower..<upper lie between.
            var lowKey = UInt64(first) << 56
            var highKey = first == 255 ? UInt64.max : (UInt64(first + 1) << 56) - 1
            var guesses = 0
            while lower < upper {
                var probe = (lower + upper) / 2
                if guesses < 4 && upper - lower > 8 {
                    guesses += 1
                    guard target >= lowKey, target <= highKey else { return nil }
                    let fraction = Double(target - lowKey) / (Double(highKey - lowKey) + 1)
                    probe = lower + min(upper - lower - 1, Int(fraction * Double(upper - lower)))
                }
                let entry = prefix(probe)
                var comparison: Int32 = entry == target ? 0 : (entry < target ? -1 : 1)
                if comparison == 0 { comparison = memcmp(table + probe * 20 + 8, key.baseAddress! + 8, 12) }
                if comparison == 0 { return probe }
                if comparison < 0 {
                    lower = probe + 1
                    lowKey = entry
                } else {
                    upper = probe
                    highKey = entry
                }
            }
            return nil
        }
    }

    /// The big-endian 32-bit word at `offset`: git's files store every number so.
    @inline(__always)
    static func bigEndian(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
