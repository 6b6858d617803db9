import Attribution
import CensusStore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("CensusStore: a real SQLite file, never overwritten when it is not ours")
struct StoreTests {
    let folder: URL

    init() throws { folder = try TemporaryFolder.make(prefix: "census-store") }

    var path: String { folder.appendingPathComponent("census.sqlite").path }

    @Test("a new store is created with its folders, in WAL mode, migrated")
    func createsStore() throws {
        let nested = folder.appendingPathComponent("a/b/census.sqlite").path
        let store = try SQLiteStore(path: nested)
        #expect(FileManager.default.fileExists(atPath: nested))
        #expect(try store.repositories().isEmpty)
        let queue = try DatabaseQueue(path: nested)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try queue.read { try $0.tableExists("commit_record") })
    }

    @Test("a file of random bytes is refused and left byte for byte as it was")
    func randomBytes() throws {
        var bytes = [UInt8](repeating: 0, count: 8192)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("opened random bytes")
        } catch {
            #expect(error.kind == .notSQLite)
            #expect(error.description.hasPrefix(path + ": "))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }

    @Test("another program's SQLite database is refused and not modified")
    func foreignDatabase() throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect { try SQLiteStore(path: path) } throws: { ($0 as? StoreError)?.kind == .notCensusDatabase }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a store written by a newer CommitCensus is refused, its data kept")
    func newerSchema() throws {
        do { _ = try SQLiteStore(path: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        try queue.close()
        #expect { try SQLiteStore(path: path) } throws: { ($0 as? StoreError)?.kind == .newerSchema }
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.contains("v99: from the future"))
    }

    @Test("a truncated store is reported as corrupt, not replaced")
    func truncated() throws {
        do {
            let store = try SQLiteStore(path: path)
            let repository = try store.repository(at: "/r", name: "r", isBare: false, isShallow: false)
            let verdict = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
            try store.insert((0..<3000).map {
                CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", $0), verdict: verdict, authorName: "A",
                             authorEmail: "a@x", authoredAt: 0, authorOffset: 0, committerName: "A", committerEmail: "a@x",
                             committedAt: 0, committerOffset: 0, subject: String(repeating: "s", count: 200), parentCount: 1)
            })
        }
        let checkpoint = try DatabaseQueue(path: path)
        try checkpoint.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try checkpoint.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = full.prefix(full.count / 2)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        try cut.write(to: URL(fileURLWithPath: path))
        var failed = false
        do {
            let reopened = try SQLiteStore(path: path)
            _ = try reopened.tally(CommitFilter())
        } catch {
            failed = true
            #expect([.corrupt, .other, .notSQLite].contains(error.kind), "\(error)")
        }
        #expect(failed, "a store cut in half must not read as valid")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == cut)
    }

    @Test("inserting the same commits twice stores them once")
    func idempotentInsert() throws {
        let store = try SQLiteStore(path: path)
        let repository = try store.repository(at: "/r", name: "r", isBare: false, isShallow: false)
        let verdict = Verdict(commitClass: .ai, confidence: .attested, mode: .assisted, tools: ["claude-code", "cursor"], evidence: [])
        let records = (0..<10).map {
            CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", $0), verdict: verdict, authorName: "A",
                         authorEmail: "a@x", authoredAt: 1_700_000_000, authorOffset: 0, committerName: "A",
                         committerEmail: "a@x", committedAt: 1_700_000_000, committerOffset: 0, subject: "s", parentCount: 1)
        }
        try store.insert(records)
        try store.insert(records)
        let tally = try store.tally(CommitFilter())
        #expect(tally.commits == 10)
        #expect(tally.ai == 10)
        let tools = try store.toolTallies(CommitFilter())
        #expect(tools.map(\.tool) == ["claude-code", "cursor"])
        #expect(tools.map(\.commits) == [10, 10])
    }

    @Test("a checkpoint while another connection writes copies committed pages and loses nothing")
    func checkpointWhileWriting() throws {
        let store = try SQLiteStore(path: path)
        let repository = try store.repository(at: "/r", name: "r", isBare: false, isShallow: false)
        let verdict = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
        func batch(_ range: Range<Int>) -> [CommitRecord] {
            range.map {
                CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", $0), verdict: verdict, authorName: "A",
                             authorEmail: "a@x", authoredAt: Int64($0), authorOffset: 0, committerName: "A", committerEmail: "a@x",
                             committedAt: Int64($0), committerOffset: 0, subject: String(repeating: "s", count: 100), parentCount: 1)
            }
        }
        try store.insert(batch(0..<2000))
        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        // Checkpoints run over and over on their own thread while batches are written.
        let writing = Mutex(true)
        let checkpoints = Mutex(0)
        let thread = Thread {
            while writing.withLock({ $0 }) {
                store.checkpointWhileWriting()
                checkpoints.withLock { $0 += 1 }
            }
        }
        thread.start()
        for start in stride(from: 2000, to: 20000, by: 2000) { try store.insert(batch(start..<(start + 2000))) }
        writing.withLock { $0 = false }
        while checkpoints.withLock({ $0 }) == 0 { usleep(1000) }
        store.checkpointWhileWriting()
        // Pages reached the database file before any connection closed.
        let after = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(after > before)
        #expect(try store.tally(CommitFilter()).commits == 20000)
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM commit_record") } == 20000)
    }

    @Test("every column reads back as written: NULLs, empty and non-ASCII text, large values, tools")
    func insertedColumnsReadBack() throws {
        let store = try SQLiteStore(path: path)
        let repository = try store.repository(at: "/r", name: "r", isBare: false, isShallow: false)
        let ai = Verdict(commitClass: .ai, confidence: .attested, mode: .agent, tools: ["claude-code", "codex"],
                         evidence: [Evidence(rule: "r", kind: .marker, tool: "codex", indicates: .ai, confidence: .attested,
                                             matched: "🤖 Généré", counts: true)],
                         person: Person(name: "Zoë Ünïcode", email: "ZOE@Example.com"))
        let human = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
        var records: [CommitRecord] = []
        for index in 0..<300 {
            var record = CommitRecord(
                repositoryId: repository.id!, sha: String(format: "%040x", index), verdict: index % 3 == 0 ? ai : human,
                authorName: index % 2 == 0 ? "" : "Ann \u{1F600} \(index)", authorEmail: "a\(index)@x",
                authoredAt: Int64(index) * 1_000_003, authorOffset: index % 5 == 0 ? -330 : 120,
                committerName: "C", committerEmail: "", committedAt: Int64.max - Int64(index), committerOffset: 0,
                subject: index == 7 ? String(repeating: "ß", count: 50_000) : "subject \(index)", parentCount: index % 4,
                linesAdded: index % 2 == 0 ? nil : index, linesDeleted: index % 2 == 0 ? nil : 0)
            if index % 7 == 0 { record.aiLines = 0 }
            records.append(record)
        }
        try store.insert(records)
        let stored = try store.commits(repositoryID: repository.id!, shas: records.map(\.sha))
        #expect(stored.count == records.count)
        let bySha = Dictionary(uniqueKeysWithValues: stored.map { ($0.sha, $0) })
        for record in records {
            var read = try #require(bySha[record.sha])
            #expect(read.id != nil)
            read.id = nil
            #expect(read == record, "\(record.sha)")
        }
        #expect(try store.toolTallies(CommitFilter()).map(\.tool) == ["claude-code", "codex"])
    }

    @Test("a commit encoded directly is encoded as its CommitRecord is")
    func directEncodingMatchesRecords() {
        let verdicts = [
            Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: []),
            Verdict(commitClass: .ai, confidence: .inferred, mode: .assisted, tools: ["cursor"],
                    evidence: [Evidence(rule: "x", kind: .marker, tool: "cursor", indicates: .ai, confidence: .inferred, matched: "m", counts: true)],
                    person: Person(name: "Ann", email: "Ann.Lee@Example.COM")),
            Verdict(commitClass: .bot, confidence: .attested, mode: nil, tools: [], evidence: [],
                    person: Person(name: "Émile", email: "ÉMILE@Exemple.FR")),
        ]
        var direct = EncodedCommits(), viaRecords = EncodedCommits()
        for (index, verdict) in verdicts.enumerated() {
            var withLines = verdict
            withLines.aiLines = index == 1 ? 12 : nil
            direct.append(repositoryId: 3, sha: "s\(index)", verdict: withLines, authorName: "A \(index)", authorEmail: "a@x",
                          authoredAt: 100 + Int64(index), authorOffset: -60, committerName: "C", committerEmail: "c@x",
                          committedAt: 200, committerOffset: 30, subject: "subject", parentCount: index, reachable: index != 2)
            viaRecords.append(CommitRecord(repositoryId: 3, sha: "s\(index)", verdict: withLines, authorName: "A \(index)", authorEmail: "a@x",
                                           authoredAt: 100 + Int64(index), authorOffset: -60, committerName: "C", committerEmail: "c@x",
                                           committedAt: 200, committerOffset: 30, subject: "subject", parentCount: index,
                                           reachable: index != 2))
        }
        #expect(direct == viaRecords)
        #expect(direct.count == 3)
    }

    @Test("a batch of megabyte names says it is full long before its offsets could overflow, and stores")
    func largeTextBatches() throws {
        let store = try SQLiteStore(path: path)
        let repository = try store.repository(at: "/r", name: "r", isBare: false, isShallow: false)
        let verdict = Verdict(commitClass: .human, confidence: nil, mode: nil, tools: [], evidence: [])
        let name = String(repeating: "n", count: 1 << 20)
        var batch = EncodedCommits()
        var records: [CommitRecord] = []
        while !batch.isFull {
            let record = CommitRecord(repositoryId: repository.id!, sha: String(format: "%040x", records.count), verdict: verdict,
                                      authorName: name, authorEmail: "a@x", authoredAt: 0, authorOffset: 0, committerName: "C",
                                      committerEmail: "c@x", committedAt: 0, committerOffset: 0, subject: "s", parentCount: 1)
            batch.append(record)
            records.append(record)
        }
        #expect(batch.count == 64)
        try store.insert(batches: [batch])
        let stored = try store.commits(repositoryID: repository.id!, shas: records.map(\.sha))
        #expect(stored.count == 64 && stored.allSatisfy { $0.authorName.utf8.count == 1 << 20 })
    }
}

