import CensusStore

/// Formats git timestamps without Foundation's date machinery, which is slow
/// per call and would round-trip through the machine's time zone.
public enum TimeFormat {
    /// `2026-03-01T14:05:09+01:00`: the instant in the commit's own offset.
    public static func iso8601(_ seconds: Int64, offsetMinutes: Int) -> String {
        // A hostile commit may carry any 64-bit time: saturate, never trap.
        let (shifted, overflow) = seconds.addingReportingOverflow(Int64(offsetMinutes) * 60)
        let local = overflow ? seconds : shifted
        let (date, time) = civil(local)
        let sign = offsetMinutes < 0 ? "-" : "+"
        let offset = abs(offsetMinutes)
        return "\(date)T\(time)\(sign)\(pad(offset / 60)):\(pad(offset % 60))"
    }

    /// `2026-03-01` in UTC.
    public static func day(_ seconds: Int64) -> String { civil(seconds).date }

    /// `2026-03-01T13:05:09Z`.
    public static func utc(_ seconds: Int64) -> String {
        let (date, time) = civil(seconds)
        return "\(date)T\(time)Z"
    }

    static func civil(_ seconds: Int64) -> (date: String, time: String) {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (year, month, day) = CivilDate.date(days: days)
        let date = "\(self.year(year))-\(pad(Int(month)))-\(pad(Int(day)))"
        let time = "\(pad(Int(rest / 3600))):\(pad(Int(rest % 3600 / 60))):\(pad(Int(rest % 60)))"
        return (date, time)
    }

    /// Days since 1970-01-01 for a civil date (inverse of `civil`).
    public static func epochDays(year: Int, month: Int, day: Int) -> Int64 {
        CivilDate.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// Four digits at least, as ISO 8601 writes years; a sign before years
    /// before 0001 (`-0044`), which only a hostile commit's time reaches.
    static func year(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        let padded = digits.count < 4 ? String(repeating: "0", count: 4 - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
