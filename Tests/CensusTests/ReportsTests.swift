import Foundation
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
