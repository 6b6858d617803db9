import Foundation
import Reports

extension ReportOptions {
    /// The report settings a configuration file gives (teams, market, minimum
    /// group, time zone): one place for the CLI, the daily reports and the API.
    public init(configuration: CensusConfiguration?) {
        self.init()
        guard let configuration else { return }
        teams = configuration.teams
        marketLowUSD = configuration.market.lowUSD
        marketHighUSD = configuration.market.highUSD
        loadedAnnualCostUSD = configuration.market.loadedAnnualCostUSD
        loadedCostByTeam = configuration.market.loadedCostByTeam
        driveByCommits = configuration.market.driveByCommits ?? driveByCommits
        toolCostPerSeatUSD = configuration.market.toolCostPerSeatUSD
        minGroup = configuration.reportsMinGroup ?? minGroup
        if let label = configuration.reportsTimezone, let zone = Periods.timeZone(label) {
            timeZone = zone
            timeZoneLabel = label
        }
    }
}
