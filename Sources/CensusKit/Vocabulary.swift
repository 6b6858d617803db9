import Attribution
import CensusStore
import Reports

// The values CensusKit's use cases take and give, named here so that a front
// end (census, censusd, the HTTP server) needs CensusKit alone. They stay the
// engine modules' own types — one definition each — and a front end reads
// them, never the modules that make them: nothing here opens a repository
// or a store.

/// A report of a scope: every figure `census report` and /api/v1/summary show.
public typealias Report = Reports.Report
/// How a report is made: interval, time zone, teams, minimum group, market.
public typealias ReportOptions = Reports.ReportOptions
/// Trend periods: week or month.
public typealias Interval = CensusStore.Interval
/// Which date places a commit in a period: author or committer.
public typealias CommitDateField = CensusStore.CommitFilter.DateField
/// ai, human or bot.
public typealias CommitClass = Attribution.CommitClass
/// One commit as `census commits` and /api/v1/commits show it.
public typealias CommitLine = Reports.CommitLine
/// table, json, ndjson or csv.
public typealias CommitListFormat = Reports.CommitListFormat
/// One scanned repository as `census repos` and /api/v1/repos show it.
public typealias RepositoryEntry = Reports.RepositoryEntry
/// Hostile text made safe for a terminal, HTML or CSV.
public typealias Sanitize = Reports.Sanitize
/// Why the store refused a request, with a `kind`.
public typealias StoreError = CensusStore.StoreError
/// The signal catalogue: identities and rules.
public typealias Catalogue = Attribution.Catalogue
/// Percentages and amounts as every report writes them.
public typealias Formatting = Reports.Formatting
/// `census explain`'s answer for one commit, and its text.
public typealias ExplainedCommit = Reports.ExplainedCommit
public typealias ExplanationText = Reports.ExplanationText
/// `census rules` as tables or JSON.
public typealias CatalogueText = Reports.CatalogueText
