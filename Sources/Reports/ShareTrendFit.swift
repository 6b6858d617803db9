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
        return Fit(method: .logistic, a: a, b: b, covariance: covariance)
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
        return Fit(method: .exponential, a: a, b: b, covariance: covariance)
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
