import Attribution

/// CommitCensus's version, in one place: `census --version`, `censusd`'s
/// build info and `make deb` (which reads the line below) all take it from here.
public enum CensusVersion {
    public static let current = "0.2.0"

    /// `0.2.0 (catalogue 2026.11.29.2)`: what a person quotes in a report of a problem.
    public static var description: String { "\(current) (catalogue \(Catalogue.bundledVersion))" }
}
