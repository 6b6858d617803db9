/// The report as Markdown, for a mail or a chat message.
public enum ReportMarkdown {
    public static func render(_ report: Report) -> String {
        let p = Formatting.percent
        let share = report.aiShare
        var out = "# CommitCensus report\n\n"
        let scope = report.scope.repositories.isEmpty ? "all scanned repositories" : report.scope.repositories.map(cell).joined(separator: ", ")
        out += "Scope: \(scope)" + (report.scope.team.map { "; team \(cell($0))" } ?? "") + "; by \(report.scope.date) date, \(report.scope.timezone)"
        if let since = report.scope.since { out += "; since \(since.prefix(10))" }
        if let until = report.scope.until { out += "; until \(until.prefix(10))" }
        out += ".\n\n"
        out += "**AI share of commits: \(p(share.commits, 1))**"
        if let ci = share.commitsCi95 { out += " (95% CI \(p(ci[0], 1))–\(p(ci[1], 1)))" }
        out += "; attested only: \(p(share.commitsAttested, 1)); of changed lines: \(share.lines.map { p($0, 1) } ?? "n/a").\n\n"
        if let untracked = share.linesUntracked, untracked > 0 {
            out += "Untracked by git-ai: \(p(untracked, 1)) of changed lines \(EvidenceLines.untrackedMeaning).\n\n"
        }
        if let sources = EvidenceLines.bySource(share) { out += "Carried by \(cell(sources)).\n\n" }
        if let horizon = EvidenceLines.horizon(share) { out += "Session logs read: \(cell(horizon)); \(EvidenceLines.horizonMeaning).\n\n" }
        if let exposure = share.adopterCommits { out += "Exposure: \(p(exposure, 1)) \(EvidenceLines.exposureMeaning).\n\n" }
        out += "**People using AI: \(report.adoption.aiAuthors) of \(report.adoption.activeAuthors)** (\(p(report.adoption.rate, 1))).\n\n"
        if let adopted = EvidenceLines.singleRepositoryAdoption(report) {
            out += "AI tools adopted: \(adopted.day), when \(cell(adopted.files.joined(separator: ", "))) came in (commit \(adopted.commit)).\n\n"
        }
        let t = report.totals
        out += table(["", "commits"], [
            ["AI", "\(t.ai)"], ["— attested", "\(t.aiAttested)"], ["— inferred", "\(t.aiInferred)"],
            ["— agent-authored", "\(t.aiAgent)"], ["— assisted", "\(t.aiAssisted)"],
            ["Human", "\(t.human)"], ["Bot", "\(t.bot)"], ["Total (non-merge)", "\(t.commits)"], ["Merges (not counted)", "\(t.merges)"],
        ], right: [1])
        if !report.byTool.isEmpty {
            out += "\n## By tool\n\nA commit can name several tools: do not sum.\n\n"
            out += table(["tool", "commits", "attested", "share"],
                         report.byTool.map { [cell($0.tool), "\($0.commits)", "\($0.attested)", p($0.share, 1)] }, right: [1, 2, 3])
        }
        if report.byRepository.count > 1 {
            out += "\n## By repository\n\n"
            out += table(["repository", "commits", "ai", "human", "bot", "ai share", "AI adopted"],
                         report.byRepository.map { [cell($0.name), "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", p($0.aiShare, 1),
                                                    EvidenceLines.adoptionDay($0) ?? "—"] },
                         right: [1, 2, 3, 4, 5])
        }
        if !report.byTeam.isEmpty {
            out += "\n## By team\n\n"
            out += table(["team", "people", "AI people", "commits", "AI share"], report.byTeam.map { team in
                team.suppressed ? [cell(team.team), "fewer than \(report.scope.minGroup)", "—", "—", "withheld"]
                    : [cell(team.team), "\(team.activeAuthors ?? 0)", "\(team.aiAuthors ?? 0)", "\(team.commits ?? 0)", p(team.aiShare, 1)]
            }, right: [1, 2, 3, 4])
        }
        if !report.trend.isEmpty {
            out += "\n## Trend by \(report.scope.interval.rawValue)\n\n"
            out += table(["period", "commits", "AI", "AI share", "AI people"], report.trend.suffix(12).map {
                $0.withheld == true ? [$0.period, "withheld", "", "", "fewer than \(report.scope.minGroup)"]
                    : [$0.period, "\($0.commits)", "\($0.ai)", p($0.aiShare, 1), "\($0.aiAuthors) of \($0.activeAuthors)"]
            }, right: [1, 2, 3, 4])
        }
        out += projectionSection(report)
        return out
    }

    /// A table cell: no pipes or line breaks from repository text; markup characters escaped.
    static func cell(_ text: String) -> String {
        // Table cells: no pipes or line breaks from repository text; markup characters escaped.
        // Markup becomes entities (no HTML reaches a mail client); Markdown's own marks are escaped.
        var escaped = ""
        for character in Sanitize.terminal(text) {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "|", "\\", "`", "*", "_", "[", "]", "#": escaped += "\\" + String(character)
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func table(_ header: [String], _ rows: [[String]], right: Set<Int> = []) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n|"
        out += header.indices.map { right.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }

    /// The projection and forecast, with the benchmarks and assumptions behind them.
    static func projectionSection(_ report: Report) -> String {
        let p = Formatting.percent
        var out = ""
        let projection = report.projection
        out += "\n## Projection\n\n"
        out += "- " + ProjectionLines.world(projection) + "\n"
        if let scope = ProjectionLines.scope(projection) { out += "- **" + scope + "**\n" }
        if let comparison = ProjectionLines.comparison(projection) { out += "- " + comparison + "\n" }
        let forecast = projection.forecast
        if forecast.method != "none" {
            for horizon in forecast.horizons {
                out += "- In \(horizon.months) months (\(horizon.month)): \(p(horizon.share, 1)) (95% band \(p(horizon.low, 1))–\(p(horizon.high, 1))), \(ProjectionLines.method(forecast)).\n"
            }
            out += "- AI share thresholds: " + ProjectionLines.thresholds(forecast) + ".\n"
        } else {
            out += "- No forecast: \(forecast.reason ?? "none fitted").\n"
        }
        out += "\nPublic benchmarks: " + projection.benchmarks.filter { $0.unit == "share" }
            .map { "\(p($0.value, 1)) \($0.figure.lowercased()) (\($0.source), \($0.date))" }.joined(separator: "; ") + ".\n"
        out += "\n<details><summary>Assumptions</summary>\n\n" + projection.assumptions.map { "- " + $0 }.joined(separator: "\n") + "\n\n</details>\n"
        return out
    }
}
