import Foundation

/// Fits how the monthly AI share moves and where it is heading.
///
/// The model is logistic — adoption of a technology rises slowly, then fast,
/// then saturates — fitted by maximum likelihood to the monthly counts
/// (binomial: AI commits out of AI + human commits), so months with more
/// commits weigh more. With too few months to fit two parameters honestly it
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
        /// logit(share) = a + b·t (logistic) or log(share) = a + b·t (exponential).
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

        /// The share at month `t`, with its 95% band.
        public func share(at t: Double) -> (value: Double, low: Double, high: Double) {
            let eta = a + b * t
            let variance = covariance[0][0] + 2 * t * covariance[0][1] + t * t * covariance[1][1]
            let half = 1.959963984540054 * max(0, variance).squareRoot()
            switch method {
            case .logistic:
                return (ShareTrendFit.logistic(eta), ShareTrendFit.logistic(eta - half), ShareTrendFit.logistic(eta + half))
            case .exponential:
                return (min(1, exp(eta)), min(1, exp(eta - half)), min(1, exp(eta + half)))
            }
        }

        /// Where the share of one month `ahead` months after the data may fall,
        /// 95%: the curve's own uncertainty widened by the dispersion, plus a
        /// month's scatter, growing with the horizon (trends drift).
        public func prediction(at t: Double, ahead: Double) -> (value: Double, low: Double, high: Double) {
            let eta = a + b * t
            let curve = (covariance[0][0] + 2 * t * covariance[0][1] + t * t * covariance[1][1]) * dispersion
            let half = 1.959963984540054 * max(0, curve + monthVariance * (1 + max(0, ahead) / 3)).squareRoot()
            switch method {
            case .logistic:
                return (ShareTrendFit.logistic(eta), ShareTrendFit.logistic(eta - half), ShareTrendFit.logistic(eta + half))
            case .exponential:
                return (min(1, exp(eta)), min(1, exp(eta - half)), min(1, exp(eta + half)))
            }
        }

        /// The month at which the fitted share reaches `share`, or nil if it never does.
        public func month(reaching share: Double) -> Double? {
            guard share > 0, share < 1, b > 0 else { return nil }
            switch method {
            case .logistic: return (log(share / (1 - share)) - a) / b
            case .exponential: return (log(share) - a) / b
            }
        }
    }

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Maximum-likelihood logistic regression of the share on time, by
    /// iteratively reweighted least squares. Nil when the data cannot
    /// identify a trend (fewer than two months, or no AI commit at all, or
    /// nothing but AI commits).
    public static func fitLogistic(_ points: [Point]) -> Fit? {
        let usable = points.filter { $0.trials > 0 }
        let successes = usable.reduce(0) { $0 + $1.successes }
        let trials = usable.reduce(0) { $0 + $1.trials }
        guard Set(usable.map(\.t)).count >= 2, successes > 0, successes < trials else { return nil }
        var a = log(Double(successes) / Double(trials - successes))
        var b = 0.0
        var information = [[0.0, 0.0], [0.0, 0.0]]
        for _ in 0..<100 {
            var xwx = [[0.0, 0.0], [0.0, 0.0]]
            var xwz = [0.0, 0.0]
            for point in usable {
                let eta = a + b * point.t
                let p = min(max(logistic(eta), 1e-12), 1 - 1e-12)
                let n = Double(point.trials)
                let w = n * p * (1 - p)
                let y = Double(point.successes) / n
                let z = eta + (y - p) / (p * (1 - p))
                xwx[0][0] += w
                xwx[0][1] += w * point.t
                xwx[1][1] += w * point.t * point.t
                xwz[0] += w * z
                xwz[1] += w * point.t * z
            }
            xwx[1][0] = xwx[0][1]
            information = xwx
            guard let solved = solve(xwx, xwz) else { return nil }
            let change = abs(solved.0 - a) + abs(solved.1 - b)
            (a, b) = solved
            if change < 1e-10 { break }
        }
        guard a.isFinite, b.isFinite, let covariance = invert(information) else { return nil }
        var fit = Fit(method: .logistic, a: a, b: b, covariance: covariance)
        (fit.dispersion, fit.monthVariance) = scatter(usable, a: a, b: b)
        return fit
    }

    /// The dispersion and the between-month logit variance of `points` about
    /// logit(share) = a + b·t, by the method of moments: each month's logit
    /// residual (its share kept off 0 and 1 by half a commit) less what its
    /// commits' binomial chance explains.
    static func scatter(_ points: [Point], a: Double, b: Double) -> (dispersion: Double, monthVariance: Double) {
        var chiSquare = 0.0, excess = 0.0
        for point in points {
            let p = min(max(logistic(a + b * point.t), 1e-9), 1 - 1e-9)
            let n = Double(point.trials)
            chiSquare += pow(Double(point.successes) - n * p, 2) / (n * p * (1 - p))
            let observed = (Double(point.successes) + 0.5) / (n + 1)
            excess += pow(log(observed / (1 - observed)) - (a + b * point.t), 2) - 1 / (n * p * (1 - p))
        }
        let dispersion = max(1, chiSquare / Double(max(1, points.count - 2)))
        return (dispersion, max(0, excess / Double(max(1, points.count))))
    }

    /// How the forecast would have done on this history's own past: from
    /// each month with enough history before it, the months 1 to 6 ahead
    /// (those with at least 10 commits) are checked against the 95%
    /// prediction band of a fit that did not see them.
    public static func backtest(_ points: [Point]) -> (checks: Int, inside: Int) {
        var checks = 0, inside = 0
        for origin in points.indices {
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

    /// The fit the report uses: logistic with at least four months of data and
    /// two with AI commits; exponential otherwise.
    public static func fit(_ points: [Point]) -> Fit? {
        let months = points.filter { $0.trials > 0 }.count
        let aiMonths = points.filter { $0.successes > 0 }.count
        if months >= 4 && aiMonths >= 2, let logistic = fitLogistic(points) { return logistic }
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
