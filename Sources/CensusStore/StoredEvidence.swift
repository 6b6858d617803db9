import Attribution
import Foundation

/// What a report needs from a verdict's stored evidence, read from its text
/// without decoding it: a report reads it for every AI commit in scope.
enum StoredEvidence {
    /// `CommitRecord.encode` writes compact JSON with sorted keys, so every
    /// entry that counts towards AI holds this run of bytes followed by its
    /// kind; a quote inside a matched text is escaped, so the run cannot
    /// stand inside one.
    private static let countingAI = Array(#""counts":true,"indicates":"ai","kind":""#.utf8)

    /// The strongest source of the counting AI evidence in `text`; nil when none counts.
    static func strongestSource(_ text: UnsafeBufferPointer<UInt8>) -> EvidenceSource? {
        guard text.count > 0 else { return nil }
        var kinds: [SignalKind] = []
        countingAI.withUnsafeBufferPointer { needle in
            var offset = 0
            while let found = find(needle, in: text, from: offset) {
                var end = found + needle.count
                while end < text.count && text[end] != UInt8(ascii: "\"") { end += 1 }
                let kind = String(decoding: UnsafeBufferPointer(rebasing: text[(found + needle.count)..<end]), as: UTF8.self)
                if let kind = SignalKind(rawValue: kind) { kinds.append(kind) }
                offset = end
            }
        }
        if !kinds.isEmpty { return EvidenceSource.strongest(kinds) }
        // Text written another way (by hand, by another encoder): decoded.
        let evidence = try? JSONDecoder().decode([Evidence].self, from: Data(buffer: text))
        return evidence.flatMap(EvidenceSource.strongest(of:))
    }

    /// The offset of the first `needle` in `text` at or after `start`.
    private static func find(_ needle: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var offset = start
        while offset + needle.count <= text.count {
            guard let hit = memchr(text.baseAddress! + offset, Int32(needle[0]), text.count - offset - needle.count + 1) else { return nil }
            let at = text.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(text.baseAddress! + at, needle.baseAddress!, needle.count) == 0 { return at }
            offset = at + 1
        }
        return nil
    }
}
