import Foundation

/// The report as aligned plain-text tables, for a terminal or a mail body.
public enum ReportText {
    public static func render(_ report: Report) -> String {
        var out = ""
        let scope = report.scope.repositories.isEmpty
            ? "all scanned repositories"
            : report.scope.repositories.map(Sanitize.terminal).joined(separator: ", ")
        out += "CommitCensus report — \(scope)\n"
        var period = "all time"
        if report.scope.since != nil || report.scope.until != nil {
            period = "\(report.scope.since.map { String($0.prefix(10)) } ?? "start") … \(report.scope.until.map { String($0.prefix(10)) } ?? "now")"
        }
        out += "Period: \(period) (by \(report.scope.date) date, \(report.scope.timezone))\n\n"

        let t = report.totals
        let share = report.aiShare
        var headline = "AI share of commits: \(percent(share.commits))"
        if let ci = share.commitsCi95 { headline += "  (95% CI \(percent(ci[0]))–\(percent(ci[1])))" }
        out += headline + "\n"
        out += "  attested only (lower bound): \(percent(share.commitsAttested))\n"
        if let lines = share.lines {
            out += "AI share of changed lines: \(percent(lines))  (line counts for \(percent(share.linesCoverage)) of commits)\n"
        } else {
            out += "AI share of changed lines: n/a (scan with --lines)\n"
        }
        out += "\n"
        out += table(
            ["", "commits"],
            [
                ["AI", "\(t.ai)"],
                ["  attested", "\(t.aiAttested)"],
                ["  inferred", "\(t.aiInferred)"],
                ["  agent-authored", "\(t.aiAgent)"],
                ["  assisted", "\(t.aiAssisted)"],
                ["Human", "\(t.human)"],
                ["Bot", "\(t.bot)"],
                ["Total (non-merge)", "\(t.commits)"],
                ["Merges (not counted)", "\(t.merges)"],
            ],
            rightAligned: [1])

        if !report.byTool.isEmpty {
            out += "\nBy tool (a commit can name several tools; do not sum)\n"
            out += table(["tool", "commits", "attested", "share"],
                         report.byTool.map { [Sanitize.terminal($0.tool), "\($0.commits)", "\($0.attested)", percent($0.share)] },
                         rightAligned: [1, 2, 3])
        }
        if report.byRepository.count > 1 {
            out += "\nBy repository\n"
            out += table(["repository", "commits", "ai", "human", "bot", "ai share"],
                         report.byRepository.map {
                             [Sanitize.terminal($0.repository), "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", percent($0.aiShare)]
                         },
                         rightAligned: [1, 2, 3, 4, 5])
        }
        if !report.trend.isEmpty {
            out += "\nTrend by \(report.scope.interval.rawValue)\n"
            let rows = report.trend.suffix(24).map {
                [$0.period, "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", percent($0.aiShare)]
            }
            if report.trend.count > 24 { out += "(last 24 of \(report.trend.count) periods; --format json has all)\n" }
            out += table(["period", "commits", "ai", "human", "bot", "ai share"], Array(rows), rightAligned: [1, 2, 3, 4, 5])
        }
        return out
    }

    public static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }

    /// Columns padded to their widest cell; width counts characters, not bytes.
    public static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() where i < widths.count {
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                line += rightAligned.contains(i) ? padding + cell : cell + padding
                if i < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
