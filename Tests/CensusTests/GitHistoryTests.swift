import Foundation
import Synchronization
import GitHistory
import IgnoreSIGPIPE
import Testing

@Suite("GitHistory: reading real repositories through libgit2")
struct GitHistoryTests {
    @Test("the test process ignores SIGPIPE: a peer that closes early fails its test, not the run")
    func testProcessIgnoresSIGPIPE() {
        #expect(census_tests_sigpipe_ignored() != 0)
    }

    /// libgit2's initialisation loads the CA bundle through mbedTLS unless
    /// the program's own loaders (CGitLocalOnly) come first in the dynamic
    /// linker's order — as they must in every program linking GitHistory.
    @Test("libgit2's certificate loaders bind to the program's own, which read no CA bundle")
    func certificateLoadersAreTheProgramsOwn() throws {
        let repo = try TemporaryGitRepository()
        _ = try Repository(at: repo.path)
        // Debian's libgit2 1.5 links mbedTLS 2.28, whose X.509 library is loaded with it.
        let library = try #require(dlopen("libmbedx509.so.1", RTLD_NOW | RTLD_NOLOAD), "libgit2 is not linked with mbedTLS")
        for name in ["mbedtls_x509_crt_parse_file", "mbedtls_x509_crt_parse_path"] {
            let bound = try #require(dlsym(nil, name), "\(name) is not defined in the program")
            #expect(bound != dlsym(library, name), "\(name) binds to mbedTLS's own")
        }
    }

    @Test("patch ids are git patch-id --stable's, for edits, new files, deletions and a root commit")
    func patchIDsAreGits() throws {
        let repo = try TemporaryGitRepository()
        var shas = [try repo.commit("root", file: "a.txt", content: "one\ntwo\n")]
        shas.append(try repo.commit("edit", file: "a.txt", content: "one\n2\nthree\n"))
        shas.append(try repo.commit("new file", file: "src/b.swift", content: "let b = 1\n"))
        try repo.git(["rm", "-q", "a.txt"])
        try repo.git(["commit", "-q", "-m", "delete"])
        shas.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        let repository = try Repository(at: repo.path)
        for sha in shas {
            let git = try Shell.capture("/bin/sh", ["-c", "git -C \"$1\" show --no-renames \"$2\" | git patch-id --stable", "sh", repo.path, sha])
            let expected = git.stdout.split(separator: " ").first.map(String.init)
            #expect(try repository.patchID(of: try #require(ObjectID(hex: sha)))?.hex == expected, "\(sha)")
        }
    }

    @Test("walks every commit reachable from HEAD, each once, with git's metadata")
    func walkMatchesGit() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("first", author: ("Ann", "ann@example.com"), date: "2025-03-01T10:00:00+0200")
        try repo.commit("second\n\nbody line\n\nCo-authored-by: Bo <bo@example.com>", author: ("Bo", "bo@example.com"),
                        committer: ("Cy", "cy@example.com"), date: "2025-03-02T10:00:00-0530")
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        #expect(head.hex == (try repo.head()))
        var commits: [Commit] = []
        try repository.walk(from: [head]) { commits.append($0); return true }
        #expect(commits.count == 2)
        let second = commits[0]
        #expect(second.author.name == "Bo")
        #expect(second.committer.email == "cy@example.com")
        #expect(second.author.offsetMinutes == -330)
        #expect(second.message == "second\n\nbody line\n\nCo-authored-by: Bo <bo@example.com>\n")
        #expect(second.parents == [commits[1].id])
        #expect(commits[1].author.offsetMinutes == 120)
        #expect(commits[1].author.time == 1_740_816_000)
    }

    /// Walks `repository` from HEAD on two readers and counts each commit's
    /// visits, with the reader that read it and its parent count. The first
    /// reader is held back a little, so that however busy the machine, the
    /// second has started before the walk is over (a small warm-up too).
    private static func parallelVisits(_ repository: Repository) throws -> [String: (count: Int, reader: Int, parents: Int)] {
        let head = try #require(try repository.head())
        let seen = Mutex<[String: (count: Int, reader: Int, parents: Int)]>([:])
        try repository.walkInParallel(from: [head], readers: 2, warmUp: 20) { commit, _, reader in
            seen.withLock { $0[commit.id.hex, default: (0, reader, commit.parents.count)].count += 1 }
            if reader == 0 { usleep(100) }
            return true
        }
        return seen.withLock { $0 }
    }

    /// How many commits a two-reader walk from HEAD reads when its body says
    /// stop at the 100th.
    private static func readsAfterStopAtHundred(_ repository: Repository) throws -> Int {
        let head = try #require(try repository.head())
        let count = Mutex(0)
        try repository.walkInParallel(from: [head], readers: 2, warmUp: 20) { _, _, _ in
            count.withLock { $0 += 1; return $0 < 100 }
        }
        return count.withLock { $0 }
    }

    @Test("a walk on two readers meets every commit of a merged history once, as git lists them")
    func parallelWalk() throws {
        let repo = try TemporaryGitRepository()
        // Topics forked from one commit: children first, two readers still have work side by side.
        try repo.fastImportMerges(topics: 60, length: 8, fromRoot: true)
        let expected = Set(try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init))
        #expect(expected.count == 1 + 60 * 10)
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        let visits = try Self.parallelVisits(repository)
        #expect(Set(visits.keys) == expected)
        #expect(visits.values.allSatisfy { $0.count == 1 })
        #expect(visits.values.filter { $0.parents == 2 }.count == 60)
        #expect(Set(visits.values.map(\.reader)) == [0, 1], "the second reader read nothing")

        // Stopping: no commit is read after the body said stop, beyond the one
        // each other reader had already taken.
        #expect((100...101).contains(try Self.readsAfterStopAtHundred(repository)))

        // An error in the body ends the walk and comes back to the caller.
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try repository.walkInParallel(from: [head], readers: 2, warmUp: 20) { commit, _, _ in
                if commit.parents.count == 2 && commit.message.contains("topic30'") { throw Refused() }
                return true
            }
        }
    }

    @Test("with a commit-graph, two readers share even a straight line of history; commits after the graph are met too")
    func parallelWalkWithCommitGraph() throws {
        let repo = try TemporaryGitRepository()
        try repo.fastImport(commits: 3000)
        try repo.git(["commit-graph", "write", "--reachable", "--split"])
        // Newer commits the graph does not hold, then a second layer of the chain, then more.
        for index in 1...5 { try repo.commit("after the graph \(index)") }
        try repo.git(["commit-graph", "write", "--reachable", "--split=no-merge"])
        for index in 1...5 { try repo.commit("after the chain \(index)") }
        let expected = Set(try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init))
        // The first reader is held back (see parallelVisits): without the
        // graph's parents the second would still find nothing to read on a
        // straight line.
        let visits = try Self.parallelVisits(try Repository(at: repo.path))
        #expect(Set(visits.keys) == expected)
        #expect(visits.values.allSatisfy { $0.count == 1 })
        let secondReader = visits.values.filter { $0.reader == 1 }.count
        #expect(secondReader > 300, "the second reader read \(secondReader) of \(expected.count)")
    }

    @Test("parallel walk over merges with a commit-graph: runs of first parents, every commit once, stops promptly")
    func parallelWalkRunsWithCommitGraph() throws {
        let repo = try TemporaryGitRepository()
        // Topic branches longer than a reader's run, merged back: runs end at
        // merges, at commits already taken, and at their length limit.
        try repo.fastImportMerges(topics: 20, length: 100)
        try repo.git(["commit-graph", "write", "--reachable"])
        let expected = Set(try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init))
        #expect(expected.count == 1 + 20 * 102)
        let repository = try Repository(at: repo.path)
        let visits = try Self.parallelVisits(repository)
        #expect(Set(visits.keys) == expected)
        #expect(visits.values.allSatisfy { $0.count == 1 })
        #expect(visits.values.filter { $0.reader == 1 }.count > 200)

        // A stop is seen by the other reader before the next commit of its run.
        #expect((100...101).contains(try Self.readsAfterStopAtHundred(repository)))
    }

    @Test("the commit-graph's count, for a first scan's progress; nil without one")
    func commitGraphCount() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...7 { try repo.commit("commit \(index)") }
        #expect(try Repository(at: repo.path).commitGraphCount == nil)
        try repo.git(["commit-graph", "write", "--reachable"])
        #expect(try Repository(at: repo.path).commitGraphCount == 7)
        try repo.commit("eighth")
        try repo.git(["commit-graph", "write", "--reachable", "--split"])
        #expect(try Repository(at: repo.path).commitGraphCount == 8)
    }

    @Test("hiding a scanned tip walks only the commits after it")
    func hidingTips() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("a")
        let old = try repo.commit("b")
        try repo.commit("c")
        try repo.commit("d")
        let repository = try Repository(at: repo.path)
        var subjects: [String] = []
        let head = try #require(try repository.head())
        let hidden = try #require(ObjectID(hex: old))
        try repository.walk(from: [head], hiding: [hidden]) {
            subjects.append($0.message.trimmingCharacters(in: .newlines)); return true
        }
        #expect(subjects == ["d", "c"])
    }

    @Test("a folder that is not a repository is refused with its path")
    func notARepository() throws {
        let folder = try TemporaryFolder.make(prefix: "not-a-repo")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try Repository(at: folder.path)
            Issue.record("opened a plain folder")
        } catch {
            #expect(error.kind == .notARepository)
            #expect(error.description.contains(folder.path))
        }
        #expect(throws: GitError.self) { try Repository(at: folder.path + "/missing") }
    }

    @Test("an empty repository has no HEAD commit")
    func emptyRepository() throws {
        let repo = try TemporaryGitRepository()
        let repository = try Repository(at: repo.path)
        #expect(repository.isEmpty)
        #expect(try repository.head() == nil)
    }

    @Test("bare repositories, detached HEADs and shallow clones open and walk")
    func bareDetachedShallow() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...5 { try repo.commit("commit \(index)") }
        let bare = try TemporaryFolder.make(prefix: "bare")
        defer { try? FileManager.default.removeItem(at: bare) }
        try Shell.run("/usr/bin/git", ["clone", "-q", "--bare", repo.path, bare.path + "/r.git"])
        let bareRepository = try Repository(at: bare.path + "/r.git")
        #expect(bareRepository.isBare)
        #expect(bareRepository.workDirectory == nil)
        let bareHead = try #require(try bareRepository.head())
        #expect(bareRepository.reachableIDs(from: [bareHead]).count == 5)

        try repo.git(["checkout", "-q", "--detach", "HEAD~2"])
        let detached = try Repository(at: repo.path)
        #expect(detached.isHeadDetached)
        let detachedHead = try #require(try detached.head())
        #expect(detached.reachableIDs(from: [detachedHead]).count == 3)

        let shallow = try TemporaryFolder.make(prefix: "shallow")
        defer { try? FileManager.default.removeItem(at: shallow) }
        try Shell.run("/usr/bin/git", ["clone", "-q", "--depth", "2", "file://" + bare.path + "/r.git", shallow.path + "/s"])
        let shallowRepository = try Repository(at: shallow.path + "/s")
        #expect(shallowRepository.isShallow)
        let shallowHead = try #require(try shallowRepository.head())
        #expect(shallowRepository.reachableIDs(from: [shallowHead]).count == 2)
    }

    @Test("a commit missing from the object database: the parallel walk fails naming it, no graph to build")
    func missingCommitFailsTheWalk() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...5 { try repo.commit("commit \(index)") }
        let missing = try repo.git(["rev-parse", "HEAD~2"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.removeItem(at: repo.root.appendingPathComponent(".git/objects/\(missing.prefix(2))/\(missing.dropFirst(2))"))
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        let read = Mutex(0)
        let error = #expect(throws: GitError.self) {
            try repository.walkInParallel(from: [head], readers: 2, warmUp: 1) { _, _, _ in
                read.withLock { $0 += 1 }
                return true
            }
        }
        #expect(error?.kind == .missingObject && error?.description.contains(missing) == true, "\(String(describing: error))")
        #expect(read.withLock { $0 } == 2)
    }

    @Test("an incremental walk of a shallow clone reads what git rev-list lists, each commit after all its children")
    func shallowIncrementalIsTopological() throws {
        let origin = try TemporaryGitRepository()
        try origin.fastImportMerges(topics: 30, length: 3, followUpAfter: 6)
        try origin.git(["tag", "old", "HEAD~60"])
        let folder = try TemporaryFolder.make(prefix: "shallow-incremental")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clone = folder.appendingPathComponent("s").path
        try Shell.run("/usr/bin/git", ["clone", "-q", "--depth", "50", "--branch", "old", "file://" + origin.path, clone])
        try Shell.run("/usr/bin/git", ["fetch", "-q", "origin", "main"], in: URL(fileURLWithPath: clone))
        let repository = try Repository(at: clone)
        #expect(repository.isShallow)
        let old = try repository.resolve("old"), new = try repository.resolve("FETCH_HEAD")
        var read: [String] = []
        try repository.walk(from: [new], hiding: [old]) { commit in
            read.append(commit.id.hex)
            return true
        }
        let listed = try Shell.run("/usr/bin/git", ["rev-list", "--parents", "old..FETCH_HEAD"], in: URL(fileURLWithPath: clone))
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(listed.count > 60 && read.count == listed.count && Set(read) == Set(listed.map { $0[0] }))
        let position = Dictionary(uniqueKeysWithValues: read.enumerated().map { ($1, $0) })
        for ids in listed {
            for parent in ids.dropFirst() where position[parent] != nil {
                #expect(position[ids[0]]! < position[parent]!, "\(ids[0]) read after its parent \(parent)")
            }
        }
    }

    @Test("the commits a history of merges and an octopus reaches — through a commit-graph, from packed commits, from loose commits — are those git rev-list lists",
          arguments: ["commit-graph", "pack", "loose"])
    func reachableIDs(objects: String) throws {
        let repo = try TemporaryGitRepository()
        try repo.mergesAndOctopus()
        if objects == "commit-graph" { try repo.git(["commit-graph", "write", "--reachable"]) }
        if objects == "loose" { try repo.unpackObjects() }
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        let expected = try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init)
        #expect(expected.count == 1 + 30 * 4 + 11 + 1)
        let reached = repository.reachableIDs(from: [head]).map(\.hex)
        #expect(reached.count == expected.count && Set(reached) == Set(expected))
    }

    @Test("with a commit-graph (merges made after it was written too), without one from packed or loose commits, and in a shallow clone, a parallel walk reads every commit once and each after all its children",
          arguments: ["commit-graph", "pack", "loose", "shallow"])
    func topologicalWithGraph(objects: String) throws {
        var repo = try TemporaryGitRepository()
        try repo.fastImportMerges(topics: 60, length: 3, followUpAfter: 10)
        if objects == "commit-graph" { try repo.git(["commit-graph", "write", "--reachable"]) }
        // Commits the graph does not hold: a branch off an old commit, merged after more work.
        try repo.git(["checkout", "-q", "-b", "late", "HEAD~40"])
        try repo.commit("late one", file: "late.txt")
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("after the graph", file: "after.txt")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'late'", "late"])
        if objects == "loose" { try repo.unpackObjects() }
        if objects == "shallow" {
            // Forty commits deep: the commits at its edge are roots.
            let clone = try TemporaryFolder.make(prefix: "shallow-walk")
            try Shell.run("/usr/bin/git", ["clone", "-q", "--no-local", "--depth", "40", repo.path, clone.path])
            repo = TemporaryGitRepository(existing: clone)
        }
        let repository = try Repository(at: repo.path)
        let head = try #require(try repository.head())
        let order = Mutex<[String]>([])
        try repository.walkInParallel(from: [head], readers: 2, warmUp: 20) { commit, _, reader in
            order.withLock { $0.append(commit.id.hex) }
            if reader == 0 { usleep(50) }
            return true
        }
        let read = order.withLock { $0 }
        #expect(read.count == (try repo.revListCount()) && Set(read).count == read.count)
        let position = Dictionary(uniqueKeysWithValues: read.enumerated().map { ($1, $0) })
        for line in try repo.git(["rev-list", "--parents", "HEAD"]).split(separator: "\n") {
            let ids = line.split(separator: " ").map(String.init)
            for parent in ids.dropFirst() {
                #expect(try #require(position[ids[0]]) < (try #require(position[parent])), "\(ids[0]) read after its parent \(parent)")
            }
        }
    }

    @Test(".mailmap folds a person's identities, as git does")
    func mailmap() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("add mailmap", file: ".mailmap", content: "Ann Lee <ann@example.com> <ann.old@example.org>\n")
        let repository = try Repository(at: repo.path)
        let mailmap = Mailmap(for: repository)
        #expect(mailmap.resolve(name: "ann", email: "ann.old@example.org") == ("Ann Lee", "ann@example.com"))
        #expect(mailmap.resolve(name: "Zed", email: "zed@example.com") == ("Zed", "zed@example.com"))
    }

    @Test("line counts equal git show --numstat, renames and binary files included")
    func lineStatsMatchGit() throws {
        let repo = try TemporaryGitRepository()
        let body = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try repo.commit("add", file: "a.txt", content: body)
        try repo.commit("edit", file: "a.txt", content: body.replacingOccurrences(of: "line 7\n", with: "seven\nmore\n"))
        try repo.git(["mv", "a.txt", "b.txt"])
        try repo.commit("rename and edit", file: "b.txt", content: body.replacingOccurrences(of: "line 9\n", with: "nine\n"))
        try repo.commit("binary", file: "blob.bin", content: "\u{0}\u{1}\u{2}binary")
        let repository = try Repository(at: repo.path)
        for sha in try repo.git(["rev-list", "HEAD"]).split(separator: "\n") {
            let numstat = try repo.git(["show", "--numstat", "--format=", String(sha)])
            var added = 0, deleted = 0
            for line in numstat.split(separator: "\n") {
                let fields = line.split(separator: "\t")
                if fields.count >= 3, let a = Int(fields[0]), let d = Int(fields[1]) { added += a; deleted += d }
            }
            let id = try #require(ObjectID(hex: String(sha)))
            let stats = try #require(try repository.lineStats(for: id))
            #expect(stats == LineStats(added: added, deleted: deleted), "commit \(sha)")
        }
    }

    @Test("git's own counts: every commit asked for, as git show --numstat, in batches")
    func gitNumstat() throws {
        let repo = try TemporaryGitRepository()
        let body = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try repo.commit("add", file: "a.txt", content: body)
        try repo.git(["mv", "a.txt", "b.txt"])
        try repo.commit("rename and edit", file: "b.txt", content: body.replacingOccurrences(of: "line 9\n", with: "nine\n"))
        try repo.commit("binary", file: "blob.bin", content: "\u{0}\u{1}\u{2}binary")
        try repo.git(["commit", "-q", "--allow-empty", "-m", "empty"])
        for index in 1...30 { try repo.commit("edit \(index)", file: "f\(index % 4).txt", content: "v\(index)\n") }
        let shas = try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init)
        var expected: [String: LineStats] = [:]
        for sha in shas {
            var stats = LineStats(added: 0, deleted: 0)
            for line in try repo.git(["show", "--numstat", "--format=", sha]).split(separator: "\n") {
                let fields = line.split(separator: "\t")
                if fields.count >= 3 { stats.added += Int(fields[0]) ?? 0; stats.deleted += Int(fields[1]) ?? 0 }
            }
            expected[sha] = stats
        }
        let git = try #require(GitNumstat.installed())
        var counted: [String: LineStats] = [:]
        var batches = 0
        let repository = try Repository(at: repo.path)
        let workspace = try LineCountWorkspace(for: repository, head: try repository.head())
        try git.counts(in: workspace,
                       ids: shas.reversed().compactMap(ObjectID.init(hex:)), batch: 7) { batch in
            batches += 1
            for entry in batch { counted[entry.id.hex] = entry.stats }
        }
        #expect(counted == expected)
        #expect(batches == (expected.count + 6) / 7)
        #expect(expected.values.contains(LineStats(added: 1, deleted: 1)), "the rename counts as an edit")

        // A commit git cannot read: a one-line error, not a hang.
        let absent = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect(throws: GitNumstat.Failure.self) {
            try git.counts(in: workspace, ids: [absent]) { _ in }
        }
    }
}
