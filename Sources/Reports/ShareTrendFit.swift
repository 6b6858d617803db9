import Foundation

/// Fits how the monthly AI share moves and where it is heading.
///
/// The model is logistic — adoption of a technology rises slowly, then fast,
/// then saturates — fitted by maximum likelihood to the monthly counts
/// (binomial: AI commits out of AI + human commits), so months with more
/// commits weigh more. It saturates at a ceiling that need not be 100%: a
/// team whose share has levelled off at 60% is not heading for all of its
/// commits (`fitCeiling`). With too few months to fit two parameters honestly it
/// falls back to an exponential trend. Every value comes with a 95% band from
/// the fit's own uncertainty; none is a bare point estimate.
public enum ShareTrendFit {
    public struct Point: Sendable, Equatable {
        /// Months since the first month of the series.
        public var t: Double
        public var successes: Int
        public var trials: Int

        public init(t: Double, successes: Int, trials: Int) {
            self.t = t
            self.successes = successes
            self.trials = trials
        }
    }

    public struct Fit: Sendable, Equatable {
        public enum Method: String, Sendable, Codable { case logistic, exponential }
        public var method: Method
        /// logit(share / ceiling) = a + b·t (logistic) or log(share) = a + b·t (exponential).
        public var a: Double
        public var b: Double
        /// Covariance of (a, b).
        public var covariance: [[Double]]
        /// How much more the months scatter about the curve than binomial
        /// chance allows (Pearson χ² / degrees of freedom, at least 1): the
        /// covariance is widened by it (quasi-binomial).
        public var dispersion = 1.0
        /// The variance of a single month's logit about the curve beyond its
        /// commits' own chance: months and repositories differ.
        public var monthVariance = 0.0
        /// The mean commits of a month with commits: a month ahead is expected
        /// to have as many, and their chance is part of its band.
        public var monthTrials = 0.0
        /// The share the logistic curve levels off at: 1 unless the months
        /// show, beyond their scatter, that it stops short (`fitCeiling`).
        /// The bands treat it as known.
        public var ceiling = 1.0
        /// Fits with other ceilings the months do not rule out; the
        /// prediction bands span theirs too.
        public var plausible: [Fit] = []

        /// The share at month `t`, with its 95% band.
        public func share(at t: Double) -> (value: Double, low: Double, high: Double) {
            let eta = a + b * t
            let variance = covariance[0][0] + 2 * t * covariance[0][1] + t * t * covariance[1][1]
            let half = 1.959963984540054 * max(0, variance).squareRoot()
            return band(eta, half)
        }

        /// Where the share of one month `ahead` months after the data may fall,
        /// 95%: the curve's own uncertainty widened by the dispersion, plus a
        /// month's scatter, growing with the horizon (trends drift).
        public func prediction(at t: Double, ahead: Double) -> (value: Double, low: Double, high: Double) {
            let eta = a + b * t
            let curve = (covariance[0][0] + 2 * t * covariance[0][1] + t * t * covariance[1][1]) * dispersion
            let scatter = monthVariance * (1 + max(0, ahead) / 3)
            let own: (value: Double, low: Double, high: Double)
            if method == .exponential {
                own = band(eta, 1.959963984540054 * max(0, curve + scatter).squareRoot())
            } else {
                // On the logit of the share itself, where a month may stray
                // above the ceiling; the curve's uncertainty carried over by
                // the slope of logit(share) in η (1 without a ceiling).
                let (mean, _) = ShareTrendFit.curve(eta, ceiling: ceiling)
                let slope = (1 - ShareTrendFit.logistic(eta)) / (1 - mean)
                let chance = monthTrials > 0 ? 1 / (monthTrials * mean * (1 - mean)) : 0
                let half = 1.959963984540054 * max(0, slope * slope * curve + scatter + chance).squareRoot()
                let centre = log(mean / (1 - mean))
                own = (mean, ShareTrendFit.logistic(centre - half), ShareTrendFit.logistic(centre + half))
            }
            return plausible.reduce(own) { union, other in
                let band = other.prediction(at: t, ahead: ahead)
                return (union.value, min(union.low, band.low), max(union.high, band.high))
            }
        }

        private func band(_ eta: Double, _ half: Double) -> (value: Double, low: Double, high: Double) {
            switch method {
            case .logistic:
                let curve = { ceiling * ShareTrendFit.logistic($0) }
                return (curve(eta), curve(eta - half), curve(eta + half))
            case .exponential:
                return (min(1, exp(eta)), min(1, exp(eta - half)), min(1, exp(eta + half)))
            }
        }

        /// The month at which the fitted share reaches `share`, or nil if it
        /// never does (it falls, or levels off below it).
        public func month(reaching share: Double) -> Double? {
            guard share > 0, share < 1, b > 0 else { return nil }
            switch method {
            case .logistic:
                guard share < ceiling else { return nil }
                let scaled = share / ceiling
                return (log(scaled / (1 - scaled)) - a) / b
            case .exponential: return (log(share) - a) / b
            }
        }
    }

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Maximum-likelihood logistic regression of the share on time, by
    /// iteratively reweighted least squares, the curve levelling off at
    /// `ceiling`. Nil when the data cannot identify a trend (fewer than two
    /// months, or no AI commit at all, or nothing but AI commits).
    public static func fitLogistic(_ points: [Point], ceiling: Double = 1) -> Fit? {
        let usable = points.filter { $0.trials > 0 }
        let successes = usable.reduce(0) { $0 + $1.successes }
        let trials = usable.reduce(0) { $0 + $1.trials }
        guard let first = usable.first?.t, usable.contains(where: { $0.t != first }), successes > 0, successes < trials else { return nil }
        let overall = min(max(Double(successes) / Double(trials) / ceiling, 1e-3), 1 - 1e-3)
        var a = log(overall / (1 - overall))
        var b = 0.0
        // The normal equations in locals, not arrays: a report's backtest makes
        // thousands of these fits, and an array per iteration was most of its time.
        var information = (w: 0.0, wt: 0.0, wtt: 0.0)
        for _ in 0..<100 {
            var (w0, wt, wtt, wz, wtz) = (0.0, 0.0, 0.0, 0.0, 0.0)
            for point in usable {
                let eta = a + b * point.t
                let (mean, slope) = curve(eta, ceiling: ceiling)
                let n = Double(point.trials)
                let w = n * slope * slope / (mean * (1 - mean))
                let z = eta + (Double(point.successes) / n - mean) / slope
                w0 += w
                wt += w * point.t
                wtt += w * point.t * point.t
                wz += w * z
                wtz += w * point.t * z
            }
            information = (w0, wt, wtt)
            let det = w0 * wtt - wt * wt
            guard abs(det) > 1e-12 else { return nil }
            let solved = ((wz * wtt - wt * wtz) / det, (w0 * wtz - wt * wz) / det)
            let change = abs(solved.0 - a) + abs(solved.1 - b)
            (a, b) = solved
            if change < 1e-10 { break }
        }
        let matrix = [[information.w, information.wt], [information.wt, information.wtt]]
        guard a.isFinite, b.isFinite, let covariance = invert(matrix) else { return nil }
        var fit = Fit(method: .logistic, a: a, b: b, covariance: covariance)
        fit.ceiling = ceiling
        (fit.dispersion, fit.monthVariance) = scatter(usable, fit: fit)
        fit.monthTrials = Double(trials) / Double(usable.count)
        return fit
    }

    /// The share K·logistic(η) and its slope in η, kept off 0 and 1.
    static func curve(_ eta: Double, ceiling: Double) -> (mean: Double, slope: Double) {
        let p = logistic(eta)
        return (min(max(ceiling * p, 1e-12), 1 - 1e-12), max(ceiling * p * (1 - p), 1e-12))
    }

    /// The logistic fit with the ceiling the months support: 100% unless a
    /// lower one fits them better by more than their scatter explains (a
    /// quasi-likelihood ratio test, 5%), found on a grid of whole percents.
    /// The ceilings the months do not rule out at that level are kept with
    /// it (`plausible`): a prediction band spans all of their bands.
    public static func fitCeiling(_ points: [Point]) -> Fit? {
        guard let full = fitLogistic(points) else { return nil }
        let usable = points.filter { $0.trials > 0 }
        func fits(_ ceilings: some Sequence<Double>) -> [(fit: Fit, likelihood: Double)] {
            ceilings.filter { $0 > 0 && $0 < 1 }.compactMap { ceiling in
                fitLogistic(usable, ceiling: ceiling).map { ($0, logLikelihood(usable, fit: $0)) }
            }.filter { $0.likelihood.isFinite }
        }
        var candidates = [(fit: full, likelihood: logLikelihood(usable, fit: full))] + fits(stride(from: 0.95, through: 0.05, by: -0.05))
        if let coarse = candidates.max(by: { $0.likelihood < $1.likelihood }), coarse.fit.ceiling < 1 {
            candidates += fits(stride(from: coarse.fit.ceiling - 0.05, through: coarse.fit.ceiling + 0.05, by: 0.01))
        }
        guard let best = candidates.max(by: { $0.likelihood < $1.likelihood }) else { return full }
        // Scaled by the scatter about the best curve, not about a worse one.
        let threshold = 3.841458820694124 * best.fit.dispersion
        // A ceiling is taken only where the months show the levelling off:
        // the curve has come within 80% of it by the last month.
        let last = usable.map(\.t).max() ?? 0
        let levelled = logistic(best.fit.a + best.fit.b * last) >= 0.8
        var chosen = levelled && 2 * (best.likelihood - candidates[0].likelihood) > threshold ? best.fit : full
        chosen.plausible = candidates.filter { $0.fit.ceiling != chosen.ceiling && 2 * (best.likelihood - $0.likelihood) <= threshold }
            .map(\.fit)
        return chosen
    }

    static func logLikelihood(_ points: [Point], fit: Fit) -> Double {
        points.reduce(0) { sum, point in
            let mean = curve(fit.a + fit.b * point.t, ceiling: fit.ceiling).mean
            return sum + Double(point.successes) * log(mean) + Double(point.trials - point.successes) * log(1 - mean)
        }
    }

    /// The dispersion and the between-month logit variance of `points` about
    /// `fit`, by the method of moments: each month's logit residual (its share
    /// kept off 0 and 1 by half a commit) less what its commits' binomial
    /// chance explains.
    static func scatter(_ points: [Point], fit: Fit) -> (dispersion: Double, monthVariance: Double) {
        var chiSquare = 0.0, excess = 0.0
        for point in points {
            let eta = fit.a + fit.b * point.t
            let p = curve(eta, ceiling: fit.ceiling).mean
            let n = Double(point.trials)
            chiSquare += pow(Double(point.successes) - n * p, 2) / (n * p * (1 - p))
            let observed = (Double(point.successes) + 0.5) / (n + 1)
            excess += pow(log(observed / (1 - observed)) - log(p / (1 - p)), 2) - 1 / (n * p * (1 - p))
        }
        let dispersion = max(1, chiSquare / Double(max(1, points.count - 2)))
        return (dispersion, max(0, excess / Double(max(1, points.count))))
    }

    /// How the forecast would have done on this history's own past: from
    /// each month with enough history before it — the last
    /// `backtestOrigins` of them — the months 1 to 6 ahead (those with at
    /// least 10 commits) are checked against the 95% prediction band of a
    /// fit that did not see them.
    /// Each origin is a fit of its own over the months before it: a century
    /// of monthly history (1,380 months) took 5 s to test from every month.
    /// Ten years of origins hold every history since AI tools wrote commits.
    public static let backtestOrigins = 120

    public static func backtest(_ points: [Point]) -> (checks: Int, inside: Int) {
        var checks = 0, inside = 0
        for origin in points.indices.suffix(backtestOrigins) {
            let seen = Array(points[...origin])
            guard seen.filter({ $0.trials > 0 }).count >= 4, let fit = fit(seen) else { continue }
            for target in points[(origin + 1)...].prefix(6) where target.trials >= 10 {
                let band = fit.prediction(at: target.t, ahead: target.t - points[origin].t)
                let share = Double(target.successes) / Double(target.trials)
                checks += 1
                if band.low <= share && share <= band.high { inside += 1 }
            }
        }
        return (checks, inside)
    }

    /// Weighted least squares of log(share) on time over the months with AI
    /// commits; the band uses the residual variance. Nil with fewer than two such months.
    public static func fitExponential(_ points: [Point]) -> Fit? {
        let usable = points.filter { $0.trials > 0 && $0.successes > 0 }
        guard Set(usable.map(\.t)).count >= 2 else { return nil }
        var xwx = [[0.0, 0.0], [0.0, 0.0]]
        var xwy = [0.0, 0.0]
        for point in usable {
            let w = Double(point.trials)
            let y = log(Double(point.successes) / Double(point.trials))
            xwx[0][0] += w
            xwx[0][1] += w * point.t
            xwx[1][1] += w * point.t * point.t
            xwy[0] += w * y
            xwy[1] += w * point.t * y
        }
        xwx[1][0] = xwx[0][1]
        guard let (a, b) = solve(xwx, xwy), let inverse = invert(xwx) else { return nil }
        var residual = 0.0
        for point in usable {
            let y = log(Double(point.successes) / Double(point.trials))
            residual += Double(point.trials) * pow(y - (a + b * point.t), 2)
        }
        let degrees = max(1, usable.count - 2)
        // With two months the residual is zero; a floor keeps the band honest.
        let sigma2 = max(residual / Double(degrees), 0.05 * xwx[0][0] / Double(usable.count))
        let covariance = inverse.map { $0.map { $0 * sigma2 } }
        var fit = Fit(method: .exponential, a: a, b: b, covariance: covariance)
        // A month's scatter about the line, on the log scale: the mean squared residual.
        fit.monthVariance = residual / max(1, xwx[0][0])
        return fit
    }

    /// The fit the report uses: logistic (with the ceiling the months
    /// support) with at least four months of data and two with AI commits;
    /// exponential otherwise.
    public static func fit(_ points: [Point]) -> Fit? {
        let months = points.filter { $0.trials > 0 }.count
        let aiMonths = points.filter { $0.successes > 0 }.count
        if months >= 4 && aiMonths >= 2, let logistic = fitCeiling(points) { return logistic }
        return fitExponential(points)
    }

    static func solve(_ m: [[Double]], _ v: [Double]) -> (Double, Double)? {
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        guard abs(det) > 1e-12 else { return nil }
        return ((v[0] * m[1][1] - m[0][1] * v[1]) / det, (m[0][0] * v[1] - m[1][0] * v[0]) / det)
    }

    static func invert(_ m: [[Double]]) -> [[Double]]? {
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        guard abs(det) > 1e-12 else { return nil }
        return [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
    }
}
