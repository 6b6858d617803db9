/// What a scan compares before it knows whether a repository has anything
/// new: the rules' fingerprint (stored with every scan), the notes refs whose
/// tips it compares, and the agent configuration files that date an adoption.
///
/// Building a `Classifier` decodes the whole catalogue — a third of the CPU of
/// a scan that then finds nothing new — so the bundled catalogue's summary is
/// also kept ready-made (`Catalogue.bundledSummary`), and the classifier is
/// built only when a commit is to be attributed.
public struct RulesSummary: Sendable, Equatable {
    public var fingerprint: String
    public var notesRefs: [String]
    public var agentConfigurationPaths: [String]

    public init(fingerprint: String, notesRefs: [String], agentConfigurationPaths: [String]) {
        self.fingerprint = fingerprint
        self.notesRefs = notesRefs
        self.agentConfigurationPaths = agentConfigurationPaths
    }

    /// The summary of the rules `classifier` applies.
    public init(_ classifier: Classifier) {
        self.init(fingerprint: classifier.fingerprint, notesRefs: classifier.catalogue.notesRefs,
                  agentConfigurationPaths: (classifier.catalogue.agentConfigurations ?? []).map(\.path))
    }
}

extension Catalogue {
    /// The bundled catalogue's summary without decoding it: the one written
    /// in `BundledCatalogueSummary` when the embedded catalogue is the one it
    /// was made from (its digest says), else nil — the catalogue was edited
    /// and the summary not made again, which a test of AttributionTests fails on.
    public static var bundledSummary: RulesSummary? {
        guard StableHash.fnv1a(EmbeddedCatalogue.json.utf8) == BundledCatalogueSummary.catalogueDigest else { return nil }
        return BundledCatalogueSummary.summary
    }

    /// The text of `BundledCatalogueSummary.swift` for the embedded catalogue
    /// as it is: what the test compares with, and prints when they differ.
    static func bundledSummarySource() throws -> String {
        let summary = RulesSummary(Classifier(catalogue: try bundled()))
        // `String(reflecting:)` writes a string as a Swift literal, quotes and escapes included.
        func list(_ items: [String]) -> String { "[" + items.map { String(reflecting: $0) }.joined(separator: ", ") + "]" }
        return """
            // Made from Catalogue/signatures.json by `Catalogue.bundledSummarySource()`. When the catalogue
            // changes, AttributionTests' "bundled summary" test fails; make this file again with
            // `CENSUS_WRITE_SUMMARY=1 swift test --filter bundledSummary`.
            enum BundledCatalogueSummary {
                static let catalogueDigest: UInt64 = 0x\(String(StableHash.fnv1a(EmbeddedCatalogue.json.utf8), radix: 16))
                static let summary = RulesSummary(
                    fingerprint: \(String(reflecting: summary.fingerprint)),
                    notesRefs: \(list(summary.notesRefs)),
                    agentConfigurationPaths: \(list(summary.agentConfigurationPaths)))
            }

            """
    }
}
