import Foundation
import CensusKit
import Reports
import Testing

@Suite("Reports: statistics, time and hostile text")
struct ReportsTests {
    @Test("the Wilson interval matches hand-computed values")
    func wilson() throws {
        // 16 of 27: p = 0.5926; by hand with z = 1.96: centre 0.5776, half 0.1743.
        let interval = try #require(Statistics.wilson(16, 27))
        #expect(abs(interval.low - 0.4073) < 0.0005)
        #expect(abs(interval.high - 0.7548) < 0.0005)
        let zero = try #require(Statistics.wilson(0, 10))
        #expect(zero.low == 0)
        #expect(abs(zero.high - 0.2775) < 0.0005)
        #expect(Statistics.wilson(0, 0) == nil)
    }

    @Test("ISO-8601 times keep the commit's own offset")
    func times() {
        #expect(TimeFormat.iso8601(1_740_816_000, offsetMinutes: 120) == "2025-03-01T10:00:00+02:00")
        #expect(TimeFormat.iso8601(1_740_816_000, offsetMinutes: -330) == "2025-03-01T02:30:00-05:30")
        #expect(TimeFormat.utc(0) == "1970-01-01T00:00:00Z")
        #expect(TimeFormat.day(951_782_400) == "2000-02-29")
        #expect(TimeFormat.epochDays(year: 2000, month: 2, day: 29) == 11_016)
    }

    @Test("terminal text loses escape sequences and control characters")
    func terminal() {
        #expect(Sanitize.terminal("a\u{1B}[31mred\u{1B}[0m b") == "ared b")
        #expect(Sanitize.terminal("title\u{1B}]0;pwned\u{07}!") == "title!")
        #expect(Sanitize.terminal("x\u{0}y\u{7F}z\u{9B}2Jw") == "xyzw")
        #expect(Sanitize.terminal("tab\there") == "tab here")
        #expect(Sanitize.terminal("plain ünïcode ✓") == "plain ünïcode ✓")
    }

    @Test("CSV cells that a spreadsheet would run are neutralised and quoted")
    func csv() {
        #expect(Sanitize.csv("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(Sanitize.csv("+1") == "'+1")
        #expect(Sanitize.csv("-2") == "'-2")
        #expect(Sanitize.csv("@SUM(A1)") == "'@SUM(A1)")
        #expect(Sanitize.csv("a,b") == "\"a,b\"")
        #expect(Sanitize.csv("plain") == "plain")
    }

    @Test("HTML escaping covers markup and attribute quotes")
    func html() {
        #expect(Sanitize.html("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    }
}

@Suite("dates: the parser and the formatter are total")
struct DateRangeTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("accepted forms give seconds; spans, days and timestamps outside 0001–9999 are out of range, not a trap")
    func parserRange() throws {
        #expect(DateArgument.parse("2026-01-31", now: now) == Int64(1_769_817_600))
        #expect(DateArgument.parse("1d", now: now) == Int64(1_779_913_600))
        #expect(DateArgument.parse("0001-01-01", now: now) == DateArgument.earliest)
        #expect(DateArgument.parse("9999-12-31T23:59:59Z", now: now) == DateArgument.latest)
        #expect(DateArgument.parse("2026-02-29", now: now) == nil, "not a leap year")
        for text in ["4000y", "100000y", "9999999d", "99999999999999999999h", "9223372036854775807w",
                     "12000000m", "253402300800", "99999999999999999999"] {
            #expect(throws: DateArgument.Problem.outOfRange, "\(text)") { try DateArgument.value(text, now: now) }
        }
        for text in ["", "yesterday", "1x", "-5d", "2026-13-01", "2026-1-1"] {
            #expect(throws: DateArgument.Problem.notADate, "\(text)") { try DateArgument.value(text, now: now) }
        }
    }

    @Test("time zones: names of the zone database only; a name Foundation half-accepts is refused, not formatted")
    func timeZoneNames() {
        // Found by FuzzDates: Foundation made a zone of this, and formatting in it trapped.
        #expect(Periods.timeZone("Africa:Asmara") == nil)
        #expect(Periods.timeZone("Not/AZone") == nil)
        #expect(Periods.timeZone("europe/berlin")?.identifier == "Europe/Berlin")
        #expect(Periods.timeZone("+02:00")?.secondsFromGMT() == 7200)
        let zone = Periods.timeZone("Africa/Asmara")
        #expect(zone != nil)
        if let zone {
            #expect(Periods.covering(first: 0, last: 86_400 * 60, interval: .month, zone: zone).count == 3)
        }
    }

    @Test("any 64-bit time formats without trapping; years before 0001 carry a sign")
    func formatterTotal() {
        #expect(TimeFormat.day(DateArgument.earliest) == "0001-01-01")
        #expect(TimeFormat.day(DateArgument.earliest - 86_400) == "0000-12-31")
        #expect(TimeFormat.day(-62_198_755_200 - 86_400 * 366 * 1000).hasPrefix("-1"))
        for seconds in [Int64.max, Int64.min, Int64.max - 1, Int64.min + 1] {
            #expect(!TimeFormat.iso8601(seconds, offsetMinutes: 840).isEmpty)
            #expect(!TimeFormat.iso8601(seconds, offsetMinutes: -840).isEmpty)
            #expect(!TimeFormat.utc(seconds).isEmpty)
        }
    }
}
