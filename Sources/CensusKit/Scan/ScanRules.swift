import Attribution
import Synchronization

/// The rules scans attribute with: their summary at once, the classifier
/// only when a commit is to be attributed. Most scans of a nightly run find
/// nothing new, and building the classifier (decoding the whole catalogue)
/// was a third of such a scan's CPU (see `RulesSummary`).
final class ScanRules: Sendable {
    let summary: RulesSummary
    private let make: @Sendable () throws -> Classifier
    private let made: Mutex<Classifier?>

    /// Rules whose classifier `make` builds on first use.
    init(summary: RulesSummary, make: @escaping @Sendable () throws -> Classifier) {
        self.summary = summary
        self.make = make
        made = Mutex(nil)
    }

    /// Rules whose classifier is built already.
    init(_ classifier: Classifier) {
        summary = RulesSummary(classifier)
        make = { classifier }
        made = Mutex(classifier)
    }

    /// The classifier, built by the first caller; the others wait for it.
    func classifier() throws -> Classifier {
        try made.withLock { made in
            if let made { return made }
            let classifier = try make()
            made = classifier
            return classifier
        }
    }
}
