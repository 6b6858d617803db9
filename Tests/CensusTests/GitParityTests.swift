import Foundation
import Testing

/// What census stores equals what git shows, with git's defaults: each class
/// of difference found (issue 14) is built here with git itself and compared
/// commit by commit with git's own output, run without any user configuration.
@Suite("git parity: census stores what git shows")
struct GitParityTests {
    let folder: URL
    init() throws { folder = try TemporaryFolder.make(prefix: "census-parity") }

    /// git's own counts with its defaults: `git log --numstat -M` in the work
    /// tree, no system or global configuration. Merges are not counted.
    static func gitCounts(_ repo: TemporaryGitRepository, extra: [String] = []) throws -> [String: [Int]] {
        let output = try repo.git(extra + ["log", "--numstat", "-M", "--no-merges", "--format=format:%H"])
        var counts: [String: [Int]] = [:]
        var current: String?
        for line in output.split(separator: "\n") {
            if line.count == 40, !line.contains("\t") {
                current = String(line)
                counts[String(line)] = [0, 0]
            } else if let current {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                counts[current]![0] += Int(fields[0]) ?? 0
                counts[current]![1] += Int(fields[1]) ?? 0
            }
        }
        return counts
    }

    /// `census commits` as JSON: sha → [added, deleted], and each commit's engine.
    func censusCounts(db: String) throws -> (counts: [String: [Int]], engines: Set<String>) {
        let result = try CensusCLI.run(["commits", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        var counts: [String: [Int]] = [:]
        var engines = Set<String>()
        for row in rows where row["is_merge"] as? Bool == false {
            counts[row["sha"] as! String] = [row["lines_added"] as? Int ?? -1, row["lines_deleted"] as? Int ?? -1]
            engines.insert(row["lines_engine"] as? String ?? "none")
        }
        return (counts, engines)
    }

    /// A history where each setting below changes git's counts when a user has it.
    func configurationSensitiveHistory() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        // The root commit: log.showRoot=false would count it 0/0.
        try repo.commit("root", file: "README", content: (1...6).map { "readme \($0)" }.joined(separator: "\n") + "\n")
        // Myers and histogram disagree on this change (3/3 against 4/4).
        try repo.commit("letters", file: "letters.txt", content: "b\nd\na\na\nx\na\n")
        try repo.commit("letters again", file: "letters.txt", content: "x\na\nx\nb\na\na\n")
        // Two renames with edits: diff.renameLimit=1 gives up and counts them whole.
        for name in ["one", "two"] {
            try repo.commit("add \(name)", file: "\(name).txt", content: (1...100).map { "\(name) line \($0)" }.joined(separator: "\n") + "\n")
        }
        try repo.git(["mv", "one.txt", "uno.txt"])
        try repo.git(["mv", "two.txt", "dos.txt"])
        try repo.commit("rename both", file: "uno.txt",
                        content: (1...100).map { "one line \($0)" }.joined(separator: "\n") + "\nmore 1\nmore 2\n")
        // The repository's own committed .gitattributes is honoured: *.dat is binary.
        try repo.commit("attributes", file: ".gitattributes", content: "*.dat -diff\n")
        try repo.commit("data", file: "table.dat", content: "1\n2\n3\n")
        try repo.commit("data again", file: "table.dat", content: "1\n2\n3\n4\n")
        return repo
    }

    @Test("line counts follow git's defaults and the committed .gitattributes, whatever the user's configuration or folder")
    func userConfigurationIgnored() throws {
        let repo = try configurationSensitiveHistory()
        let reference = try Self.gitCounts(repo)
        #expect(reference.count == 9)
        #expect(reference.values.contains([6, 0]), "the root commit counts")

        // A user whose configuration changes every count, started from a folder whose .gitattributes makes everything binary.
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".config/git"), withIntermediateDirectories: true)
        try """
            [diff]
            \talgorithm = histogram
            \trenameLimit = 1
            [log]
            \tshowRoot = false
            [core]
            \tbigFileThreshold = 10
            \tattributesFile = \(home.path)/attributes
            """.write(to: home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        try "*.txt -diff\n".write(to: home.appendingPathComponent("attributes"), atomically: true, encoding: .utf8)
        try "README -diff\n".write(to: home.appendingPathComponent(".config/git/attributes"), atomically: true, encoding: .utf8)
        let start = folder.appendingPathComponent("start")
        try FileManager.default.createDirectory(at: start, withIntermediateDirectories: true)
        try "* -diff\n".write(to: start.appendingPathComponent(".gitattributes"), atomically: true, encoding: .utf8)
        let hostile = ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
                       "GIT_CONFIG_PARAMETERS": "'diff.algorithm'='patience'", "GIT_CONFIG_GLOBAL": home.path + "/.gitconfig",
                       "GIT_CONFIG_NOSYSTEM": "0"]
        // The same settings in git change its counts: the test would catch census obeying them.
        let skewed = try Self.gitCounts(repo, extra: ["-c", "diff.algorithm=histogram", "-c", "diff.renameLimit=1", "-c", "log.showRoot=false"])
        #expect(skewed != reference)

        for engine in ["git", "libgit2"] {
            let db = folder.appendingPathComponent("\(engine).sqlite").path
            var environment = hostile
            if engine == "libgit2" { environment["CENSUS_LINES_WITH_LIBGIT2"] = "1" }
            let scan = try CensusCLI.run(["scan", "--lines", "--db", db, repo.path], environment: environment, in: start)
            #expect(scan.status == 0, "\(scan.stderr)")
            let stored = try censusCounts(db: db)
            #expect(stored.counts == reference, "\(engine)")
            #expect(stored.engines == [engine])
        }
    }

    @Test("replace refs and grafts: walked and counted as the commits record them, with a notice")
    func replaceRefsAndGrafts() throws {
        let repo = try TemporaryGitRepository()
        try repo.commit("one", file: "a.txt", content: "1\n2\n")
        let second = try repo.commit("two", file: "a.txt", content: "1\n2\n3\n")
        try repo.commit("three", file: "a.txt", content: "1\nchanged\n3\n4\n")
        // A replacement for the second commit with a different tree, and a graft making the third a root.
        try repo.commit("elsewhere", file: "b.txt", content: (1...13).map(String.init).joined(separator: "\n") + "\n")
        let replacement = try repo.git(["commit-tree", "-p", "HEAD~3", "-m", "replaced", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        try repo.git(["replace", second, replacement])
        let head = try repo.head()
        try "\(head)\n".write(toFile: repo.path + "/.git/info/grafts", atomically: true, encoding: .utf8)
        // git's honest view: the commits as recorded.
        let reference = try Self.noGraftCounts(repo)
        #expect(reference[head] == [2, 1], "\(reference)")
        #expect(try Self.gitCounts(repo)[head] != [2, 1], "with the graft git counts the head as a root")

        let db = folder.appendingPathComponent("replace.sqlite").path
        let scan = try CensusCLI.run(["scan", "--lines", "--db", db, repo.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.contains("replace refs or grafts present"), "\(scan.stderr)")
        #expect(try censusCounts(db: db).counts == reference)
    }

    /// Counts with the graft file moved away (git 2.39 has no switch for grafts).
    static func noGraftCounts(_ repo: TemporaryGitRepository) throws -> [String: [Int]] {
        let grafts = repo.path + "/.git/info/grafts"
        try FileManager.default.moveItem(atPath: grafts, toPath: grafts + ".off")
        defer { try? FileManager.default.moveItem(atPath: grafts + ".off", toPath: grafts) }
        return try gitCounts(repo, extra: ["--no-replace-objects"])
    }

    @Test("commit headers: what git reads, a scan stores; an author git cannot read costs that commit a notice, not the repository")
    func commitHeaders() throws {
        let repo = try TemporaryGitRepository()
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        let headers: [[UInt8]] = [
            Array("author A <a@x>  1700000000 +0200\ncommitter B <b@x>  1700000100  -0130\n\ntwo spaces\n".utf8),
            Array("author Name <a@b> <c@d> 1700000200  +0530\ncommitter Name <a@b> <c@d> 1700000200 +0530\n\ntwo addresses\n".utf8),
            Array("author J".utf8) + [0xE9, 0x72, 0xF4] + Array("me <j@x> 1700000300 +0100\ncommitter J <j@x> 1700000300 +0100\nencoding ISO-8859-1\n\nCaf".utf8) + [0xE9, 0x0A],
            Array("author S <s@x> 1700000400 +0900\ncommitter S <s@x> 1700000400 +0900\nencoding Shift_JIS\n\n".utf8) + [0x93, 0xFA, 0x96, 0x7B, 0x0A],
            Array("author cvs2svn\ncommitter B <b@x> 1700000500 +0000\n\nimported\n".utf8),
        ]
        var parent: String?
        var malformed = ""
        for header in headers {
            let object = Array("tree \(tree)\n".utf8) + (parent.map { Array("parent \($0)\n".utf8) } ?? []) + header
            let file = folder.appendingPathComponent("object")
            try Data(object).write(to: file)
            parent = try repo.git(["hash-object", "-t", "commit", "--literally", "-w", file.path]).trimmingCharacters(in: .whitespacesAndNewlines)
            if header.starts(with: Array("author cvs2svn".utf8)) { malformed = parent! }
        }
        try repo.git(["update-ref", "refs/heads/main", parent!])

        let db = folder.appendingPathComponent("headers.sqlite").path
        let scan = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.contains("1 commit stored with an empty signature") && scan.stderr.contains(String(malformed.prefix(12))), "\(scan.stderr)")
        let listed = try CensusCLI.run(["commits", "--db", db, "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == headers.count)
        let shown = try repo.git(["log", "--format=%H%x00%an%x00%ae%x00%aI%x00%cI%x00%s"])
        for line in shown.split(separator: "\n") {
            let fields = line.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            let row = try #require(rows.first { $0["sha"] as? String == fields[0] })
            #expect(row["author_name"] as? String == fields[1], "\(fields[5])")
            #expect(row["author_email"] as? String == fields[2], "\(fields[5])")
            #expect(row["subject"] as? String == fields[5])
            // git shows no date for an author it cannot read (it prints `%aI` as
            // it is); the scan dates it by its committer.
            let unreadable = fields[3].isEmpty || fields[3] == "%aI"
            #expect(row["authored_at"] as? String == (unreadable ? fields[4] : fields[3]), "\(fields[5])")
        }
        #expect(rows.contains { $0["subject"] as? String == "Café" } && rows.contains { $0["subject"] as? String == "日本" })
    }
}
