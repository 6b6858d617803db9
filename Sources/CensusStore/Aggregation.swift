import Attribution
import Foundation
internal import GRDB
internal import GRDBSQLite

/// Every figure of a report from one pass over the commits in scope.
///
/// The separate aggregate queries (`tally`, `repositoryTallies`,
/// `periodTallies`, …) each read every commit in scope again, and their
/// distinct-person counts build a temporary b-tree each: over a million
/// commits a report took about ten seconds. Here SQLite streams each commit
/// once, as integers and short texts bound to no Swift object, and the
/// figures are summed in memory; each person's teams are decided once
/// (`TeamMembership`: SQLite's GLOB written in Swift, the semantics of
/// `CommitFilter.people`).
public struct Aggregation: Sendable {
    /// A set of periods to cut the commits into (`start` inclusive, `end` exclusive).
    public typealias Periods = [(label: String, start: Int64, end: Int64)]

    public var tally = Tally()
    /// Per repository. A team's from PostgreSQL's rollups holds what a report
    /// shows of each: commits, merges, AI, human and bot commits, people.
    public var repositories: [Int64: Tally] = [:]
    public var teams: [String: Tally] = [:]
    /// One dictionary per period set asked for, by period label.
    public var periods: [[String: Tally]] = []
    /// Non-merge AI commits per period and tool, per period set.
    public var periodTools: [[String: [String: Int]]] = []
    /// Non-merge AI commits per repository and tool (not for a team from PostgreSQL's rollups: no report shows them).
    public var repositoryTools: [Int64: [String: Int]] = [:]
    /// Non-merge AI commits per tool, most first (a commit with two tools counts for both).
    public var tools: [(tool: String, commits: Int, attested: Int, lines: Int)] = []
    /// Per person (non-merge, non-bot commits), most active first.
    public var people: [(email: String, name: String, commits: Int, ai: Int)] = []
    /// Per period set asked for: in how many of its periods each person (by
    /// e-mail) made a non-bot commit — how much of the time they work here.
    public var activePeriods: [[String: Int]] = []
    /// Non-merge AI and human commits made by people at or after their own
    /// first AI commit in scope: their exposure to AI, not AI.
    public var adopterCommits = 0

    package init() {}
}

extension SQLiteStore {
    /// Stores with more rows than this are aggregated in two halves at once.
    public nonisolated(unsafe) static var parallelAggregationRows: Int64 = 100_000

    /// The figures of `filter`'s commits: overall, per repository, per team
    /// (each team's people patterns on top of the filter), per period of each
    /// set in `periodSets`, per tool and per person.
    public func aggregate(_ filter: CommitFilter, periodSets: [Aggregation.Periods] = [],
                          teams: [String: [String]] = [:]) throws(StoreError) -> Aggregation {
        let aggregator = Aggregator(filter: filter, periodSets: periodSets, teams: teams)
        let rows: (low: Int64, high: Int64)? = try read { db in
            let row = try GRDB.Row.fetchOne(db, sql: "SELECT MIN(id), MAX(id) FROM commit_record")
            guard let low: Int64 = row?[0], let high: Int64 = row?[1] else { return nil }
            return (low, high)
        }
        // A large store is read in two halves at once, on two read
        // connections (WAL lets readers run side by side), and merged: the
        // pass is bound by SQLite decoding rows, which one core does at about
        // a million a second.
        guard let rows, rows.high - rows.low > Self.parallelAggregationRows, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return try read { db in try aggregator.pass(db).finished(periodSets: aggregator.periodSets, teams: aggregator.teams) }
        }
        let middle = rows.low + (rows.high - rows.low) / 2
        let halves = [rows.low...middle, (middle + 1)...rows.high]
        let partials = UnsafeMutableBufferPointer<Result<Aggregator.Partial, StoreError>?>.allocate(capacity: 2)
        partials.initialize(repeating: nil)
        defer { partials.deinitialize(); partials.deallocate() }
        nonisolated(unsafe) let results = partials
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            do throws(StoreError) {
                let partial = try read { db in try aggregator.pass(db, rows: halves[index]) }
                results[index] = .success(partial)
            } catch {
                results[index] = .failure(error)
            }
        }
        var first = try partials[0]!.get()
        let second = try partials[1]!.get()
        // The halves are two read transactions: a scan completing between them
        // would mix its before and after. Then the pass is made again as one.
        guard first.visibleState == second.visibleState else {
            return try read { db in try aggregator.pass(db).finished(periodSets: aggregator.periodSets, teams: aggregator.teams) }
        }
        first.merge(second)
        return first.finished(periodSets: aggregator.periodSets, teams: aggregator.teams)
    }
}

/// Distinct people of a group, by interned id: a bit each.
struct PersonBits {
    func forEach(_ body: (Int32) -> Void) {
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                body(Int32(index * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
    }

    private var words: [UInt64] = []
    private(set) var count = 0

    @inline(__always)
    mutating func insert(_ person: Int32) {
        let word = Int(person) >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        let bit = UInt64(1) << UInt64(person & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }
}

/// The running sums of one group of commits; distinct people by interned id.
struct TallyBuilder {
    var tally = Tally()
    var active = PersonBits()
    var aiPeople = PersonBits()

    @inline(__always)
    mutating func add(_ row: borrowing Aggregator.Row) {
        if row.isMerge { tally.merges += 1; return }
        tally.commits += 1
        if row.hasLines { tally.commitsWithLines += 1 }
        switch row.commitClass {
        case .ai:
            tally.ai += 1
            if let source = row.source { tally[keyPath: Tally.aiCommits(from: source)] += 1 }
            if row.attested { tally.aiAttested += 1 } else if row.inferred { tally.aiInferred += 1 }
            if row.agent { tally.aiAgent += 1 } else if row.assisted { tally.aiAssisted += 1 }
            if let lines = row.lines {
                if let attestedAI = row.aiLines {
                    let ai = min(attestedAI, row.added)
                    let untracked = row.untracked(besidesAI: ai)
                    tally.linesAI += ai
                    tally.linesUntracked += untracked
                    tally.linesHuman += lines - ai - untracked
                } else {
                    tally.linesAI += lines
                }
            }
            if row.person >= 0 { active.insert(row.person); aiPeople.insert(row.person) }
        case .human:
            tally.human += 1
            if let lines = row.lines {
                let untracked = row.untracked(besidesAI: 0)
                tally.linesUntracked += untracked
                tally.linesHuman += lines - untracked
            }
            if row.person >= 0 { active.insert(row.person) }
        case .bot:
            tally.bot += 1
            if let lines = row.lines { tally.linesBot += lines }
        case .other:
            if row.person >= 0 { active.insert(row.person) }
        }
    }

    /// Adds another pass's sums; `remap` turns its person ids into ours.
    mutating func merge(_ other: TallyBuilder, _ remap: [Int32]) {
        for field in Tally.summedFields { tally[keyPath: field] += other.tally[keyPath: field] }
        other.active.forEach { active.insert(remap[Int($0)]) }
        other.aiPeople.forEach { aiPeople.insert(remap[Int($0)]) }
    }

    func finished() -> Tally {
        var result = tally
        result.activeAuthors = active.count
        result.aiAuthors = aiPeople.count
        return result
    }
}

struct Aggregator {
    enum RowClass { case ai, human, bot, other }

    /// One commit as the pass sees it.
    struct Row: ~Copyable {
        var repository: Int64 = 0
        var time: Int64 = 0
        var isMerge = false
        var commitClass = RowClass.other
        var attested = false
        var inferred = false
        var agent = false
        var assisted = false
        var hasLines = false
        var added = 0
        var lines: Int?
        var aiLines: Int?
        /// Lines git-ai's notes attest to people (then the rest of the added lines are untracked).
        var humanLines: Int?
        /// Interned person, -1 for none.
        var person: Int32 = -1
        /// The strongest kind of evidence of an AI commit.
        var source: EvidenceSource?

        /// The verdict's columns, from their first bytes and the mode's text.
        @inline(__always)
        mutating func decode(class first: UInt8, confidence: UInt8, mode: UnsafeBufferPointer<UInt8>) {
            commitClass = switch first {
            case UInt8(ascii: "a"): .ai
            case UInt8(ascii: "h"): .human
            case UInt8(ascii: "b"): .bot
            default: .other
            }
            attested = confidence == UInt8(ascii: "a")
            inferred = confidence == UInt8(ascii: "i")
            agent = mode.count == 5 && mode.first == UInt8(ascii: "a") && mode.last == UInt8(ascii: "t")
            assisted = mode.count == 8 && mode.first == UInt8(ascii: "a")
        }

        /// Line counts, when the commit has them (`added` not NULL).
        @inline(__always)
        mutating func decodeLines(added: Int64, deleted: Int64?, aiLines: Int64?, humanLines: Int64?) {
            hasLines = true
            self.added = Int(added)
            if let deleted { lines = self.added + Int(deleted) }
            if let aiLines, lines != nil { self.aiLines = Int(aiLines) }
            if let humanLines, lines != nil { self.humanLines = Int(humanLines) }
        }

        /// Added lines of a commit with git-ai notes that no key of them covers; 0 without notes.
        @inline(__always)
        func untracked(besidesAI ai: Int) -> Int {
            guard let humanLines else { return 0 }
            return max(0, added - ai - min(humanLines, added - ai))
        }
    }

    let filter: CommitFilter
    let periodSets: [Aggregation.Periods]
    let teams: [(name: String, patterns: [String])]

    init(filter: CommitFilter, periodSets: [Aggregation.Periods], teams: [String: [String]]) {
        self.filter = filter
        self.periodSets = periodSets.map { $0.sorted { $0.start < $1.start } }
        self.teams = teams.keys.sorted().map { ($0, teams[$0] ?? []) }
    }

    /// The sums over one range of rows (all rows when `rows` is nil).
    // Long: the one loop over every row a report reads (a million a second);
    // its dozen accumulators stay locals of one function, read in one place.
    func pass(_ db: Database, rows: ClosedRange<Int64>? = nil) throws -> Partial {
        // First read of the transaction: what it says holds for the whole pass.
        // Every completed scan stamps its repository, and only a completed
        // scan changes which commits are visible.
        let state = try GRDB.Row.fetchOne(db, sql: "SELECT COUNT(*), MAX(scanned_at), SUM(scanned_at) FROM repository")
        let visibleState = state.map { "\($0[0] as Int64? ?? 0)/\($0[1] as Double? ?? 0)/\($0[2] as Double? ?? 0)" } ?? ""
        let column = "c." + filter.dateColumn
        // Teams are decided per person by `Partial`, not per row by SQLite.
        let selection: SQL = """
            SELECT c.repository_id, \(sql: column), c.parent_count, c.class, c.confidence, c.mode, c.tools,
                   c.lines_added, c.lines_deleted, c.ai_lines, c.person_email, c.person_name,
                   CASE WHEN c.class = 'ai' AND c.parent_count < 2 THEN c.evidence END, c.human_lines
            """
        // Over all of the history the table is read in order: through an index
        // every row would cost a b-tree descent into the table.
        let wholeHistory = filter.repositoryIDs == nil && filter.since == nil && filter.until == nil
        let source: SQL = wholeHistory ? "commit_record c NOT INDEXED" : "commit_record c"
        var condition = try filter.condition(db)
        if let rows { condition = [condition, "c.id BETWEEN \(rows.lowerBound) AND \(rows.upperBound)"].joined(separator: " AND ") }
        let request: SQLRequest<GRDB.Row> = "\(selection) FROM \(source) WHERE \(condition)"
        let prepared = try request.makePreparedRequest(db)
        let statement = prepared.statement.sqliteStatement

        var partial = Partial(visibleState: visibleState, periodSets: periodSets, teams: teams)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            var row = Row()
            row.repository = sqlite3_column_int64(statement, 0)
            row.time = sqlite3_column_int64(statement, 1)
            row.isMerge = sqlite3_column_int64(statement, 2) >= 2
            row.decode(class: Self.firstByte(statement, 3), confidence: Self.firstByte(statement, 4), mode: Self.text(statement, 5))
            if sqlite3_column_type(statement, 7) != SQLITE_NULL {
                row.decodeLines(added: sqlite3_column_int64(statement, 7),
                                deleted: sqlite3_column_type(statement, 8) != SQLITE_NULL ? sqlite3_column_int64(statement, 8) : nil,
                                aiLines: sqlite3_column_type(statement, 9) != SQLITE_NULL ? sqlite3_column_int64(statement, 9) : nil,
                                humanLines: sqlite3_column_type(statement, 13) != SQLITE_NULL ? sqlite3_column_int64(statement, 13) : nil)
            }
            let hasPerson = sqlite3_column_type(statement, 10) != SQLITE_NULL
            let name = sqlite3_column_type(statement, 11) != SQLITE_NULL ? Self.text(statement, 11) : nil
            if sqlite3_column_type(statement, 12) != SQLITE_NULL { row.source = StoredEvidence.strongestSource(Self.text(statement, 12)) }
            partial.add(&row, email: hasPerson ? Self.text(statement, 10) : nil, name: name, tools: Self.text(statement, 6))
        }
        return partial
    }

    /// What one pass summed; two passes over halves of the rows merge into one.
    struct Partial {
        var visibleState: String
        var overall = TallyBuilder()
        var byRepository: [Int64: TallyBuilder] = [:]
        var byTeam: [TallyBuilder]
        var byPeriod: [[TallyBuilder]]
        var periodTools: [[String: [String: Int]]]
        var tools: [String: (commits: Int, attested: Int, lines: Int)] = [:]
        var repositoryTools: [Int64: [String: Int]] = [:]
        var people = InternedTexts()
        /// Tool lists as stored (`a,b`), and each one's names.
        private var toolLists = InternedTexts()
        private var toolNames: [[String]] = []
        private var membership: TeamMembership
        var personCommits: [Int] = []
        var personAI: [Int] = []
        var personName: [(time: Int64, name: [UInt8])?] = []
        /// The times of each person's AI and human commits, and of their first AI commit.
        var personTimes: [[Int64]] = []
        var personFirstAI: [Int64] = []
        private let periodSets: [Aggregation.Periods]
        private let starts: [[Int64]]
        private var periodIndexes: [Int]

        init(visibleState: String, periodSets: [Aggregation.Periods], teams: [(name: String, patterns: [String])]) {
            self.visibleState = visibleState
            self.periodSets = periodSets
            byTeam = Array(repeating: TallyBuilder(), count: teams.count)
            membership = TeamMembership(teams.map(\.patterns))
            byPeriod = periodSets.map { Array(repeating: TallyBuilder(), count: $0.count) }
            periodTools = periodSets.map { _ in [:] }
            starts = periodSets.map { $0.map(\.start) }
            periodIndexes = [Int](repeating: -1, count: periodSets.count)
        }

        /// Adds one commit: `email` and `name` of the person it counts for
        /// (nil: none), and its tools as stored (`a,b`).
        @inline(__always)
        mutating func add(_ row: inout Row, email: UnsafeBufferPointer<UInt8>?, name: UnsafeBufferPointer<UInt8>?,
                          tools list: UnsafeBufferPointer<UInt8>) {
            if let email { row.person = intern(email) }
            overall.add(row)
            byRepository[row.repository, default: TallyBuilder()].add(row)
            if !byTeam.isEmpty {
                for team in membership.teams(of: row.person, email: email, name: name) { byTeam[team].add(row) }
            }
            for set in 0..<starts.count {
                let index = Aggregator.period(row.time, starts[set], periodSets[set])
                periodIndexes[set] = index
                if index >= 0 { byPeriod[set][index].add(row) }
            }
            guard !row.isMerge else { return }
            if row.commitClass == .ai && list.count > 0 { addTools(list, row) }
            if row.commitClass != .bot && row.person >= 0 { addToPerson(row, name: name) }
        }

        /// The person's id for `email`, taken the first time it is seen.
        @inline(__always)
        private mutating func intern(_ email: UnsafeBufferPointer<UInt8>) -> Int32 {
            let (id, isNew) = people.intern(email)
            if isNew { addPerson() }
            return id
        }

        private mutating func addTools(_ list: UnsafeBufferPointer<UInt8>, _ row: borrowing Row) {
            // A few dozen lists repeat over every AI commit: each is cut into names once.
            let (id, isNew) = toolLists.intern(list)
            if isNew { toolNames.append(toolLists.texts[Int(id)].split(separator: ",").map(String.init)) }
            for name in toolNames[Int(id)] {
                var entry = tools[name] ?? (0, 0, 0)
                entry.commits += 1
                if row.attested { entry.attested += 1 }
                entry.lines += row.lines ?? 0
                tools[name] = entry
                repositoryTools[row.repository, default: [:]][name, default: 0] += 1
                for set in 0..<periodIndexes.count where periodIndexes[set] >= 0 {
                    periodTools[set][periodSets[set][periodIndexes[set]].label, default: [:]][name, default: 0] += 1
                }
            }
        }

        private mutating func addPerson() {
            personCommits.append(0)
            personAI.append(0)
            personName.append(nil)
            personTimes.append([])
            personFirstAI.append(.max)
        }

        private mutating func addToPerson(_ row: borrowing Row, name: UnsafeBufferPointer<UInt8>?) {
            let person = Int(row.person)
            personCommits[person] += 1
            if row.commitClass == .ai {
                personAI[person] += 1
                personFirstAI[person] = min(personFirstAI[person], row.time)
            }
            if row.commitClass == .ai || row.commitClass == .human { personTimes[person].append(row.time) }
            guard let name else { return }
            // The name of the person's latest commit: one e-mail can be
            // written with several names, and the newest is how they call
            // themselves now (ties: the larger name, as SQL's MAX).
            if let current = personName[person] {
                if row.time > current.time || (row.time == current.time && Aggregator.compare(name, current.name) > 0) {
                    personName[person] = (row.time, Array(name))
                }
            } else {
                personName[person] = (row.time, Array(name))
            }
        }

        mutating func merge(_ other: Partial) {
            // The other pass interned people in its own order.
            var remap: [Int32] = []
            for (index, email) in other.people.bytes.enumerated() {
                let id = email.withUnsafeBufferPointer { intern($0) }
                remap.append(id)
                let target = Int(id)
                personCommits[target] += other.personCommits[index]
                personAI[target] += other.personAI[index]
                personTimes[target] += other.personTimes[index]
                personFirstAI[target] = min(personFirstAI[target], other.personFirstAI[index])
                if let named = other.personName[index] {
                    if let current = personName[target] {
                        if named.time > current.time
                            || (named.time == current.time && named.name.withUnsafeBufferPointer({ Aggregator.compare($0, current.name) }) > 0) {
                            personName[target] = named
                        }
                    } else {
                        personName[target] = named
                    }
                }
            }
            overall.merge(other.overall, remap)
            for (id, builder) in other.byRepository { byRepository[id, default: TallyBuilder()].merge(builder, remap) }
            for index in byTeam.indices { byTeam[index].merge(other.byTeam[index], remap) }
            for set in byPeriod.indices {
                for index in byPeriod[set].indices { byPeriod[set][index].merge(other.byPeriod[set][index], remap) }
                for (label, counts) in other.periodTools[set] {
                    periodTools[set][label, default: [:]].merge(counts, uniquingKeysWith: +)
                }
            }
            for (tool, entry) in other.tools {
                var sum = tools[tool] ?? (0, 0, 0)
                sum.commits += entry.commits
                sum.attested += entry.attested
                sum.lines += entry.lines
                tools[tool] = sum
            }
            for (id, counts) in other.repositoryTools { repositoryTools[id, default: [:]].merge(counts, uniquingKeysWith: +) }
        }

        func finished(periodSets: [Aggregation.Periods], teams: [(name: String, patterns: [String])]) -> Aggregation {
            var result = Aggregation()
            result.tally = overall.finished()
            result.repositories = byRepository.mapValues { $0.finished() }
            for (index, team) in teams.enumerated() { result.teams[team.name] = byTeam[index].finished() }
            result.periods = periodSets.indices.map { set in
                var tallies: [String: Tally] = [:]
                for (index, period) in periodSets[set].enumerated() where byPeriod[set][index].tally != Tally() {
                    tallies[period.label] = byPeriod[set][index].finished()
                }
                return tallies
            }
            result.activePeriods = byPeriod.map { builders in
                var counts = [Int](repeating: 0, count: people.texts.count)
                for builder in builders { builder.active.forEach { counts[Int($0)] += 1 } }
                var byEmail: [String: Int] = [:]
                for (index, count) in counts.enumerated() where count > 0 { byEmail[people.texts[index]] = count }
                return byEmail
            }
            result.periodTools = periodTools
            for (times, first) in zip(personTimes, personFirstAI) where first != .max {
                result.adopterCommits += times.reduce(0) { $0 + ($1 >= first ? 1 : 0) }
            }
            result.repositoryTools = repositoryTools
            result.tools = tools.map { (tool: $0.key, commits: $0.value.commits, attested: $0.value.attested, lines: $0.value.lines) }
                .sorted { $0.commits != $1.commits ? $0.commits > $1.commits : $0.tool < $1.tool }
            result.people = people.texts.indices.compactMap { index in
                guard personCommits[index] > 0 else { return nil }
                return (email: people.texts[index], name: personName[index].map { String(decoding: $0.name, as: UTF8.self) } ?? "",
                        commits: personCommits[index], ai: personAI[index])
            }.sorted { $0.commits != $1.commits ? $0.commits > $1.commits : Array($0.email.utf8).lexicographicallyPrecedes(Array($1.email.utf8)) }
            return result
        }
    }

    /// The index of the period holding `time`, or -1.
    @inline(__always)
    static func period(_ time: Int64, _ starts: [Int64], _ periods: Aggregation.Periods) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= time { low = middle + 1 } else { high = middle }
        }
        let index = low - 1
        return index >= 0 && time < periods[index].end ? index : -1
    }

    @inline(__always)
    static func text(_ statement: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let bytes = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column)))
    }

    @inline(__always)
    static func firstByte(_ statement: OpaquePointer, _ column: Int32) -> UInt8 {
        sqlite3_column_text(statement, column)?.pointee ?? 0
    }

    /// SQLite's BINARY collation: bytes, then length.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Int {
        b.withUnsafeBufferPointer { b in
            let common = min(a.count, b.count)
            if common > 0, let x = a.baseAddress, let y = b.baseAddress {
                let order = memcmp(x, y, common)
                if order != 0 { return Int(order) }
            }
            return a.count - b.count
        }
    }
}

/// Interns texts (people's e-mails, tool lists) straight from the
/// database's buffers: no Swift string for the million rows that repeat a
/// few thousand of them.
struct InternedTexts {
    private(set) var texts: [String] = []
    private(set) var bytes: [[UInt8]] = []
    private var slots = [Int32](repeating: -1, count: 1024)

    mutating func intern(_ text: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        var slot = Int(StableHash.fnv1a(text) & UInt64(slots.count - 1))
        while slots[slot] >= 0 {
            let id = slots[slot]
            let known = bytes[Int(id)]
            if known.count == text.count
                && (text.count == 0 || known.withUnsafeBufferPointer { memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }) {
                return (id, false)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = Int32(bytes.count)
        bytes.append(Array(text))
        texts.append(String(decoding: text, as: UTF8.self))
        slots[slot] = id
        if bytes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for (id, text) in bytes.enumerated() {
            var slot = Int(StableHash.fnv1a(text) & UInt64(slots.count - 1))
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(id)
        }
    }
}

/// The one-pass aggregation for a backend that reads its rows its own way
/// (see `CommitStore.aggregate`): the same sums, so every backend reports
/// the same figures. Rows are `filter`'s commits, handed over as the bytes
/// the backend read them in.
package struct AggregationBuilder {
    private var partial: Aggregator.Partial
    private let aggregator: Aggregator

    package init(filter: CommitFilter, periodSets: [Aggregation.Periods], teams: [String: [String]]) {
        aggregator = Aggregator(filter: filter, periodSets: periodSets, teams: teams)
        partial = Aggregator.Partial(visibleState: "", periodSets: aggregator.periodSets, teams: aggregator.teams)
    }

    /// One commit: its verdict's columns by their first bytes (`class`,
    /// `confidence`: 0 for none) and its mode's text, as `CommitRecord` stores them.
    package mutating func add(repository: Int64, time: Int64, parentCount: Int64, classByte: UInt8, confidenceByte: UInt8,
                              mode: UnsafeBufferPointer<UInt8>, linesAdded: Int64?, linesDeleted: Int64?, aiLines: Int64?,
                              humanLines: Int64?, personEmail: UnsafeBufferPointer<UInt8>?, personName: UnsafeBufferPointer<UInt8>?,
                              tools: UnsafeBufferPointer<UInt8>, evidence: UnsafeBufferPointer<UInt8>?) {
        var row = Aggregator.Row()
        row.repository = repository
        row.time = time
        row.isMerge = parentCount >= 2
        row.decode(class: classByte, confidence: confidenceByte, mode: mode)
        if let linesAdded { row.decodeLines(added: linesAdded, deleted: linesDeleted, aiLines: aiLines, humanLines: humanLines) }
        if let evidence { row.source = StoredEvidence.strongestSource(evidence) }
        partial.add(&row, email: personEmail, name: personName, tools: tools)
    }

    /// Adds the commits another builder of the same scope took.
    package mutating func merge(_ other: AggregationBuilder) {
        partial.merge(other.partial)
    }

    package func finished() -> Aggregation {
        partial.finished(periodSets: aggregator.periodSets, teams: aggregator.teams)
    }
}

/// Which teams each person is in, decided once per (e-mail, name) with
/// `PeoplePatterns` — SQLite's GLOB, written in Swift — for every backend:
/// matched per row, 40 teams' patterns cost each row 40 matches.
struct TeamMembership {
    private let teams: [PeoplePatterns]
    /// By interned e-mail + 1 (0: none): each name seen with it, and the indexes of its teams.
    private var known: [[(name: [UInt8]?, teams: [Int])]] = []

    init(_ patterns: [[String]]) {
        teams = patterns.map(PeoplePatterns.init)
    }

    mutating func teams(of person: Int32, email: UnsafeBufferPointer<UInt8>?, name: UnsafeBufferPointer<UInt8>?) -> [Int] {
        let slot = Int(person) + 1
        if slot < known.count, let found = known[slot].first(where: { Self.equal($0.name, name) }) { return found.teams }
        let emailText = email.map { String(decoding: $0, as: UTF8.self) }
        let nameText = name.map { String(decoding: $0, as: UTF8.self) }
        let decided = teams.indices.filter { teams[$0].matches(email: emailText, name: nameText) }
        if slot >= known.count { known += repeatElement([], count: slot - known.count + 1) }
        known[slot].append((name.map(Array.init), decided))
        return decided
    }

    private static func equal(_ known: [UInt8]?, _ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let known, let bytes else { return known == nil && bytes == nil }
        return Aggregator.compare(bytes, known) == 0
    }
}
