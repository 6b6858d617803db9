import CensusStore
import Foundation

/// Cuts time into report periods in the reporting time zone, so a commit at
/// 23:30 on the 31st in Berlin counts for that month, not the next.
public enum Periods {
    /// Parses `UTC`, `+02:00`, `-0530`, or an IANA name (`Europe/Berlin`).
    public static func timeZone(_ text: String) -> TimeZone? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.uppercased() == "UTC" || trimmed == "Z" { return TimeZone(identifier: "UTC") }
        if let first = trimmed.first, first == "+" || first == "-" {
            let digits = trimmed.dropFirst().filter(\.isNumber)
            guard digits.count == 4 || digits.count == 2, let value = Int(digits) else { return nil }
            let (hours, minutes) = digits.count == 4 ? (value / 100, value % 100) : (value, 0)
            guard hours <= 14, minutes < 60 else { return nil }
            let seconds = (hours * 3600 + minutes * 60) * (first == "-" ? -1 : 1)
            return TimeZone(secondsFromGMT: seconds)
        }
        // Foundation makes a zone of some names it does not know
        // ("Africa:Asmara"), and formatting a date in it traps: only the
        // names of the zone database are accepted (text from any client).
        guard let name = knownZoneNames[trimmed.lowercased()] else { return nil }
        return TimeZone(identifier: name)
    }

    /// The zone database's names, by their lower-cased form.
    private static let knownZoneNames: [String: String] = Dictionary(
        TimeZone.knownTimeZoneIdentifiers.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2 // ISO weeks start on Monday
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    /// Every period from the one holding `first` to the one holding `last`.
    public static func covering(first: Int64, last: Int64, interval: Interval, zone: TimeZone) -> [(label: String, start: Int64, end: Int64)] {
        let calendar = calendar(zone)
        let component: Calendar.Component = interval == .month ? .month : .weekOfYear
        guard var start = calendar.dateInterval(of: component, for: Date(timeIntervalSince1970: TimeInterval(first)))?.start else {
            return []
        }
        let lastDate = Date(timeIntervalSince1970: TimeInterval(last))
        var periods: [(String, Int64, Int64)] = []
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = zone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = interval == .month ? "yyyy-MM" : "yyyy-MM-dd"
        while start <= lastDate && periods.count < 5000 {
            guard let end = calendar.date(byAdding: component, value: 1, to: start) else { break }
            periods.append((formatter.string(from: start), Int64(start.timeIntervalSince1970), Int64(end.timeIntervalSince1970)))
            start = end
        }
        return periods
    }
}
