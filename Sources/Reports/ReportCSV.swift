/// The report as tidy CSV tables, one per figure: every row one observation,
/// every column one variable. Text cells are neutralised against spreadsheet
/// formulas.
public enum ReportCSV {
    /// The tables, by figure name (`totals`, `by_tool`, `trend`, …), in report order.
    public static func tables(_ report: Report) -> [(name: String, csv: String)] {
        func csv(_ header: [String], _ rows: [[String]]) -> String {
            ([header.joined(separator: ",")] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
        }
        let n = { (value: Double?) in Sanitize.csvNumber(value) }
        let s = Sanitize.csv
        let t = report.totals
        var tables: [(String, String)] = []
        tables.append(("totals", csv(["metric", "commits"], [
            ["commits", "\(t.commits)"], ["merges", "\(t.merges)"], ["ai", "\(t.ai)"], ["human", "\(t.human)"], ["bot", "\(t.bot)"],
            ["ai_attested", "\(t.aiAttested)"], ["ai_inferred", "\(t.aiInferred)"], ["ai_agent", "\(t.aiAgent)"], ["ai_assisted", "\(t.aiAssisted)"],
            ["adopter_commits", "\(t.adopterCommits)"],
        ])))
        let share = report.aiShare
        tables.append(("ai_share", csv(["measure", "share", "ci95_low", "ci95_high"], [
            ["commits", n(share.commits), n(share.commitsCi95?[0]), n(share.commitsCi95?[1])],
            ["commits_attested", n(share.commitsAttested), n(share.commitsAttestedCi95?[0]), n(share.commitsAttestedCi95?[1])],
            ["lines", n(share.lines), "", ""],
            ["adopter_commits", n(share.adopterCommits), "", ""],
        ])))
        tables.append(("by_source", csv(["source", "commits", "share"], share.bySource.map { [$0.source, "\($0.commits)", n($0.share)] })))
        tables.append(("session_log_horizon", csv(["tool", "oldest", "newest", "collectors"],
                                                  share.sessionLogHorizon.map { [s($0.tool), $0.oldest, $0.newest, "\($0.collectors)"] })))
        tables.append(("adoption", csv(["active_authors", "ai_authors", "rate", "ci95_low", "ci95_high"], [[
            "\(report.adoption.activeAuthors)", "\(report.adoption.aiAuthors)", n(report.adoption.rate),
            n(report.adoption.rateCi95?[0]), n(report.adoption.rateCi95?[1]),
        ]])))
        tables.append(("by_tool", csv(["tool", "commits", "attested", "share"],
                                      report.byTool.map { [s($0.tool), "\($0.commits)", "\($0.attested)", n($0.share)] })))
        tables.append(("by_mode", csv(["mode", "commits", "share"], report.byMode.map { [$0.mode, "\($0.commits)", n($0.share)] })))
        tables.append(("by_repository", csv(["repository", "name", "commits", "ai", "human", "bot", "ai_share", "id", "adopted_at", "adoption_files"],
                                            report.byRepository.map {
                                                [s($0.repository), s($0.name), "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", n($0.aiShare), "\($0.id)",
                                                 $0.adoptedAt ?? "", s(($0.adoptionFiles ?? []).joined(separator: ";"))]
                                            })))
        tables.append(("by_team", csv(["team", "suppressed", "commits", "ai", "human", "bot", "ai_share", "active_authors", "ai_authors"],
                                      report.byTeam.map { team in
                                          [s(team.team), team.suppressed ? "true" : "false", team.commits.map(String.init) ?? "",
                                           team.ai.map(String.init) ?? "", team.human.map(String.init) ?? "", team.bot.map(String.init) ?? "",
                                           n(team.aiShare), team.activeAuthors.map(String.init) ?? "", team.aiAuthors.map(String.init) ?? ""]
                                      })))
        tables.append(("by_author", csv(["author", "commits", "ai", "ai_share"],
                                        report.byAuthor.map { [s($0.author), "\($0.commits)", "\($0.ai)", n($0.aiShare)] })))
        tables.append(("trend", csv(["period", "start", "commits", "ai", "human", "bot", "ai_attested", "ai_share", "active_authors", "ai_authors", "adoption_rate"],
                                    report.trend.map { $0.withheld == true ? [$0.period, $0.start] + Array(repeating: "withheld", count: 9)
                                        : [$0.period, $0.start, "\($0.commits)", "\($0.ai)", "\($0.human)", "\($0.bot)", "\($0.aiAttested)",
                                           n($0.aiShare), "\($0.activeAuthors)", "\($0.aiAuthors)", n($0.adoptionRate)] })))
        let trendTools = report.trend.flatMap { period in period.byTool.sorted { $0.key < $1.key }.map { [period.period, s($0.key), "\($0.value)"] } }
        tables.append(("trend_by_tool", csv(["period", "tool", "commits"], trendTools)))
        let projection = report.projection
        var projectionRows: [[String]] = [
            ["market_usd", n(projection.marketUsd.low), n(projection.marketUsd.high)],
            ["share_range", n(projection.shareRange?.low), n(projection.shareRange?.high)],
            ["wage_impact_usd", n(projection.wageImpactUsd?.low), n(projection.wageImpactUsd?.high)],
            ["world_share", n(projection.world.share.low), n(projection.world.share.high)],
            ["world_wage_usd", n(projection.world.wageUsd.low), n(projection.world.wageUsd.high)],
        ]
        if let team = projection.team {
            projectionRows.append(["team_payroll_usd", n(team.payrollUsd), n(team.payrollUsd)])
            projectionRows.append(["team_ai_value_usd", n(team.aiValueUsd.low), n(team.aiValueUsd.high)])
            projectionRows.append(["team_fte", n(team.fte), n(team.fte)])
            if let net = team.netValueUsd { projectionRows.append(["team_net_value_usd", n(net.low), n(net.high)]) }
        }
        tables.append(("projection", csv(["measure", "low", "high"], projectionRows)))
        tables.append(("forecast", csv(["months_ahead", "month", "share", "low", "high", "method"],
                                       projection.forecast.horizons.map { ["\($0.months)", $0.month, n($0.share), n($0.low), n($0.high), projection.forecast.method] })))
        tables.append(("benchmarks", csv(["figure", "value", "unit", "source", "date"],
                                         projection.benchmarks.map { [s($0.figure), n($0.value), $0.unit, s($0.source), $0.date] })))
        return tables
    }

    /// All tables in one stream, each with its header, separated by a blank line.
    public static func render(_ report: Report) -> String {
        tables(report).map { "# \($0.name)\n" + $0.csv }.joined(separator: "\n")
    }
}
