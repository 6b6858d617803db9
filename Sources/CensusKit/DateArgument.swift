import Foundation
import Reports

/// Parses the dates users write after `--since`, `--until` and `--as-of`, and
/// the same query parameters of the daemon.
///
/// The text comes from anyone who can run census or reach the daemon, so no
/// input may trap: spans are multiplied with overflow checks, and a result
/// outside the years 0001–9999 — what reports can print and the calendar can
/// cut into periods — is refused rather than passed on.
public enum DateArgument {
    /// 0001-01-01T00:00:00Z, the first instant census represents.
    public static let earliest: Int64 = -62_135_596_800
    /// 9999-12-31T23:59:59Z, the last instant census represents.
    public static let latest: Int64 = 253_402_300_799

    /// Why a text is not a usable date.
    public enum Problem: Error, Equatable, Sendable {
        /// None of the accepted forms.
        case notADate
        /// A date, but before 0001-01-01 or after 9999-12-31.
        case outOfRange

        /// The explanation that follows the option's name and text.
        public var explanation: String {
            switch self {
            case .notADate: "not a date (use 2026-01-31, an ISO-8601 time, or 7d, 2w, 3m, 1y)"
            case .outOfRange: "outside the dates census can represent (0001-01-01 to 9999-12-31)"
            }
        }
    }

    /// `2026-03-01`, `2026-03-01T12:00:00Z` (or with an offset), a Unix
    /// timestamp, or a span back from now: `36h`, `1d`, `2w`, `3m` (months), `1y`.
    /// Returns Unix seconds, or nil when the text is none of these or is out of range.
    public static func parse(_ text: String, now: Date = Date()) -> Int64? {
        try? value(text, now: now)
    }

    /// Like `parse`, but says why a text was refused.
    public static func value(_ text: String, now: Date = Date()) throws(Problem) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let seconds: Int64
        if let span = try span(trimmed, now: now) {
            seconds = span
        } else if let date = calendarDate(trimmed) ?? isoTime(trimmed) {
            seconds = date
        } else if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let timestamp = Int64(trimmed) else { throw .outOfRange }
            seconds = timestamp
        } else {
            throw .notADate
        }
        guard (earliest...latest).contains(seconds) else { throw .outOfRange }
        return seconds
    }

    /// `36h`, `7d`, `2w`, `3m`, `1y` back from `now`; nil when the text is not a span.
    private static func span(_ text: String, now: Date) throws(Problem) -> Int64? {
        guard let unit = text.last, "hdwmy".contains(unit) else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Longer than any span that stays within 0001–9999 counted from any `now`.
        guard let amount = Int64(digits), amount <= 1_000_000_000_000 else { throw .outOfRange }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let unitSeconds: Int64
        switch unit {
        case "h": unitSeconds = 3600
        case "d": unitSeconds = 86_400
        case "w": unitSeconds = 7 * 86_400
        default:
            // Months and years step through the calendar; 240,000 months
            // already leave the range from any representable `now`.
            let months = unit == "m" ? amount : amount * 12
            guard months <= 240_000 else { throw .outOfRange }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            guard let date = calendar.date(byAdding: DateComponents(month: -Int(months)), to: now) else { throw .outOfRange }
            return Int64(date.timeIntervalSince1970.rounded(.down))
        }
        let (back, overflow) = amount.multipliedReportingOverflow(by: unitSeconds)
        let (result, underflow) = nowSeconds.subtractingReportingOverflow(back)
        guard !overflow, !underflow else { throw .outOfRange }
        return result
    }

    /// `YYYY-MM-DD` at midnight UTC.
    private static func calendarDate(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return TimeFormat.epochDays(year: year, month: month, day: day) * 86_400
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func isoTime(_ text: String) -> Int64? {
        guard text.count <= 64 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
        return nil
    }
}

extension DateArgument {
    /// A reporting time zone as a person writes it: `UTC`, `+02:00`, or a
    /// name of the zone database such as `Europe/Berlin`; nil otherwise.
    public static func timeZone(_ text: String) -> TimeZone? {
        Periods.timeZone(text)
    }
}
