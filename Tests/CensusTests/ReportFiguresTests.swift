import Attribution
import CensusKit
import CensusStore
import Foundation
@testable import Reports
import Testing

@Suite("Projection: the fits and the arithmetic, against hand-computed values")
struct ProjectionTests {
    @Test("two months fit exactly: 10% then 50% gives logit(p) = -2.1972 + 2.1972·t")
    func twoPointLogistic() throws {
        let fit = try #require(ShareTrendFit.fitLogistic([
            .init(t: 0, successes: 10, trials: 100), .init(t: 1, successes: 50, trials: 100),
        ]))
        #expect(abs(fit.a - log(0.1 / 0.9)) < 1e-6)
        #expect(abs(fit.b - log(9.0)) < 1e-6)
        #expect(abs(fit.share(at: 2).value - 0.9) < 1e-6, "logit 2.1972 is 90%")
        // 90% is reached at t = 2, one month after the last point.
        #expect(abs((fit.month(reaching: 0.9) ?? 0) - 2) < 1e-6)
        // Fisher information by hand: weights n·p(1-p) are 9 (t = 0) and 25 (t = 1), so
        // X'WX = [[34, 25], [25, 25]], det 225, and its inverse is [[25, -25], [-25, 34]] / 225.
        #expect(abs(fit.covariance[0][0] - 25.0 / 225) < 1e-6)
        #expect(abs(fit.covariance[1][1] - 34.0 / 225) < 1e-6)
        #expect(abs(fit.covariance[0][1] + 25.0 / 225) < 1e-6)
        let band = fit.share(at: 1)
        #expect(band.low < 0.5 && band.high > 0.5)
    }

    @Test("a share that levels off at 60% is forecast to level off there, not to reach 100%")
    func fittedCeiling() throws {
        let ceiling = 0.6, a = -3.0, b = 0.4
        let points = (0..<30).map { month -> ShareTrendFit.Point in
            let p = ceiling / (1 + exp(-(a + b * Double(month))))
            return .init(t: Double(month), successes: Int((p * 2_000).rounded()), trials: 2_000)
        }
        let fit = try #require(ShareTrendFit.fit(points))
        #expect(fit.method == .logistic)
        #expect(abs(fit.ceiling - ceiling) < 0.0101)
        #expect(abs(fit.share(at: 60).value - ceiling) < 0.01, "two years on, still the ceiling")
        let far = fit.prediction(at: 60, ahead: 30)
        #expect(far.low > 0.55 && far.high < 0.65, "the band stays about the ceiling: \(far)")
        #expect(fit.month(reaching: 0.7) == nil, "70% is above where the curve levels off")
        #expect(abs((fit.month(reaching: 0.3) ?? 0) - 7.5) < 0.3, "half the ceiling where a + b·t = 0")
        // With 100% forced, the same months are fitted worse and put 70% within reach.
        let forced = try #require(ShareTrendFit.fitLogistic(points))
        #expect(ShareTrendFit.logLikelihood(points, fit: forced) < ShareTrendFit.logLikelihood(points, fit: fit))
        #expect(forced.month(reaching: 0.7) != nil)
    }

    @Test("a logistic fit recovers the curve that made the data")
    func recoversParameters() throws {
        let a = -4.0, b = 0.35
        let points = (0..<18).map { month -> ShareTrendFit.Point in
            let p = 1 / (1 + exp(-(a + b * Double(month))))
            return .init(t: Double(month), successes: Int((p * 10_000).rounded()), trials: 10_000)
        }
        let fit = try #require(ShareTrendFit.fit(points))
        #expect(fit.method == .logistic)
        #expect(fit.ceiling == 1, "nothing in these months stops short of 100%")
        #expect(abs(fit.a - a) < 0.01)
        #expect(abs(fit.b - b) < 0.002)
        // 50% where a + b·t = 0: t = 4 / 0.35 = 11.43.
        #expect(abs((fit.month(reaching: 0.5) ?? 0) - 4 / 0.35) < 0.05)
    }

    /// Monthly counts drawn from logit(share) = a + b·t, each month's logit
    /// moved by `scatter` standard deviations of a fixed sequence (months that
    /// differ more than their commits' chance).
    static func history(months: Int, commits: Int, a: Double, b: Double, scatter: Double) -> [ShareTrendFit.Point] {
        var random = SplitMix64(state: 7)
        return (0..<months).map { month in
            let eta = a + b * Double(month) + scatter * random.normal()
            let p = 1 / (1 + exp(-eta))
            let successes = (0..<commits).reduce(0) { total, _ in total + (random.uniform() < p ? 1 : 0) }
            return .init(t: Double(month), successes: successes, trials: commits)
        }
    }

    @Test("months that scatter beyond chance widen the band (dispersion, month variance); binomial months do not")
    func overdispersion() throws {
        let calm = try #require(ShareTrendFit.fit(Self.history(months: 24, commits: 400, a: -3, b: 0.15, scatter: 0)))
        let scattered = try #require(ShareTrendFit.fit(Self.history(months: 24, commits: 400, a: -3, b: 0.15, scatter: 0.6)))
        #expect(calm.dispersion < 1.6 && calm.monthVariance < 0.02, "\(calm.dispersion) \(calm.monthVariance)")
        #expect(scattered.dispersion > 5 && abs(scattered.monthVariance - 0.36) < 0.2, "\(scattered.dispersion) \(scattered.monthVariance)")
        let calmBand = calm.prediction(at: 29, ahead: 6), wideBand = scattered.prediction(at: 29, ahead: 6)
        #expect(wideBand.high - wideBand.low > 3 * (calmBand.high - calmBand.low))
        // The backtest of each holds its band about as often as it says.
        for points in [Self.history(months: 30, commits: 400, a: -3, b: 0.15, scatter: 0),
                       Self.history(months: 30, commits: 400, a: -3, b: 0.15, scatter: 0.6)] {
            let tested = ShareTrendFit.backtest(points)
            #expect(tested.checks > 100 && Double(tested.inside) / Double(tested.checks) > 0.85, "\(tested)")
        }
    }

    /// Each backtest origin is a fit of its own: a history of centuries was
    /// tested from every month (5 s for 1,380 months), now from its last 120.
    @Test("the backtest starts from the history's last 120 months only: 699 checks for 200 months")
    func backtestOriginsBounded() {
        let long = Self.history(months: 200, commits: 400, a: -3, b: 0.02, scatter: 0)
        // Origins 80…199, each checked 1 to 6 months ahead while there are months: 114 × 6 + 5 + 4 + 3 + 2 + 1.
        #expect(ShareTrendFit.backtestOrigins == 120)
        #expect(ShareTrendFit.backtest(long).checks == 699)
        // A short one from every month with four before it: origins 3…29, 21 × 6 + 5 + 4 + 3 + 2 + 1.
        #expect(ShareTrendFit.backtest(Array(long.prefix(30))).checks == 141)
    }

    @Test("a forecast is drawn only where the history's own past supports it, and says why not otherwise")
    func forecastOnlyWhereSupported() throws {
        func forecast(_ points: [ShareTrendFit.Point]) throws -> Report.Projection.Forecast {
            let folder = try TemporaryFolder.make(prefix: "forecast")
            let builder = ReportBuilder(store: try SQLiteStore(path: folder.appendingPathComponent("s.sqlite").path), filter: CommitFilter(), options: ReportOptions())
            let months = points.indices.map { (label: String(format: "2024-%02d", $0 % 12 + 1) + "/\($0)", start: Int64($0), end: Int64($0 + 1)) }
            var tallies: [String: Tally] = [:]
            for (index, point) in points.enumerated() {
                var tally = Tally()
                tally.ai = point.successes
                tally.human = point.trials - point.successes
                tallies[months[index].label] = tally
            }
            return builder.forecast(months: months, tallies: tallies)
        }
        let smooth = try forecast(Self.history(months: 30, commits: 400, a: -3, b: 0.15, scatter: 0))
        #expect(smooth.method == "logistic" && smooth.reason == nil && smooth.horizons.map(\.months) == [6, 12, 24])
        for horizon in smooth.horizons { #expect(horizon.low <= horizon.share && horizon.share <= horizon.high) }
        let wild = try forecast(Self.history(months: 30, commits: 400, a: -1, b: 0.02, scatter: 1.5))
        #expect(wild.method == "none" && wild.horizons.isEmpty && wild.history.allSatisfy { $0.fitted == nil })
        #expect(wild.reason?.contains("scatter too much") == true || wild.reason?.contains("does not support") == true, "\(wild.reason ?? "")")
        let short = try forecast(Self.history(months: 5, commits: 400, a: -1, b: 0.2, scatter: 0))
        #expect(short.reason?.contains("too short a history") == true, "\(short.reason ?? "")")
        // Adoption that levelled off at 40%: forecast at 40%, and 50% is out of reach, with the reason.
        let levelled = try forecast(Self.history(months: 30, commits: 400, a: -3, b: 0.4, scatter: 0).map {
            ShareTrendFit.Point(t: $0.t, successes: Int((Double($0.successes) * 0.4).rounded()), trials: $0.trials)
        })
        #expect(levelled.method == "logistic" && levelled.reason == nil, "\(levelled.reason ?? "")")
        let ceiling = try #require(levelled.ceiling)
        #expect(abs(ceiling - 0.4) <= 0.03, "\(ceiling)")
        #expect(levelled.horizons.allSatisfy { abs($0.share - ceiling) < 0.01 && $0.high < 0.5 }, "\(levelled.horizons)")
        #expect(levelled.monthsUntil["0.5"] == .some(nil))
        #expect(ProjectionLines.thresholds(levelled).hasSuffix("50%: not on this trend (it levels off at \(Formatting.percent(ceiling, digits: 0)))"))
        #expect(smooth.ceiling == 1, "a curve still rising is not given a ceiling")
    }

    @Test("too few months fall back to an exponential trend; none at all to no forecast")
    func fallbacks() throws {
        let exponential = try #require(ShareTrendFit.fit([
            .init(t: 0, successes: 1, trials: 100), .init(t: 1, successes: 2, trials: 100), .init(t: 2, successes: 4, trials: 100),
        ]))
        #expect(exponential.method == .exponential)
        #expect(abs(exponential.b - log(2)) < 1e-9, "doubling every month")
        #expect(abs(exponential.share(at: 3).value - 0.08) < 1e-9)
        #expect(ShareTrendFit.fit([.init(t: 0, successes: 0, trials: 50)]) == nil)
        #expect(ShareTrendFit.fitLogistic([.init(t: 0, successes: 0, trials: 10), .init(t: 1, successes: 0, trials: 10)]) == nil)
    }

    @Test("a threshold the history has passed reads 'reached in' its month, whatever the fit; one month is 'month'")
    func thresholdReached() throws {
        let months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
        // 20%, 40%, 60%, (no commits), 55%, 70%, 52%: at or above 50% since 2025-03.
        let counts = [(2, 10), (4, 10), (6, 10), (0, 0), (11, 20), (7, 10), (13, 25)]
        let points = counts.enumerated().map { ShareTrendFit.Point(t: Double($0.offset), successes: $0.element.0, trials: $0.element.1) }
        #expect(ReportBuilder.reached(0.5, points: points, months: months) == "2025-03")
        #expect(ReportBuilder.reached(0.25, points: points, months: months) == "2025-02")
        #expect(ReportBuilder.reached(0.6, points: points, months: months) == nil, "52% in the last month: not passed")
        var forecast = Report.Projection.Forecast(method: "logistic", monthsOfData: 6, lastMonth: "2025-07", horizons: [],
                                                  monthsUntil: ["0.1": 0, "0.25": 1, "0.5": Int?.none], history: [])
        forecast.reached = ["0.1": "2025-01"]
        #expect(ProjectionLines.thresholds(forecast) == "10%: reached in 2025-01 · 25%: in 1 month · 50%: not on this trend")
        forecast.reached = [:]
        #expect(ProjectionLines.thresholds(forecast).hasPrefix("10%: the fitted share is there now · "), "0 months is now, not 'in 0 months'")
    }

    @Test("the sample repository's projection: share range × market, team payroll, benchmarks")
    func sampleProjection() throws {
        let folder = try TemporaryFolder.make(prefix: "projection")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = folder.appendingPathComponent("sample").path
        try Shell.run("/bin/bash", [PackagePaths.sampleScript, sample])
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        _ = try HistoryScanner(store: store, classifier: Classifier(catalogue: try Catalogue.bundled())).scan(repositoryAt: sample)
        var options = ReportOptions()
        options.loadedAnnualCostUSD = 150_000
        let report = try ReportBuilder(store: store, filter: CommitFilter(), options: options).build()
        // 16 AI of 27; attested 14 of 27. Wilson bounds by hand: attested low 0.3401, all high 0.7548.
        let range = try #require(report.projection.shareRange)
        #expect(abs(range.low - 0.3401) < 0.0005)
        #expect(abs(range.high - 0.7548) < 0.0005)
        let wage = try #require(report.projection.wageImpactUsd)
        #expect(abs(wage.low - range.low * 1e12) < 1)
        #expect(abs(wage.high - range.high * 2e12) < 1)
        // Five people commit by hand (Alice, Bob, Carol, Claude Dupont, Jane Roe); agents count for the people they name.
        #expect(report.adoption.activeAuthors == 5)
        #expect(report.adoption.aiAuthors == 3)
        // Payroll by full-time equivalents: Alice, Bob and Carol commit in each of the
        // six months (1 FTE each); Claude Dupont and Jane Roe made one commit each:
        // drive-by (under 3), not on the payroll.
        let team = try #require(report.projection.team)
        #expect(team.headcount == 5 && team.fte == 3 && team.driveByPeople == 2)
        #expect(team.payrollUsd == 3 * 150_000)
        #expect(abs(team.aiValueUsd.low - range.low * 450_000) < 1)
        #expect(team.toolCostUsd == nil && team.netValueUsd == nil)
        // The world's figure is the benchmarks' share × the market, whatever this scope's share.
        #expect(report.projection.world.share.low == 0.02 && report.projection.world.share.high == 0.05)
        #expect(report.projection.world.wageUsd.low == 0.02 * 1e12 && report.projection.world.wageUsd.high == 0.05 * 2e12)
        #expect(report.projection.shareBasis == "commits")
        // A team's own loaded cost, and a tool's seats (three people use AI) for a net figure.
        options.team = "core"
        options.loadedCostByTeam = ["core": 300_000]
        options.toolCostPerSeatUSD = 1_000
        options.driveByCommits = 1
        let priced = try #require(try ReportBuilder(store: store, filter: CommitFilter(), options: options).build().projection.team)
        #expect(priced.loadedAnnualCostUsd == 300_000 && priced.driveByPeople == 0)
        // With every person counted: Claude Dupont and Jane Roe are in one month of six each.
        #expect(abs(priced.fte - (3 + 2.0 / 6)) < 1e-6)
        #expect(priced.toolCostUsd == 3_000)
        #expect(abs((priced.netValueUsd?.low ?? 0) - (priced.aiValueUsd.low - 3_000)) < 1e-6)
        #expect(report.projection.benchmarks.contains { $0.value == 0.02 && $0.date == "2026-02-05" })
        // Six months of four to six commits: nothing to test a forecast against, so none is drawn.
        #expect(report.projection.forecast.method == "none" && report.projection.forecast.horizons.isEmpty)
        #expect(report.projection.forecast.backtest?.checks == 0)
        #expect(report.projection.forecast.reason?.contains("too short a history") == true)
    }
}
