import Foundation

/// Parses the dates users write after `--since` and `--until`.
public enum DateArgument {
    /// `2026-03-01`, `2026-03-01T12:00:00Z` (or with an offset), a Unix
    /// timestamp, or a span back from now: `36h`, `1d`, `2w`, `3m` (months), `1y`.
    /// Returns Unix seconds, or nil when the text is none of these.
    public static func parse(_ text: String, now: Date = Date()) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount >= 0 {
            let nowSeconds = Int64(now.timeIntervalSince1970)
            switch unit {
            case "h": return nowSeconds - Int64(amount) * 3600
            case "d": return nowSeconds - Int64(amount) * 86_400
            case "w": return nowSeconds - Int64(amount) * 7 * 86_400
            case "m", "y":
                var components = DateComponents()
                if unit == "m" { components.month = -amount } else { components.year = -amount }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: "UTC")!
                return calendar.date(byAdding: components, to: now).map { Int64($0.timeIntervalSince1970) }
            default: break
            }
        }
        if trimmed.count == 10, trimmed.allSatisfy({ $0.isNumber || $0 == "-" }) {
            let parts = trimmed.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
            guard calendar.date(from: components) != nil else { return nil }
            return Int64(calendar.date(from: components)!.timeIntervalSince1970)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: trimmed) { return Int64(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: trimmed) { return Int64(date.timeIntervalSince1970) }
        if trimmed.allSatisfy(\.isNumber), let seconds = Int64(trimmed) { return seconds }
        return nil
    }
}
