import Foundation

/// What a scan did to one repository.
public struct ScanOutcome: Sendable {
    public enum Status: String, Sendable {
        /// New commits were read (or the first scan completed).
        case scanned
        /// HEAD had not moved and the catalogue had not changed: nothing was read.
        case upToDate
        /// The repository has no commit yet.
        case empty
        /// Another collector holds the repository's lease (it is scanning it): nothing was read.
        case scannedElsewhere
    }

    public var path: String
    public var status: Status
    public var newCommits = 0
    public var reclassified = 0
    public var lineStatsComputed = 0
    /// Stored verdicts given the evidence of an AI tool's branch after they
    /// were stored, before the scan was published: commits an earlier scan
    /// stored, which a merge made since brought in. The walks read every
    /// commit after all its children, so the scan's own commits get the
    /// evidence as they are first stored: 0 for them.
    public var branchEvidenceAfterStoring = 0
    /// Things the user should know that are not failures (shallow clone, detached HEAD).
    public var notices: [String] = []
}

/// Progress of a running scan, for a terminal.
public struct ScanProgress: Sendable {
    public var path: String
    public var phase: String
    public var done: Int
    public var elapsed: TimeInterval
    /// How many there are in all, when known before the end (line counts),
    /// or estimated (a scan's commits: see `totalIsEstimate`).
    public var total: Int?
    /// True when `total` is an estimate, which the count may pass.
    public var totalIsEstimate: Bool

    public init(path: String, phase: String, done: Int, elapsed: TimeInterval, total: Int? = nil, totalIsEstimate: Bool = false) {
        self.path = path
        self.phase = phase
        self.done = done
        self.elapsed = elapsed
        self.total = total
        self.totalIsEstimate = totalIsEstimate
    }

    /// Items a second so far.
    public var rate: Double { elapsed > 0 ? Double(done) / elapsed : 0 }

    /// Seconds left at the rate so far, while the total is ahead of the count.
    public var remaining: TimeInterval? {
        guard let total, done > 0, rate > 0, done <= total else { return nil }
        return Double(total - done) / rate
    }

    /// The status line a terminal shows: `git: commits 2500 of about 85400
    /// (25243/s, about 3 s left)`; an estimate is rounded to three figures,
    /// and dropped once the count passes it.
    public var line: String {
        var line = "\(path): \(phase) \(done)"
        if let total, done <= total {
            line += totalIsEstimate ? " of about \(Self.roughly(total))" : "/\(total)"
        }
        line += " (\(Int(rate))/s"
        if let remaining { line += ", about \(Self.duration(remaining)) left" }
        return line + ")"
    }

    /// `count` to three significant figures: an estimate shown as one.
    static func roughly(_ count: Int) -> Int {
        var scale = 1
        while count / scale >= 1000 { scale *= 10 }
        return (count + scale / 2) / scale * scale
    }

    /// `45 s`, `3 min`, `1 h 20 min`: an estimate, so coarse.
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\((whole + 30) / 60) min" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }
}
