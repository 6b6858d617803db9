import Foundation

/// The report as aligned plain-text tables, for a terminal or a mail body.
public enum ReportText {
    /// `colour`: bold headings (only when writing to a terminal).
    public static func render(_ report: Report, colour: Bool = false) -> String {
        func heading(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m\n" : "\(text)\n" }
        var out = ""
        let scope = report.scope.repositories.isEmpty
            ? "all scanned repositories"
            : report.scope.repositories.map(Sanitize.terminal).joined(separator: ", ")
        out += heading("CommitCensus report — \(scope)" + (report.scope.team.map { ", team \(Sanitize.terminal($0))" } ?? ""))
        var period = "all time"
        if report.scope.since != nil || report.scope.until != nil {
            period = "\(report.scope.since.map { String($0.prefix(10)) } ?? "start") … \(report.scope.until.map { String($0.prefix(10)) } ?? "now")"
        }
        out += "Period: \(period) (by \(report.scope.date) date, \(report.scope.timezone))\n\n"

        let t = report.totals
        out += headline(report)
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
            out += "\n" + heading("By tool (a commit can name several tools; do not sum)")
            out += table(["tool", "commits", "attested", "share"],
                         report.byTool.map { [Sanitize.terminal($0.tool), "\($0.commits)", "\($0.attested)", percent($0.share)] },
                         rightAligned: [1, 2, 3])
        }
        if report.byRepository.count > 1 {
            out += "\n" + heading("By repository")
            out += table(["repository", "commits", "ai", "human", "bot", "ai share", "AI adopted"],
                         report.byRepository.map {
                             [Sanitize.terminal($0.repository), "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", percent($0.aiShare),
                              EvidenceLines.adoptionDay($0) ?? "-"]
                         },
                         rightAligned: [1, 2, 3, 4, 5])
        }
        if !report.byTeam.isEmpty {
            out += "\n" + heading("By team")
            out += table(["team", "people", "ai people", "commits", "ai", "ai share"],
                         report.byTeam.map { team in
                             team.suppressed
                                 ? [Sanitize.terminal(team.team), "< \(report.scope.minGroup)", "—", "—", "—", "withheld"]
                                 : [Sanitize.terminal(team.team), "\(team.activeAuthors ?? 0)", "\(team.aiAuthors ?? 0)",
                                    "\(team.commits ?? 0)", "\(team.ai ?? 0)", percent(team.aiShare)]
                         },
                         rightAligned: [1, 2, 3, 4, 5])
        }
        if !report.trend.isEmpty {
            out += "\n" + heading("Trend by \(report.scope.interval.rawValue)") + trend(report)
        }
        out += "\n" + heading("Projection")
        out += projection(report.projection)
        return out
    }

    /// The last 24 periods, a withheld one (a team's, with few people) said so.

    /// The share, what it rests on, the exposure, the line share and the people: the report's first lines.
    static func headline(_ report: Report) -> String {
        var out = ""
        let share = report.aiShare
        var headline = "AI share of commits: \(percent(share.commits))"
        if let ci = share.commitsCi95 { headline += "  (95% CI \(percent(ci[0]))–\(percent(ci[1])))" }
        out += headline + "\n"
        out += "  attested only (lower bound): \(percent(share.commitsAttested))\n"
        if let sources = EvidenceLines.bySource(share) { out += "  carried by: \(sources)\n" }
        if let horizon = EvidenceLines.horizon(share) { out += "  session logs read: \(Sanitize.terminal(horizon)); \(EvidenceLines.horizonMeaning)\n" }
        if let exposure = share.adopterCommits { out += "Exposure: \(percent(exposure)) \(EvidenceLines.exposureMeaning)\n" }
        if let lines = share.lines {
            out += "AI share of changed lines: \(percent(lines))  (line counts for \(percent(share.linesCoverage)) of commits)\n"
            if let untracked = share.linesUntracked, untracked > 0 {
                out += "  untracked by git-ai: \(percent(untracked)) of changed lines \(EvidenceLines.untrackedMeaning)\n"
            }
        } else {
            out += "AI share of changed lines: n/a (scan with --lines)\n"
        }
        let adoption = report.adoption
        out += "People using AI: \(adoption.aiAuthors) of \(adoption.activeAuthors) active (\(percent(adoption.rate)))\n"
        if let adopted = EvidenceLines.singleRepositoryAdoption(report) {
            out += "AI tools adopted: \(adopted.day), when \(Sanitize.terminal(adopted.files.joined(separator: ", "))) came in (commit \(adopted.commit))\n"
        }
        return out
    }

    static func trend(_ report: Report) -> String {
        let rows = report.trend.suffix(24).map {
            $0.withheld == true ? [$0.period, "withheld", "", "", "", "", "(fewer than \(report.scope.minGroup))"]
                : [$0.period, "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", percent($0.aiShare),
                   "\($0.aiAuthors)/\($0.activeAuthors)"]
        }
        let note = report.trend.count > 24 ? "(last 24 of \(report.trend.count) periods; --format json has all)\n" : ""
        return note + table(["period", "commits", "ai", "human", "bot", "ai share", "ai people"], Array(rows),
                            rightAligned: [1, 2, 3, 4, 5, 6])
    }

    static func projection(_ projection: Report.Projection) -> String {
        var out = ""
        out += ProjectionLines.world(projection) + "\n"
        if let scope = ProjectionLines.scope(projection) { out += scope + "\n" }
        if let comparison = ProjectionLines.comparison(projection) { out += comparison + "\n" }
        let forecast = projection.forecast
        if forecast.method == "none" {
            out += "Forecast: none — \(forecast.reason ?? "none fitted").\n"
        } else {
            out += "Forecast (\(ProjectionLines.method(forecast)), over \(forecast.monthsOfData) months to \(forecast.lastMonth ?? "")):\n"
            out += table(["in", "month", "AI share", "95% band"],
                         forecast.horizons.map { ["\($0.months) months", $0.month, percent($0.share), "\(percent($0.low)) – \(percent($0.high))"] },
                         rightAligned: [2])
            out += "AI share thresholds: " + ProjectionLines.thresholds(forecast, separator: ", ") + "\n"
        }
        out += "Public benchmarks:\n"
        for benchmark in projection.benchmarks where benchmark.unit == "share" {
            out += "  \(percent(benchmark.value)) — \(benchmark.figure) (\(benchmark.source), \(benchmark.date))\n"
        }
        return out
    }

    public static func percent(_ value: Double?) -> String { Formatting.percent(value) }

    /// Columns padded to their widest cell; width counts characters, not bytes.
    public static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows
        // Characters are counted once per cell: counting walks the whole text.
        let lengths = all.map { $0.map(\.count) }
        var widths = Array(repeating: 0, count: header.count)
        for row in lengths { for (i, length) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], length) } }
        var out = ""
        for (row, rowLengths) in zip(all, lengths) {
            var line = ""
            for (i, cell) in row.enumerated() where i < widths.count {
                let padding = String(repeating: " ", count: widths[i] - rowLengths[i])
                line += rightAligned.contains(i) ? padding + cell : cell + padding
                if i < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
