import Foundation

/// The projection's sentences, one wording for text, Markdown and HTML: the
/// world's figure is the world's, this scope's figure is its own payroll's,
/// and the scope's share times the world's market is only ever a comparison.
enum ProjectionLines {
    static func usd(_ range: Report.Range) -> String {
        range.low == range.high ? Formatting.usd(range.low) : "\(Formatting.usd(range.low))–\(Formatting.usd(range.high))"
    }

    static func percent(_ range: Report.Range) -> String {
        range.low == range.high ? Formatting.percent(range.low) : "\(Formatting.percent(range.low))–\(Formatting.percent(range.high))"
    }

    /// "The world: 2.0%–5.0% of code commits (public benchmarks) × $1.00T–$2.00T = $20.0B–$100B a year."
    static func world(_ projection: Report.Projection) -> String {
        "The world: \(percent(projection.world.share)) of code commits are AI-written (public benchmarks) × the "
            + "\(usd(projection.marketUsd)) software labour market = \(usd(projection.world.wageUsd)) a year."
    }

    /// This scope's own figure, from its FTE-weighted payroll; nil without one.
    static func scope(_ projection: Report.Projection) -> String? {
        guard let team = projection.team, let range = projection.shareRange else { return nil }
        var line = "This scope: \(team.headcount) active people, \(String(format: "%.1f", team.fte)) full-time equivalent"
        if team.driveByPeople > 0 { line += " (\(team.driveByPeople) drive-by, under \(team.driveByCommits) commits, not counted)" }
        line += " × \(Formatting.usd(team.loadedAnnualCostUsd)) = \(Formatting.usd(team.payrollUsd)) payroll; "
        line += "at its AI share of \(projection.shareBasis) (\(percent(range))) the AI-written part is worth \(usd(team.aiValueUsd)) a year"
        if let cost = team.toolCostUsd, let net = team.netValueUsd {
            line += "; less \(Formatting.usd(cost)) of AI tool seats, \(usd(net)) net"
        }
        return line + "."
    }

    /// The scope's share applied to the world's market: a comparison, said so.
    static func comparison(_ projection: Report.Projection) -> String? {
        guard let range = projection.shareRange, let wage = projection.wageImpactUsd else { return nil }
        return "For comparison only — if the world's share were this scope's (\(percent(range))), the world's figure would be \(usd(wage)) a year."
    }

    /// "logistic fit" or "logistic fit levelling off at 62%": the forecast's method as a reader needs it.
    static func method(_ forecast: Report.Projection.Forecast) -> String {
        guard let ceiling = forecast.ceiling, ceiling < 1 else { return "\(forecast.method) fit" }
        return "\(forecast.method) fit levelling off at \(Formatting.percent(ceiling, digits: 0))"
    }

    /// "10%: reached in 2025-03 · 25%: in 1 month · 50%: not on this trend".
    static func thresholds(_ forecast: Report.Projection.Forecast, separator: String = " · ") -> String {
        [("0.1", "10%"), ("0.25", "25%"), ("0.5", "50%")].map { key, label in
            if let month = forecast.reached[key] { return "\(label): reached in \(month)" }
            guard let months = forecast.monthsUntil[key] ?? nil else {
                if let ceiling = forecast.ceiling, ceiling < 1, let value = Double(key), ceiling <= value {
                    return "\(label): not on this trend (it levels off at \(Formatting.percent(ceiling, digits: 0)))"
                }
                return "\(label): not on this trend"
            }
            if months == 0 { return "\(label): the fitted share is there now" }
            return "\(label): in \(months) month\(months == 1 ? "" : "s")"
        }.joined(separator: separator)
    }
}
