import Foundation

/// The report as one self-contained HTML page with inline SVG charts: no
/// scripts, fonts, styles or images from anywhere else, so it can be mailed,
/// archived or opened offline. Every piece of repository text is escaped.
public enum ReportHTML {
    static let palette = ["#6d28d9", "#0ea5e9", "#f59e0b", "#10b981", "#ef4444", "#ec4899", "#84cc16", "#14b8a6",
                          "#f97316", "#8b5cf6", "#64748b", "#a16207"]

    /// `controls` (after the title) and `appendix` (before the footer) are
    /// trusted HTML that the caller has escaped: the dashboard's filters and
    /// its repositories table.
    public static func render(_ report: Report, title: String = "AI share of commits", controls: String = "", appendix: String = "") -> String {
        let h = Sanitize.html
        let p = { (value: Double?) in Formatting.percent(value) }
        let scope = report.scope.repositories.isEmpty ? "All scanned repositories" : report.scope.repositories.map { h($0) }.joined(separator: ", ")
        var body = ""
        let team = report.scope.team.map { " · team \(h($0))" } ?? ""
        body += "<header><h1>\(h(title))</h1><p class=\"scope\">\(scope)\(team) · by \(h(report.scope.date)) date · \(h(report.scope.timezone))"
        if let since = report.scope.since { body += " · since \(h(String(since.prefix(10))))" }
        if let until = report.scope.until { body += " · until \(h(String(until.prefix(10))))" }
        body += " · generated \(h(report.generatedAt))</p></header>\n" + controls

        body += "<section class=\"cards\">\(cards(report))</section>\n"

        if !report.trend.isEmpty {
            body += "<section><h2>AI share over time, by tool</h2>\(shareChart(report))</section>\n"
            body += "<section><h2>Adoption: people with AI commits</h2>\(adoptionChart(report))</section>\n"
        }
        body += "<section><h2>Projection</h2>\(projectionChart(report.projection))\(projectionText(report.projection))</section>\n"

        let t = report.totals
        body += "<section class=\"two\"><div><h2>Commits</h2>" + table(["", "commits"], [
            ["AI", "\(t.ai)"], ["attested", "\(t.aiAttested)"], ["inferred", "\(t.aiInferred)"], ["agent-authored", "\(t.aiAgent)"],
            ["assisted", "\(t.aiAssisted)"], ["Human", "\(t.human)"], ["Bot", "\(t.bot)"], ["Merges (not counted)", "\(t.merges)"],
        ])
        body += "</div><div><h2>By tool</h2>" + table(["tool", "commits", "attested", "share"],
                                                       report.byTool.map { [h($0.tool), "\($0.commits)", "\($0.attested)", p($0.share)] })
        body += "<p class=\"note\">A commit can name several tools: do not sum.</p></div></section>\n"
        if report.byRepository.count > 1 {
            body += "<section><h2>Repositories</h2>" + table(["repository", "commits", "AI", "human", "bot", "AI share", "AI adopted"],
                report.byRepository.map {
                    [h($0.repository), "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", p($0.aiShare), EvidenceLines.adoptionDay($0) ?? "—"]
                }) + "</section>\n"
        }
        if !report.byTeam.isEmpty {
            body += "<section><h2>Teams</h2>" + table(["team", "people", "AI people", "commits", "AI share"], report.byTeam.map { team in
                team.suppressed ? [h(team.team), "fewer than \(report.scope.minGroup)", "—", "—", "withheld"]
                    : [h(team.team), "\(team.activeAuthors ?? 0)", "\(team.aiAuthors ?? 0)", "\(team.commits ?? 0)", p(team.aiShare)]
            }) + "</section>\n"
        }
        body += appendix
        body += "<footer>CommitCensus · schema \(report.schemaVersion) · shares count non-merge commits reachable from each repository's HEAD; AI share = AI / (AI + human). Every trace-based share is a lower bound.</footer>"

        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>CommitCensus — AI share of commits</title>
            <style>
            \(stylesheet)
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    /// The headline figures, one card each.
    static func cards(_ report: Report) -> String {
        let p = { (value: Double?) in Formatting.percent(value) }
        let share = report.aiShare
        var cards = ""
        let ci = share.commitsCi95.map { "95% CI \(p($0[0]))–\(p($0[1]))" } ?? "no commits"
        cards += card("AI share of commits", p(share.commits), ci)
        cards += card("Attested only", p(share.commitsAttested), "lower bound: traces can be switched off")
        if let sources = EvidenceLines.bySource(share) {
            let kinds = share.bySource.filter { $0.commits > 0 }.count
            cards += card("The share rests on", kinds == 1 ? "1 kind of evidence" : "\(kinds) kinds of evidence", sources)
        }
        if let horizon = EvidenceLines.horizon(share) {
            cards += card("Session logs read", "\(share.sessionLogHorizon.count) \(share.sessionLogHorizon.count == 1 ? "tool" : "tools")",
                          Sanitize.html(horizon) + "; " + EvidenceLines.horizonMeaning)
        }
        if let exposure = share.adopterCommits { cards += card("Exposure to AI", p(exposure), EvidenceLines.exposureMeaning) }
        if let adopted = EvidenceLines.singleRepositoryAdoption(report) {
            cards += card("AI tools adopted", adopted.day,
                          "when \(Sanitize.html(adopted.files.joined(separator: ", "))) came in (commit \(adopted.commit))")
        }
        cards += card("AI share of changed lines", share.lines.map { p($0) } ?? "n/a",
                      share.lines == nil ? "scan with --lines" : "line counts for \(p(share.linesCoverage)) of commits"
                        + ((share.linesUntracked ?? 0) > 0 ? "; \(p(share.linesUntracked)) untracked by git-ai, left out" : ""))
        cards += card("People using AI", "\(report.adoption.aiAuthors) of \(report.adoption.activeAuthors)", p(report.adoption.rate) + " of active people")
        let projection = report.projection
        cards += card("World wage-equivalent", ProjectionLines.usd(projection.world.wageUsd),
                      "a year: the public benchmarks' \(ProjectionLines.percent(projection.world.share)) × a \(ProjectionLines.usd(projection.marketUsd)) market")
        if let team = projection.team {
            cards += card("This scope's AI-written work", ProjectionLines.usd(team.aiValueUsd),
                          "a year: \(String(format: "%.1f", team.fte)) FTE × \(Formatting.usd(team.loadedAnnualCostUsd)) × its share of \(projection.shareBasis)")
        }
        return cards
    }

    /// The page's only styles: inline, so the file stands alone.
    static let stylesheet = """
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2937;background:#f8fafc;margin:0;padding:24px 32px;max-width:1100px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:17px;margin:0 0 10px;color:#111827}
        .scope{color:#6b7280;margin:0 0 20px;font-size:13px}
        section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:16px 20px;margin:0 0 16px}
        .cards{display:flex;gap:12px;flex-wrap:wrap;background:none;border:none;padding:0}
        .card{flex:1 1 170px;background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px 16px}
        .card .label{font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.04em}
        .card .value{font-size:26px;font-weight:700;margin:4px 0;color:#4c1d95}.card .sub{font-size:12px;color:#6b7280}
        table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:5px 8px;border-bottom:1px solid #f1f5f9;text-align:left}
        .n{text-align:right;font-variant-numeric:tabular-nums}th{color:#6b7280;font-weight:600}
        .two{display:flex;gap:24px}.two>div{flex:1}.note{font-size:12px;color:#6b7280}
        .legend{font-size:12px;color:#374151;margin-top:6px}.legend span{display:inline-block;margin-right:12px}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
        svg text{font-size:11px;fill:#6b7280}footer{font-size:12px;color:#9ca3af;margin-top:8px}
        ul.assumptions{font-size:12px;color:#4b5563;padding-left:18px}
        form.filters{display:flex;gap:12px;align-items:end;flex-wrap:wrap;font-size:13px}
        form.filters label{display:flex;flex-direction:column;gap:3px;color:#6b7280}
        form.filters select,form.filters button{font-size:13px;padding:4px 8px}
        .error{color:#b91c1c}
        """

    static func card(_ label: String, _ value: String, _ sub: String) -> String {
        "<div class=\"card\"><div class=\"label\">\(label)</div><div class=\"value\">\(value)</div><div class=\"sub\">\(sub)</div></div>"
    }

    /// Cells must already be escaped. Numbers align right, text left.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func numeric(_ column: Int) -> Bool {
            let cells = rows.compactMap { column < $0.count ? $0[column] : nil }.filter { $0 != "—" && $0 != "n/a" }
            return !cells.isEmpty && cells.allSatisfy { cell in
                guard let first = cell.first else { return true }
                return first.isNumber || first == "$" || first == "-"
            }
        }
        let alignment = header.indices.map { $0 > 0 && numeric($0) ? " class=\"n\"" : "" }
        return "<table><tr>" + header.enumerated().map { "<th\(alignment[$0.offset])>\($0.element)</th>" }.joined() + "</tr>"
            + rows.map { "<tr>" + $0.enumerated().map { "<td\(alignment[min($0.offset, alignment.count - 1)])>\($0.element)</td>" }.joined() + "</tr>" }.joined()
            + "</table>"
    }

    // MARK: - Charts

    struct Frame {
        var width = 1000.0
        var height = 260.0
        var left = 46.0
        var right = 14.0
        var top = 12.0
        var bottom = 28.0
        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// An axis from 0 to `maximum` in `ticks` equal steps, each step 1, 2 or 5
    /// times a power of ten: every gridline stands at the value its label says.
    struct Scale {
        var maximum: Double
        var ticks: Int
        var step: Double { maximum / Double(ticks) }

        /// The tightest such axis (four or five steps) that holds `value`, at most `cap`.
        init(holding value: Double, cap: Double = .infinity) {
            let value = max(value, 1e-9)
            var best = (maximum: Double.infinity, ticks: 4)
            let exponent = pow(10, floor(log10(value / 5)))
            for power in [exponent, exponent * 10] {
                for unit in [1.0, 2.0, 5.0] {
                    for ticks in [4, 5] where unit * power * Double(ticks) >= value * (1 - 1e-9) && unit * power * Double(ticks) < best.maximum {
                        best = (unit * power * Double(ticks), ticks)
                    }
                }
            }
            if best.maximum > cap { best = (cap, 5) }
            maximum = best.maximum
            ticks = best.ticks
        }

        /// People are whole: four steps of a whole number each, up to `peak`.
        init(wholeUpTo peak: Double) {
            maximum = max(4, (peak / 4).rounded(.up) * 4)
            ticks = 4
        }

        /// Digits a percentage label needs to be exact at every step.
        var percentDigits: Int {
            var digits = 0
            while digits < 3 && abs((step * 100 * pow(10, Double(digits))).rounded() - step * 100 * pow(10, Double(digits))) > 1e-6 { digits += 1 }
            return digits
        }
    }

    static func axes(_ frame: Frame, scale: Scale, labels: [String], format: (Double) -> String) -> String {
        var svg = ""
        for i in 0...scale.ticks {
            let value = scale.step * Double(i)
            let y = frame.top + frame.plotHeight * (1 - Double(i) / Double(scale.ticks))
            svg += "<line x1=\"\(number(frame.left))\" x2=\"\(number(frame.width - frame.right))\" y1=\"\(number(y))\" y2=\"\(number(y))\" stroke=\"#eef2f7\"/>"
            svg += "<text x=\"\(number(frame.left - 6))\" y=\"\(number(y + 4))\" text-anchor=\"end\">\(format(value))</text>"
        }
        let step = max(1, Int((Double(labels.count) / 10).rounded(.up)))
        for (index, label) in labels.enumerated() where index % step == 0 {
            let x = frame.left + frame.plotWidth * (Double(index) + 0.5) / Double(max(1, labels.count))
            svg += "<text x=\"\(number(x))\" y=\"\(number(frame.height - 8))\" text-anchor=\"middle\">\(Sanitize.html(label))</text>"
        }
        return svg
    }

    /// One colour per tool in every chart, view and report: the catalogue's
    /// tools have their own, any other is given one by its name.
    static func colour(of tool: String) -> String {
        let known = ["claude-code": "#6d28d9", "copilot": "#0ea5e9", "codex": "#10b981", "cursor": "#f59e0b",
                     "aider": "#ef4444", "devin": "#ec4899", "jules": "#84cc16", "gemini": "#14b8a6",
                     "openhands": "#f97316", "amazon-q": "#8b5cf6", "windsurf": "#64748b", "git-ai": "#a16207"]
        if let colour = known[tool] { return colour }
        // FNV-1a: the same name, the same colour, in every process.
        let hash = tool.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return palette[Int(hash % UInt32(palette.count))]
    }

    static func shareChart(_ report: Report) -> String {
        let periods = Array(report.trend.suffix(48))
        let tools = report.byTool.map(\.tool)
        let frame = Frame()
        let scale = Scale(holding: max(0.01, periods.compactMap(\.aiShare).max() ?? 0), cap: 1)
        var svg = "<svg viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" width=\"100%\" role=\"img\" aria-label=\"AI share of commits per period, stacked by tool\">"
        svg += axes(frame, scale: scale, labels: periods.map(\.period)) { Formatting.percent($0, digits: scale.percentDigits) }
        let slot = frame.plotWidth / Double(max(1, periods.count))
        for (index, period) in periods.enumerated() {
            let bar = Bar(x: frame.left + slot * Double(index) + slot * 0.15, width: slot * 0.7, frame: frame, maximum: scale.maximum)
            svg += bar.draw(period, tools: tools, minGroup: report.scope.minGroup)
        }
        svg += "</svg>"
        let legend = tools.map { tool in
            "<span><i style=\"background:\(colour(of: tool))\"></i>\(Sanitize.html(tool))</span>"
        }.joined()
        let marks = "<span>n: commits in the period</span><span>– no commits</span><span>lighter: a period only partly in the report</span>"
        return svg + "<div class=\"legend\">\(legend)\(marks)</div>"
    }

    /// One period's bar in the share chart, with how many commits it stands
    /// for above it: a period without commits is drawn as such, not as 0%.
    struct Bar {
        var x: Double
        var width: Double
        var frame: Frame
        var maximum: Double

        func draw(_ period: Report.Period, tools: [String], minGroup: Int) -> String {
            let name = Sanitize.html(period.period)
            let bottom = frame.top + frame.plotHeight
            if period.withheld == true {
                return "<rect x=\"\(number(x))\" y=\"\(number(frame.top))\" width=\"\(number(width))\" height=\"\(number(frame.plotHeight))\" fill=\"#e5e7eb\"><title>\(name): withheld (fewer than \(minGroup) people)</title></rect>"
            }
            guard period.commits > 0 else {
                return label("–", above: bottom, title: "\(name): no commits")
            }
            let share = period.aiShare ?? 0
            let partial = period.partial == true ? " fill-opacity=\"0.45\"" : ""
            let note = period.partial == true ? " (a period only partly in the report)" : ""
            var svg = "", y = bottom
            // Tools overlap on a few commits: segments are scaled so that the
            // stack is exactly the period's AI share.
            let total = Double(period.byTool.values.reduce(0, +))
            for tool in tools {
                guard let count = period.byTool[tool], count > 0, total > 0 else { continue }
                let height = frame.plotHeight * share / maximum * Double(count) / total
                y -= height
                svg += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(height))\" fill=\"\(colour(of: tool))\"\(partial)><title>\(name) \(Sanitize.html(tool)): \(count) commits\(note)</title></rect>"
            }
            if share == 0 {
                svg += "<rect x=\"\(number(x))\" y=\"\(number(bottom - 1.5))\" width=\"\(number(width))\" height=\"1.5\" fill=\"#94a3b8\"\(partial)><title>\(name): \(Formatting.percent(0)) of \(period.commits) commits\(note)</title></rect>"
            }
            return svg + label("\(period.commits)", above: y, title: "\(name): \(Formatting.percent(share)) of \(period.commits) commits\(note)")
        }

        private func label(_ text: String, above y: Double, title: String) -> String {
            "<text class=\"n\" x=\"\(number(x + width / 2))\" y=\"\(number(max(frame.top - 2, y - 3)))\" text-anchor=\"middle\" font-size=\"9\" fill=\"#64748b\"><title>\(title)</title>\(text)</text>"
        }
    }

    static func adoptionChart(_ report: Report) -> String {
        let periods = Array(report.trend.suffix(48))
        let frame = Frame(height: 220)
        // People are whole: four gridlines at whole numbers.
        let peak = Double(max(1, periods.map(\.activeAuthors).max() ?? 1))
        let scale = peak <= 20 ? Scale(wholeUpTo: peak) : Scale(holding: peak)
        let maximum = scale.maximum
        var svg = "<svg viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" width=\"100%\" role=\"img\" aria-label=\"Active people and people with AI commits per period\">"
        svg += axes(frame, scale: scale, labels: periods.map(\.period)) { String(Int($0.rounded())) }
        func line(_ values: [Int], colour: String, fill: Bool) -> String {
            let points = values.enumerated().map { index, value in
                "\(number(frame.left + frame.plotWidth * (Double(index) + 0.5) / Double(max(1, values.count)))),\(number(frame.top + frame.plotHeight * (1 - Double(value) / maximum)))"
            }
            guard !points.isEmpty else { return "" }
            var out = ""
            if fill {
                let base = number(frame.top + frame.plotHeight)
                let first = points.first!.split(separator: ",")[0], last = points.last!.split(separator: ",")[0]
                out += "<polygon points=\"\(first),\(base) \(points.joined(separator: " ")) \(last),\(base)\" fill=\"\(colour)\" fill-opacity=\"0.15\"/>"
            }
            return out + "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        }
        svg += line(periods.map(\.activeAuthors), colour: "#94a3b8", fill: false)
        svg += line(periods.map(\.aiAuthors), colour: "#6d28d9", fill: true)
        svg += "</svg>"
        return svg + "<div class=\"legend\"><span><i style=\"background:#94a3b8\"></i>active people</span><span><i style=\"background:#6d28d9\"></i>people with AI commits</span></div>"
    }

    static func projectionChart(_ projection: Report.Projection) -> String {
        let forecast = projection.forecast
        let history = forecast.history
        guard !history.isEmpty else { return "<p class=\"note\">No history to chart yet.</p>" }
        let horizonMonths = forecast.method == "none" ? 0 : (forecast.horizons.last?.months ?? 0)
        let count = history.count + horizonMonths
        let frame = Frame()
        let highest = max(history.compactMap(\.share).max() ?? 0, forecast.horizons.map(\.high).max() ?? 0)
        let scale = Scale(holding: max(0.01, highest), cap: 1)
        let maximum = scale.maximum
        var labels = history.map(\.month)
        if let last = forecast.lastMonth {
            for ahead in stride(from: 1, through: horizonMonths, by: 1) { labels.append(ReportBuilder.month(last, plus: ahead)) }
        }
        func x(_ index: Double) -> Double { frame.left + frame.plotWidth * (index + 0.5) / Double(max(1, count)) }
        func y(_ value: Double) -> Double { frame.top + frame.plotHeight * (1 - min(value, maximum) / maximum) }
        var svg = "<svg viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" width=\"100%\" role=\"img\" aria-label=\"Monthly AI share with the fitted trend and its forecast band\">"
        svg += axes(frame, scale: scale, labels: labels) { Formatting.percent($0, digits: scale.percentDigits) }
        // The band and median of the forecast, from the last month on.
        if forecast.method != "none", !forecast.horizons.isEmpty {
            var upper: [String] = [], lower: [String] = [], middle: [String] = []
            let lastIndex = Double(history.count - 1)
            if let fitted = history.last?.fitted {
                upper.append("\(number(x(lastIndex))),\(number(y(fitted)))")
                lower.append("\(number(x(lastIndex))),\(number(y(fitted)))")
                middle.append("\(number(x(lastIndex))),\(number(y(fitted)))")
            }
            for horizon in forecast.horizons {
                let index = lastIndex + Double(horizon.months)
                upper.append("\(number(x(index))),\(number(y(horizon.high)))")
                lower.append("\(number(x(index))),\(number(y(horizon.low)))")
                middle.append("\(number(x(index))),\(number(y(horizon.share)))")
            }
            svg += "<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"#6d28d9\" fill-opacity=\"0.15\"/>"
            svg += "<polyline points=\"\(middle.joined(separator: " "))\" fill=\"none\" stroke=\"#6d28d9\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            let fitted = history.enumerated().compactMap { index, point in point.fitted.map { "\(number(x(Double(index)))),\(number(y($0)))" } }
            svg += "<polyline points=\"\(fitted.joined(separator: " "))\" fill=\"none\" stroke=\"#6d28d9\" stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>"
        }
        for (index, point) in history.enumerated() {
            guard let share = point.share else { continue }
            svg += "<circle cx=\"\(number(x(Double(index))))\" cy=\"\(number(y(share)))\" r=\"3\" fill=\"#0ea5e9\"><title>\(Sanitize.html(point.month)): \(Formatting.percent(share))</title></circle>"
        }
        svg += "</svg>"
        // Without a forecast there is no curve to name ("none fit" was drawn here).
        let fit = forecast.method == "none" ? ""
            : "<span><i style=\"background:#6d28d9\"></i>\(Sanitize.html(ProjectionLines.method(forecast))) and forecast, 95% band</span>"
        return svg + "<div class=\"legend\"><span><i style=\"background:#0ea5e9\"></i>monthly AI share</span>\(fit)</div>"
    }

    static func projectionText(_ projection: Report.Projection) -> String {
        let p = { (value: Double?) in Formatting.percent(value) }
        var rows: [[String]] = []
        for horizon in projection.forecast.horizons {
            rows.append(["in \(horizon.months) months (\(horizon.month))", p(horizon.share), "\(p(horizon.low)) – \(p(horizon.high))"])
        }
        var html = rows.isEmpty ? "<p class=\"note\">No forecast: \(Sanitize.html(projection.forecast.reason ?? "none fitted")).</p>"
            : table(["forecast", "AI share", "95% band"], rows)
        if projection.forecast.method != "none" {
            html += "<p class=\"note\">AI share thresholds: \(Sanitize.html(ProjectionLines.thresholds(projection.forecast)))</p>"
        }
        html += "<p class=\"note\">\(Sanitize.html(ProjectionLines.world(projection)))</p>"
        if let scope = ProjectionLines.scope(projection) { html += "<p class=\"note\"><b>\(Sanitize.html(scope))</b></p>" }
        if let comparison = ProjectionLines.comparison(projection) { html += "<p class=\"note\">\(Sanitize.html(comparison))</p>" }
        html += "<h2>Public benchmarks</h2>" + table(["figure", "value", "source", "date"], projection.benchmarks.map {
            [Sanitize.html($0.figure), $0.unit == "share" ? p($0.value) : Formatting.usd($0.value), Sanitize.html($0.source), Sanitize.html($0.date)]
        })
        html += "<ul class=\"assumptions\">" + projection.assumptions.map { "<li>\(Sanitize.html($0))</li>" }.joined() + "</ul>"
        return html
    }
}
