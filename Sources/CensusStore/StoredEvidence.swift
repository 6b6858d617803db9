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
        var offset = 0
        while let found = ByteSearch.firstIndex(of: countingAI, in: text, from: offset) {
            var end = found + countingAI.count
            while end < text.count && text[end] != UInt8(ascii: "\"") { end += 1 }
            let kind = String(decoding: UnsafeBufferPointer(rebasing: text[(found + countingAI.count)..<end]), as: UTF8.self)
            if let kind = SignalKind(rawValue: kind) { kinds.append(kind) }
            offset = end
        }
        if !kinds.isEmpty { return EvidenceSource.strongest(kinds) }
        // Text written another way (by hand, by another encoder): decoded.
        let evidence = try? JSONDecoder().decode([Evidence].self, from: Data(buffer: text))
        return evidence.flatMap(EvidenceSource.strongest(of:))
    }
}
