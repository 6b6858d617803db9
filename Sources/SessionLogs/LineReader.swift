import Foundation

/// Reads a file's lines as bytes, a chunk at a time: a log of gigabytes costs
/// one chunk of memory, and a line longer than `maxLine` is skipped whole
/// (counted), never held.
struct LineReader {
    static let chunkSize = 1 << 20
    static let maxLine = 8 << 20

    /// Calls `body` with each line (without its newline); returns the lines
    /// skipped, or nil when the file cannot be read. A `.zst` file is read
    /// decompressed (`ZstdStream`).
    static func forEachLine(of path: String, _ body: (Data) -> Void) -> Int? {
        if path.hasSuffix(".zst") {
            guard let stream = ZstdStream(path: path) else { return nil }
            let skipped = forEachLine(chunks: stream.next, body)
            return stream.failed ? nil : skipped
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return forEachLine(chunks: { (try? handle.read(upToCount: chunkSize)).flatMap { $0.isEmpty ? nil : $0 } }, body)
    }

    /// `forEachLine` over the chunks `next` gives until nil.
    static func forEachLine(chunks next: () -> Data?, _ body: (Data) -> Void) -> Int {
        var pending = Data()
        var skipping = false
        var skipped = 0
        while true {
            guard let chunk = next() else { break }
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                if skipping {
                    skipping = false
                } else {
                    pending.append(chunk[start..<newline])
                    body(pending)
                }
                pending.removeAll(keepingCapacity: true)
                start = chunk.index(after: newline)
            }
            if !skipping { pending.append(chunk[start...]) }
            if pending.count > maxLine {
                skipping = true
                skipped += 1
                pending = Data()
            }
        }
        if !skipping, !pending.isEmpty { body(pending) }
        return skipped
    }

    /// A line's JSON object, or nil (not JSON, or not an object).
    static func object(_ line: Data) -> [String: Any]? {
        guard line.first == UInt8(ascii: "{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: line)) as? [String: Any]
    }
}

extension Data {
    /// Whether these bytes hold `needle`'s: a cheap test before parsing a line.
    func holds(_ needle: String) -> Bool {
        range(of: Data(needle.utf8)) != nil
    }
}

/// ISO-8601 times as the tools write them, with or without fractions of a second.
enum LogTime {
    // Made once: a formatter costs more to make than to use. Only read after.
    nonisolated(unsafe) private static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    nonisolated(unsafe) private static let whole = ISO8601DateFormatter()

    static func parse(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return fractional.date(from: text) ?? whole.date(from: text)
    }
}
