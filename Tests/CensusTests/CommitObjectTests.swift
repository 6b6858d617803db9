import Foundation
import Synchronization
@testable import GitHistory
import Testing

/// The scan parses raw commit objects itself; `git log` is the reference for
/// what a commit says (libgit2's stricter parser refuses some commits git
/// shows). Each case is a real object in a real repository, written with
/// `git hash-object --literally` so that malformed headers can be stored too.
@Suite("GitHistory: raw commit objects parse as git shows them")
struct CommitObjectTests {
    static let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  // the empty tree

    static let cases: [(label: String, object: [UInt8])] = {
        func object(_ text: String, extra: [UInt8] = []) -> [UInt8] { Array(text.utf8) + extra }
        let parent = "1111111111111111111111111111111111111111"
        return [
            ("plain", object("tree \(tree)\nauthor Ann Lee <ann@example.com> 1700000000 +0200\ncommitter Bo <bo@example.com> 1700000100 -0530\n\nSubject\n\nBody\n")),
            ("two parents, upper-case hex", object("tree \(tree)\nparent \(parent)\nparent \(parent.uppercased().replacingOccurrences(of: "1", with: "A"))\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmerge\n")),
            ("signed, with encoding", object("tree \(tree)\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\nencoding ISO-8859-1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned commit\n")),
            ("NUL in the message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nbefore", extra: [0] + Array("after\n".utf8))),
            ("no message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n")),
            ("empty message", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n")),
            ("angle brackets in the name", object("tree \(tree)\nauthor <b>Evil</b> <<evil@x>> 1700000000 +1400\ncommitter  Spaced Name   <  spaced@x  > 1700000000 -1200\n\nx\n")),
            ("no time", object("tree \(tree)\nauthor A <a@x>\ncommitter B <b@x> \n\nx\n")),
            ("bad zone", object("tree \(tree)\nauthor A <a@x> 1700000000 +9999\ncommitter B <b@x> 1700000000 0200\n\nx\n")),
            ("bad time", object("tree \(tree)\nauthor A <a@x> yesterday +0100\ncommitter B <b@x> 99999999999999999999999 +0100\n\nx\n")),
            ("non-UTF-8 bytes", object("tree \(tree)\nauthor ", extra: [0xC3, 0x28, 0xFF] + Array(" <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n".utf8) + [0xFE, 0x41, 0x0A])),
            ("CRLF and control characters", object("tree \(tree)\nauthor A\u{1b}[31m <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\r\n\r\nline\r\n\u{07}bell\n")),
            // Issue 14's headers: what git reads, census must read.
            ("two spaces before the time", object("tree \(tree)\nauthor A <a@x>  1700000000 +0200\ncommitter B <b@x>  1700000100  -0130\n\nx\n")),
            ("two spaces before the zone", object("tree \(tree)\nauthor A <a@x> 1700000000  +0530\ncommitter B <b@x> 1700000100\t-0800\n\nx\n")),
            ("two addresses", object("tree \(tree)\nauthor Name <a@b> <c@d> 1700000000 +0100\ncommitter Name <a@b> <c@d> 1700000000 +0100\n\nx\n")),
            ("ISO-8859-1 names and message", object("tree \(tree)\nauthor J", extra: [0xE9, 0x72, 0xF4] + Array("me <j@x> 1700000000 +0100\ncommitter Ren".utf8) + [0xE9] + Array(" <r@x> 1700000000 +0100\nencoding ISO-8859-1\n\nCaf".utf8) + [0xE9, 0x0A])),
            ("Shift_JIS message", object("tree \(tree)\nauthor A <a@x> 1700000000 +0900\ncommitter A <a@x> 1700000000 +0900\nencoding Shift_JIS\n\n", extra: [0x93, 0xFA, 0x96, 0x7B, 0x0A])),
            ("an encoding iconv does not know", object("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\nencoding x-no-such-thing\n\nplain\n")),
            ("author without an address", object("tree \(tree)\nauthor cvs2svn\ncommitter B <b@x> 1700000000 +0000\n\nx\n")),
            ("committer without an address", object("tree \(tree)\nauthor A <a@x> 1700000000 +0000\ncommitter cvs2svn 1700000000 +0000\n\nx\n")),
        ]
    }()

    /// What `git log` shows of a signature: name, e-mail, and its raw date
    /// read as seconds and a zone in minutes (git shows a zone census cannot
    /// hold, such as +9999, which census reads as +0000).
    static func gitSignature(_ fields: ArraySlice<Substring>) -> Signature {
        let date = fields[fields.startIndex + 2].split(separator: " ")
        var offset = 0
        if date.count == 2, let zone = Int(date[1].dropFirst()), zone / 100 <= 14, zone % 100 <= 59 {
            offset = (zone / 100 * 60 + zone % 100) * (date[1].hasPrefix("-") ? -1 : 1)
        }
        return Signature(name: String(fields[fields.startIndex]), email: String(fields[fields.startIndex + 1]),
                         time: date.first.flatMap { Int64($0) } ?? 0, offsetMinutes: offset)
    }

    @Test("every case gives git's signatures and message, and libgit2's parents", arguments: 0..<cases.count)
    func matchesGit(_ index: Int) throws {
        let (label, bytes) = Self.cases[index]
        let repo = try TemporaryGitRepository()
        let input = repo.root.appendingPathComponent("object")
        try Data(bytes).write(to: input)
        let sha = try repo.git(["hash-object", "-t", "commit", "--literally", "-w", input.path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try #require(ObjectID(hex: sha), "\(label): \(sha)")
        let repository = try Repository(at: repo.path)
        let parsed = try repository.commit(id)

        let shown = try repo.git(["log", "-1", "--no-walk", "--date=raw", "--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B%x00", sha])
        let fields = shown.split(separator: "\0", omittingEmptySubsequences: false)
        try #require(fields.count >= 7, "\(label): \(shown)")
        #expect(parsed.author == Self.gitSignature(fields[0..<3]), "\(label)")
        #expect(parsed.committer == Self.gitSignature(fields[3..<6]), "\(label)")
        // git's %B ends at a NUL, as the scan's message does; it adds a line feed to a message without one.
        let message = String(fields[6])
        #expect(parsed.message == message || parsed.message + "\n" == message, "\(label): \(parsed.message.debugDescription) vs \(message.debugDescription)")
        let malformedAuthor = label == "author without an address", malformedCommitter = label == "committer without an address"
        #expect((parsed.malformed != nil) == (malformedAuthor || malformedCommitter), "\(label)")
        if malformedAuthor { #expect(parsed.malformed?.hasPrefix("author") == true) }
        if let reference = try? repository.lookupCommit(id.gitOID) {
            #expect(parsed.parents == reference.parents, "\(label)")
        }
    }

    /// Found by FuzzCommitObject: 922337203685477580 × 10 fits in an Int64, adding 8 did not.
    @Test("a time of 2^63, one past the largest Int64, is read as no time, not a trap")
    func timeOnePastInt64() throws {
        let raw = Array("tree \(Self.tree)\nauthor A <a@x> 9223372036854775808 +0100\ncommitter B <b@x> 9223372036854775807 +0100\n\nx\n".utf8)
        let id = try #require(ObjectID(hex: Self.tree))
        let commit = try #require(Commit.parsing(rawObject: raw, id: id))
        #expect(commit.committer.time == Int64.max)
        #expect(commit.author.time == 0)
    }

    @Test("a walk over a whole generated history reads what libgit2 reads")
    func walkMatchesLookup() throws {
        let repo = try TemporaryGitRepository()
        // Enough objects (about 9,000) that the pack index's interpolation
        // search has dozens of entries per first byte to guess among.
        try repo.fastImport(commits: 3000, aiEvery: 7)
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        var count = 0, fromPack = 0
        try repository.walk(from: [head]) { commit in
            let reference = try repository.lookupCommit(commit.id.gitOID)
            #expect(commit.parents == reference.parents && commit.author == reference.author
                    && commit.committer == reference.committer && commit.message == reference.message)
            if repository.packedObjects?.withCommit(commit.id, { CommitObject.parse(id: commit.id, $0) }) != nil { fromPack += 1 }
            count += 1
            return true
        }
        #expect(count == 3000)
        #expect(fromPack == 3000)
    }

    @Test("the commit-graph built from the commits' headers is git's own: the same ids at the same positions with the same parents, an octopus's too, from packed and from loose commits",
          arguments: ["pack", "loose"])
    func builtGraphIsGits(objects: String) throws {
        let repo = try TemporaryGitRepository()
        let (octopus, parents) = try repo.mergesAndOctopus()
        if objects == "loose" { try repo.unpackObjects() }
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        let built = try #require(CommitGraph.built(reachableFrom: [head], in: repository, boundary: [], readers: 1, keeping: 0)?.graph)
        try repo.git(["commit-graph", "write", "--reachable"])
        let gits = try #require(try Repository(at: repo.path).commitGraph)
        #expect(built.count == gits.count && built.count == 1 + 30 * 4 + 11 + 1)
        var builtParents: [Int32] = [], gitsParents: [Int32] = []
        for position in 0..<Int32(gits.count) {
            #expect(built.id(at: position) == gits.id(at: position))
            #expect(built.parentPositions(at: position, into: &builtParents) && gits.parentPositions(at: position, into: &gitsParents))
            #expect(builtParents == gitsParents, "\(position)")
        }
        #expect(built.parents(of: ObjectID(hex: octopus)!)?.map(\.hex) == parents)
    }

    @Test("each commit of a split commit-graph is located where a search of the packs finds it: a large pack merged in order, a small one looked up, loose commits left to the search")
    func commitLocationsMatchSearch() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 3000, aiEvery: 7)
        for index in 1...6 { try repo.commit("packed later \(index)", file: "later\(index).txt") }
        try repo.git(["repack", "-q", "-d"])
        try repo.git(["commit-graph", "write", "--reachable", "--split"])
        for index in 1...3 { try repo.commit("loose \(index)", file: "loose\(index).txt") }
        try repo.git(["commit-graph", "write", "--reachable", "--split=no-merge"])

        let repository = try Repository(at: repo.path)
        let graph = try #require(repository.commitGraph)
        let files = try #require(repository.packedObjects).files
        let layers = graph.sortedIDTables
        #expect(layers.map(\.count) == [3006, 3] && files.packs.count == 2)
        // Both ways of matching are taken for the first layer: the big pack merged with it, the small one's ids looked up in it.
        let (big, small) = files.packs[0].count > files.packs[1].count ? (files.packs[0], files.packs[1]) : (files.packs[1], files.packs[0])
        #expect(big.count >= layers[0].count / 8 && small.count < layers[0].count / 8)

        let locations = CommitLocations(graph: graph, packs: files)
        var located = 0
        for position in 0..<Int32(graph.count) {
            let id = try #require(graph.id(at: position))
            let found = locations.location(at: position)
            if let (pack, offset) = files.locate(id) {
                let number = files.packs.firstIndex { $0.index.baseAddress == pack.index.baseAddress }
                #expect(found?.pack == number && found?.offset == offset, "\(id.hex)")
                located += 1
            } else {
                #expect(found == nil, "\(id.hex) is loose")
            }
        }
        #expect(located == 3006)
        #expect(locations.location(at: -1) == nil && locations.location(at: Int32(graph.count)) == nil)

        // A walk that reads through the locations reads what libgit2 reads.
        let read = Mutex<Int>(0)
        try repository.walkInParallel(from: [try #require(try repository.head())], readers: 2, warmUp: 100) { commit, handle, _ in
            let reference = try handle.lookupCommit(commit.id.gitOID)
            #expect(commit.parents == reference.parents && commit.author == reference.author && commit.message == reference.message)
            read.withLock { $0 += 1 }
            return true
        }
        #expect(read.withLock { $0 } == 3009)
    }

    @Test("without a commit-graph, the walk reads the commits kept from building one as libgit2 reads them — deltas, a second pack and loose commits too — and reads again those past the budget",
          arguments: [64 << 20, 20_000])
    func keptCommitsReadAsLibgit2(budget: Int) throws {
        let (repo, shas) = try deltaHistory()
        let repository = try Repository(at: repo.path)
        #expect(repository.commitGraph == nil)
        let saved = Repository.keptCommitBytes
        Repository.keptCommitBytes = budget
        defer { Repository.keptCommitBytes = saved }
        let head = try #require(try repository.head())
        let built = try #require(CommitGraph.built(reachableFrom: [head], in: repository, boundary: [], readers: 1, keeping: budget))
        var kept = 0
        for position in 0..<Int32(built.graph.count) {
            let id = try #require(built.graph.id(at: position))
            guard let commit = built.kept.withObject(at: position, { CommitObject.parse(id: id, $0) }) else { continue }
            let reference = try repository.lookupCommit(id.gitOID)
            #expect(commit.parents == reference.parents && commit.author == reference.author && commit.message == reference.message)
            kept += 1
        }
        // Loose commits are read through libgit2, never kept; the small budget keeps some of the packed ones.
        #expect(budget > 1 << 20 ? kept == 36 : (1..<36).contains(kept), "\(kept) kept")
        let read = Mutex<Set<String>>([])
        try repository.walkInParallel(from: [head], readers: 2, warmUp: 5) { commit, handle, _ in
            let reference = try handle.lookupCommit(commit.id.gitOID)
            #expect(commit.parents == reference.parents && commit.author == reference.author
                    && commit.committer == reference.committer && commit.message == reference.message)
            read.withLock { _ = $0.insert(commit.id.hex) }
            return true
        }
        #expect(read.withLock { $0 } == Set(shas))
    }

    /// A history whose commits git stores as deltas of each other (long, alike
    /// messages, repacked hard), with a second pack and loose commits on top.
    private func deltaHistory() throws -> (TemporaryGitRepository, [String]) {
        let repo = try TemporaryGitRepository()
        let body = (1...120).map { "a long body line shared by every commit, number \($0)" }.joined(separator: "\n")
        for index in 1...30 { try repo.commit("Change \(index)\n\n\(body)\n\nCo-authored-by: Claude <noreply@anthropic.com>") }
        try repo.git(["repack", "-q", "-a", "-d", "-f", "--window=250", "--depth=50"])
        for index in 31...36 { try repo.commit("Change \(index)\n\n\(body)") }
        try repo.git(["repack", "-q", "-d"])  // a second pack
        for index in 37...40 { try repo.commit("Loose \(index)") }
        let shas = try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init)
        return (repo, shas)
    }

    @Test("commits stored as deltas, in two packs and loose, read as libgit2 reads them")
    func packedDeltasMatchLibgit2() throws {
        let (repo, shas) = try deltaHistory()
        // The delta path must really be taken: git stored some commits as deltas.
        let packs = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack").filter { $0.hasSuffix(".idx") }
        #expect(packs.count == 2)
        var deltas = 0
        for pack in packs {
            let listing = try repo.git(["verify-pack", "-v", ".git/objects/pack/" + pack])
            deltas += listing.split(separator: "\n").filter { $0.contains(" commit ") && $0.split(separator: " ").count > 5 }.count
        }
        #expect(deltas >= 10, "git stored \(deltas) commits as deltas")

        let repository = try Repository(at: repo.path)
        let packed = try #require(repository.packedObjects)
        var fromPacks = 0
        for sha in shas {
            let id = try #require(ObjectID(hex: sha))
            let reference = try repository.lookupCommit(id.gitOID)
            if let commit = packed.withCommit(id, { CommitObject.parse(id: id, $0) }) {
                fromPacks += 1
                #expect(commit.parents == reference.parents && commit.author == reference.author
                        && commit.committer == reference.committer && commit.message == reference.message, "\(sha)")
            }
            let read = try repository.commit(id)
            #expect(read.message == reference.message && read.parents == reference.parents)
        }
        // The 36 packed commits come from the packs; the 4 loose ones from libgit2.
        #expect(fromPacks == 36)
        #expect(shas.count == 40)
    }

    @Test("a first scan's total without a commit-graph: every object's type read when few, deltas and loose ones included")
    func estimatedCommitCountReadsEveryObjectWhenFew() throws {
        let (repo, shas) = try deltaHistory()
        // A tag object and the trees are objects, not commits.
        try repo.git(["tag", "-a", "v1", "-m", "a tag object"])
        #expect(try Repository(at: repo.path).estimatedCommitCount() == shas.count)
        // A commit-graph counts the reachable commits when it was written (40, not the
        // unreachable one made here), and the two loose commits made after it are added.
        try repo.commit("soon unreachable")
        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        try repo.git(["commit-graph", "write", "--reachable"])
        #expect(try Repository(at: repo.path).estimatedCommitCount() == 40)
        try repo.commit("after the graph")
        try repo.commit("after the graph, again")
        #expect(try Repository(at: repo.path).estimatedCommitCount() == 42)
        let empty = try TemporaryGitRepository()
        #expect(try Repository(at: empty.path).estimatedCommitCount() == nil)
        // A clone sharing the objects through alternates holds none of its own, and no graph:
        // every commit object of the source's is counted, the unreachable one too.
        let shared = try TemporaryFolder.make(prefix: "census-shared")
        defer { try? FileManager.default.removeItem(at: shared) }
        try Shell.run("/usr/bin/git", ["clone", "-q", "--shared", "--no-checkout", repo.path, shared.path + "/clone"])
        #expect(try Repository(at: shared.path + "/clone").estimatedCommitCount() == 43)
    }

    @Test("a large pack's commits are estimated from an even sample of its index")
    func estimatedCommitCountSamplesLargePacks() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 3000, aiEvery: 7)  // about 9,000 objects: a commit, a tree and a blob each
        let repository = try Repository(at: repo.path)
        #expect(repository.estimatedCommitCount(samplesPerPack: 1 << 20) == 3000)
        // Bounds are three standard errors: a sample of 4,000 of 9,000 objects has one of 1.7%.
        let sampled = try #require(repository.estimatedCommitCount(samplesPerPack: 4000))
        #expect(abs(sampled - 3000) <= 150, "estimated \(sampled) of 3000 from 4,000 objects")
        // A second pack on top, as a fetch brings.
        try repo.fastImport(commits: 1000, after: 3000)
        let both = try Repository(at: repo.path)
        #expect(both.estimatedCommitCount(samplesPerPack: 1 << 20) == 4000)
        let sampledBoth = try #require(both.estimatedCommitCount(samplesPerPack: 4000))
        #expect(abs(sampledBoth - 4000) <= 150, "estimated \(sampledBoth) of 4000")
    }

    @Test("a pack of mostly files is sampled further until enough commits are met")
    func estimatedCommitCountInAPackOfFiles() throws {
        let repo = try TemporaryGitRepository()
        // 400 commits of 30 new files each: about 3% of 12,800 objects are commits.
        var stream = ""
        for index in 1...400 {
            stream += "commit refs/heads/main\nmark :\(index)\ncommitter Dev <dev@example.com> \(1_600_000_000 + index * 60) +0000\ndata 9\nchange \(index % 10)\n"
            if index > 1 { stream += "from :\(index - 1)\n" }
            for file in 0..<30 {
                let content = "file \(file) of commit \(index)\n"
                stream += "M 644 inline d\(file % 5)/f\(file)-\(index).txt\ndata \(content.utf8.count)\n\(content)\n"
            }
        }
        try Shell.run("/usr/bin/git", ["fast-import", "--quiet"], in: repo.root, environment: TemporaryGitRepository.gitEnvironment, input: Data(stream.utf8))
        let repository = try Repository(at: repo.path)
        let objects = try #require(repository.packedObjects).files.packs.reduce(0) { $0 + $1.count }
        // With 1,024 objects about 32 commits would be met (an error of 18%); reading on until
        // 400 are met (at most 16,384 objects) brings it to about 4%: the bound is three of those.
        #expect(objects > 10_000, "\(objects) objects")
        let estimate = try #require(repository.estimatedCommitCount())
        #expect(abs(estimate - 400) <= 50, "estimated \(estimate) of 400")
    }

    @Test("a damaged pack is not read around: libgit2 reports the damaged commit")
    func damagedPackFallsBackToLibgit2() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...5 { try repo.commit("Change \(index) with a message long enough to compress") }
        try repo.git(["repack", "-q", "-a", "-d"])
        let head = try repo.head()
        let folder = repo.path + "/.git/objects/pack/"
        let pack = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".pack") })
        // Where HEAD's object starts, from the index; its compressed bytes are flipped.
        let listing = try repo.git(["verify-pack", "-v", folder + pack.replacingOccurrences(of: ".pack", with: ".idx")])
        let line = try #require(listing.split(separator: "\n").first { $0.hasPrefix(head) })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let offset = try #require(Int(fields[4]))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + pack)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: folder + pack))
        try handle.seek(toOffset: UInt64(offset + 6))
        try handle.write(contentsOf: Data([0xde, 0xad, 0xbe, 0xef]))
        try handle.close()

        let repository = try Repository(at: repo.path)
        let id = try #require(ObjectID(hex: head))
        #expect(repository.packedObjects?.withCommit(id, { CommitObject.parse(id: id, $0) }) == nil)
        #expect(throws: GitError.self) { try repository.commit(id) }
    }

    @Test("property: damaged packs and indexes never crash the reader or the estimate, or make them allocate what they claim", arguments: 0..<4)
    func hostilePacks(seed: Int) throws {
        let (repo, shas) = try deltaHistory()
        let ids = shas.compactMap(ObjectID.init(hex:))
        let source = repo.path + "/.git/objects/pack/"
        let stems = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".idx") }.map { String($0.dropLast(4)) }
        let originals = try stems.map { (try Data(contentsOf: URL(fileURLWithPath: source + $0 + ".idx")),
                                          try Data(contentsOf: URL(fileURLWithPath: source + $0 + ".pack"))) }
        var random = SplitMix64(state: UInt64(seed) &+ 101)
        let folder = try TemporaryFolder.make(prefix: "census-packs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(atPath: folder.path + "/pack", withIntermediateDirectories: true)
        for _ in 0..<60 {
            for (stem, (index, pack)) in zip(stems, originals) {
                var index = [UInt8](index), pack = [UInt8](pack)
                // Flip, overwrite with extreme values, or cut either file.
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let inIndex = Bool.random(using: &random)
                    let count = inIndex ? index.count : pack.count
                    let position = Int.random(in: 0..<count, using: &random)
                    let value: UInt8 = [0x00, 0xff, 0x7f, 0x80, UInt8.random(in: 0...255, using: &random)][Int.random(in: 0..<5, using: &random)]
                    if inIndex { index[position] = value } else { pack[position] = value }
                }
                if Int.random(in: 0..<10, using: &random) == 0 { pack.removeLast(Int.random(in: 1...min(200, pack.count), using: &random)) }
                try Data(index).write(to: folder.appendingPathComponent("pack/\(stem).idx"))
                try Data(pack).write(to: folder.appendingPathComponent("pack/\(stem).pack"))
            }
            guard let files = PackFiles(objectsDirectory: folder.path) else { continue }
            let reader = PackedObjects(files: files)
            for id in ids {
                // Whatever comes back is a commit's bytes or nothing; no crash, no runaway allocation.
                _ = reader.withCommit(id) { CommitObject.parse(id: id, $0) }
            }
            // The estimate reads every object's header and follows every delta chain.
            if let estimate = files.estimatedCommitCount(samplesPerPack: 1 << 20) {
                #expect(estimate >= 0 && estimate <= files.packs.reduce(0) { $0 + $1.count })
            }
        }
    }
}

