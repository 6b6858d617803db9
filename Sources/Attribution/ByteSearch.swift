import Foundation

/// Finding a run of bytes in text that is read without decoding it (a
/// git-ai note's JSON, a stored verdict's evidence).
public enum ByteSearch {
    /// The first position of `needle` in `haystack` at or after `start`.
    public static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count - start >= needle.count, let base = haystack.baseAddress else { return nil }
        return needle.withUnsafeBufferPointer { pattern in
            var offset = start
            while offset + pattern.count <= haystack.count {
                // memchr finds the candidates; memcmp checks each.
                guard let hit = memchr(base + offset, Int32(pattern[0]), haystack.count - offset - pattern.count + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, pattern.baseAddress!, pattern.count) == 0 { return at }
                offset = at + 1
            }
            return nil
        }
    }
}
