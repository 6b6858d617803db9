import Attribution
import Benchmark
import CensusStore
import Foundation
import Reports

/// Messages shaped like real history: a plain one-liner, a body with a
/// Signed-off-by, an AI-assisted commit, and a squash body with trailers.
let messages = [
    "Fix typo in README\n",
    "Refactor the parser state machine\n\nSplit the tokenizer from the reader so that errors carry positions.\nAdd tests for the edge cases.\n\nSigned-off-by: Ada Lovelace <ada@example.com>\n",
    "Add tokenizer\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    "Add search endpoint (#51)\n\n* Add search endpoint\n* Fix tests\n\n---------\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\nCo-authored-by: Bob Chen <bob@example.com>\n",
]

let benchmarks: @Sendable () -> Void = {
    let classifier = Classifier(catalogue: try! Catalogue.bundled())

    Benchmark("parse + classify one commit", configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], scalingFactor: .kilo)) { benchmark in
        for index in benchmark.scaledIterations {
            let message = messages[index % messages.count]
            blackHole(classifier.classify(CommitFacts(
                authorName: "Ada Lovelace", authorEmail: "ada@example.com", committerName: "Ada Lovelace",
                committerEmail: "ada@example.com", message: message, parentCount: 1)))
        }
    }

    Benchmark("insert a batch of 2,000 commits", configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 20)) { benchmark in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("census-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        let repository = try store.repository(at: "/bench", name: "bench", isBare: false, isShallow: false)
        let verdict = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
        var next = 0
        for _ in benchmark.scaledIterations {
            let batch = (0..<2000).map { offset -> CommitRecord in
                CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", next + offset), verdict: verdict,
                             authorName: "Ada", authorEmail: "ada@example.com", authoredAt: 1_700_000_000 + Int64(next + offset),
                             authorOffset: 0, committerName: "Ada", committerEmail: "ada@example.com",
                             committedAt: 1_700_000_000, committerOffset: 0, subject: "Change", parentCount: 1)
            }
            next += 2000
            benchmark.startMeasurement()
            try store.insert(batch)
            benchmark.stopMeasurement()
        }
    }

    Benchmark("report over 100,000 stored commits", configuration: .init(metrics: [.wallClock], maxIterations: 10)) { benchmark in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("census-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("census.sqlite").path)
        let repository = try store.repository(at: "/bench", name: "bench", isBare: false, isShallow: false)
        let ai = Verdict(commitClass: .ai, confidence: .attested, mode: .assisted, tools: ["claude-code"], evidence: [],
                         person: Person(name: "Ada", email: "ada@example.com"))
        let human = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [],
                            person: Person(name: "Bob", email: "bob@example.com"))
        for start in stride(from: 0, to: 100_000, by: 5000) {
            try store.insert((start..<start + 5000).map { index in
                CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", index), verdict: index % 10 == 0 ? ai : human,
                             authorName: "Ada", authorEmail: "ada@example.com", authoredAt: 1_600_000_000 + Int64(index) * 600,
                             authorOffset: 0, committerName: "Ada", committerEmail: "ada@example.com",
                             committedAt: 1_600_000_000 + Int64(index) * 600, committerOffset: 0, subject: "Change", parentCount: 1)
            })
        }
        try store.completeScan(repositoryID: repository.id!, head: nil, headBranch: nil, catalogueVersion: "bench",
                               reachable: nil, newlyReachable: [])
        // Only the reports are measured, not filling the store.
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try ReportBuilder(store: store, filter: CommitFilter(), options: ReportOptions()).build())
        }
        benchmark.stopMeasurement()
    }
}
