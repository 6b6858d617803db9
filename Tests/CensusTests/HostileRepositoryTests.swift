import Foundation
import Testing

/// Repositories as they are found on real machines: linked worktrees,
/// submodules, folders that cannot be read or whose names are not text, and
/// commits written to break parsers. Each goes through the real `census`.
@Suite("Hostile repositories: worktrees, submodules, odd folders, hostile commits", .serialized)
struct HostileRepositoryTests {
    let folder: URL
    var db: String { folder.appendingPathComponent("census.sqlite").path }

    init() throws { folder = try TemporaryFolder.make(prefix: "census-hostile") }

    func json(_ arguments: [String]) throws -> Any {
        let result = try CensusCLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func commitCount() throws -> Int {
        let totals = (try json(["report", "--db", db, "--format", "json"]) as? [String: Any])?["totals"] as? [String: Any]
        return ((totals?["commits"] as? Int) ?? -1) + ((totals?["merges"] as? Int) ?? 0)
    }

    func git(_ arguments: [String], in directory: URL) throws {
        try Shell.run("/usr/bin/git", arguments, in: directory, environment: TemporaryGitRepository.gitEnvironment)
    }

    @Test("--lines runs no program a repository configures (text conversion, external diff); counts stay git's plain ones")
    func linesRunNothingConfigured() throws {
        let repo = try TemporaryGitRepository()
        let marker = folder.appendingPathComponent("ran").path
        // A text conversion and an external diff that would leave a file behind if run.
        try repo.git(["config", "diff.evil.textconv", "sh -c 'touch \(marker); cat \"$0\"'"])
        try repo.git(["config", "diff.external", "sh -c 'touch \(marker)'"])
        try repo.commit("attributes", file: ".gitattributes", content: "*.txt diff=evil\n")
        try repo.commit("one", file: "a.txt", content: "1\n2\n")
        try repo.commit("two", file: "a.txt", content: "1\nx\n3\n")
        let result = try CensusCLI.run(["scan", "--lines", "--db", db, repo.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "a configured program ran")
        let commits = try CensusCLI.run(["commits", "--db", db, "--format", "ndjson"]).stdout
            .split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let two = try #require(commits.first { ($0["subject"] as? String) == "two" })
        #expect(two["lines_added"] as? Int == 2 && two["lines_deleted"] as? Int == 1)
    }

    @Test("a linked worktree is counted with its repository, once, whichever is met first")
    func linkedWorktree() throws {
        let src = folder.appendingPathComponent("src")
        let main = src.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: main, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: main)
        for index in 1...5 { try git(["commit", "-q", "--allow-empty", "-m", "commit \(index)"], in: main) }
        try git(["worktree", "add", "-q", "-b", "feature", "../app-feature"], in: main)
        let worktree = src.appendingPathComponent("app-feature")
        try git(["commit", "-q", "--allow-empty", "-m", "on the feature branch"], in: worktree)

        // The worktree alone first: it is stored as the main repository.
        let alone = try CensusCLI.run(["scan", "--db", db, worktree.path])
        #expect(alone.status == 0)
        #expect(alone.stderr.contains("linked worktree on branch feature of \(main.path): census counts that repository's HEAD (main)"))
        // Then discovery meets both: still one repository, HEAD's history once.
        #expect(try CensusCLI.run(["scan", "--db", db, src.path]).status == 0)
        let repositories = try json(["repos", "--db", db, "--format", "json"]) as? [[String: Any]]
        #expect(repositories?.map { $0["path"] as? String } == [main.path])
        #expect(try commitCount() == 5)
    }

    @Test("submodules are repositories of their own: not counted in the superproject, scanned when named")
    func submodules() throws {
        let library = try TemporaryGitRepository()
        for index in 1...3 { try library.commit("library \(index)") }
        let src = folder.appendingPathComponent("src")
        let superproject = src.appendingPathComponent("product")
        try FileManager.default.createDirectory(at: superproject, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: superproject)
        try git(["commit", "-q", "--allow-empty", "-m", "product 1"], in: superproject)
        try git(["-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "vendor/library"], in: superproject)
        try git(["commit", "-q", "-m", "add the library"], in: superproject)

        #expect(try CensusCLI.run(["scan", "--db", db, src.path]).status == 0)
        #expect(try commitCount() == 2)
        // Named explicitly, the submodule (a .git file into .git/modules) scans on its own.
        let submodule = superproject.appendingPathComponent("vendor/library")
        #expect(try CensusCLI.run(["scan", "--db", db, submodule.path]).status == 0)
        #expect(try commitCount() == 5)
        let repositories = try json(["repos", "--db", db, "--format", "json"]) as? [[String: Any]]
        #expect(repositories?.count == 2)
    }

    @Test("folders that cannot be read or whose names are not UTF-8 are skipped and said; the rest is scanned")
    func oddFolders() throws {
        let root = folder.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // Names made by the shell: Foundation cannot write a name that is not UTF-8.
        try Shell.run("/bin/bash", ["-c", """
            set -e
            cd "$1"
            export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@x
            for d in "$(printf 'caf\\xff')" "$(printf 'new\\nline dir')" "with spaces" locked/inner; do
              git init -q "$d"; git -C "$d" commit -q --allow-empty -m "in $d"
            done
            chmod 000 locked
            chmod 777 "$1" "$1/.."
            """, "census-odd", root.path])
        defer { try? Shell.run("/bin/chmod", ["755", root.appendingPathComponent("locked").path]) }
        // root reads any folder: run census as nobody then, so that the lock
        // holds — a copy of the binary, alone in a folder nobody can enter,
        // since the checkout itself may sit in a 0700 folder.
        let binary = try TemporaryFolder.make(prefix: "census-bin")
        try FileManager.default.copyItem(atPath: PackagePaths.census, toPath: binary.appendingPathComponent("census").path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
        defer { try? FileManager.default.removeItem(at: binary) }
        var command = [binary.appendingPathComponent("census").path, "scan", "--db", db, root.path]
        if getuid() == 0 { command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command }
        let result = try Shell.capture(command[0], Array(command.dropFirst()), environment: ["HOME": "/nonexistent"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(root.path)/locked: cannot read folder, skipped"))
        #expect(result.stderr.contains("\(root.path)/caf\u{FFFD}: name is not valid UTF-8, skipped"))
        #expect(!result.stderr.contains("\n\n"))
        let repositories = try json(["repos", "--db", db, "--format", "json"]) as? [[String: Any]]
        #expect(Set(repositories?.compactMap { $0["name"] as? String } ?? []) == ["new\nline dir", "with spaces"])
    }

    @Test("a 10 MB message, 100,000 trailer lines, NUL, invalid UTF-8 and escapes: scanned, reported, escaped")
    func hostileCommits() throws {
        let repo = try TemporaryGitRepository()
        var stream = Data()
        func commit(_ mark: Int, author: String, message: Data) {
            stream += Data("commit refs/heads/main\nmark :\(mark)\n".utf8)
            stream += Data("author \(author) <evil@example.com> \(1_700_000_000 + mark) +0000\n".utf8)
            stream += Data("committer \(author) <evil@example.com> \(1_700_000_000 + mark) +0000\n".utf8)
            stream += Data("data \(message.count)\n".utf8) + message + Data("\n".utf8)
            if mark > 1 { stream += Data("from :\(mark - 1)\n".utf8) }
        }
        commit(1, author: "Alert & \"quotes\" 'x'", message: Data("<script>alert(1)</script> big body\n\n".utf8) + Data(repeating: 0x61, count: 10 << 20))
        let trailers = String(repeating: "Co-authored-by: Someone <someone@example.com>\n", count: 100_000)
        commit(2, author: "=HYPERLINK(\"http://evil\")", message: Data("Many trailers\n\n\(trailers)Co-Authored-By: Claude <noreply@anthropic.com>\n".utf8))
        commit(3, author: "Bell\u{07} \u{1B}[31mRed", message: Data("NUL and bytes ".utf8) + Data([0x00, 0xFF, 0xFE]) + Data("\n\n\u{1B}]0;title\u{07}\n".utf8))
        commit(4, author: "SVG", message: Data("<svg onload=alert(1)> ".utf8) + Data([0xC3, 0x28, 0x0A, 0x0A, 0xFF]) + Data("\nGenerated with [Claude Code](https://claude.com/claude-code)\n".utf8))
        try Shell.run("/usr/bin/git", ["fast-import", "--quiet"], in: repo.root, environment: TemporaryGitRepository.gitEnvironment, input: stream)
        try repo.git(["reset", "-q", "--hard", "main"])

        let scan = try CensusCLI.run(["scan", "--db", db, repo.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(try commitCount() == 4)
        let ai = try CensusCLI.run(["commits", "--db", db, "--class", "ai", "--format", "csv"])
        #expect(ai.stdout.split(separator: "\n").count == 3)  // header + the trailer commit + the marker commit

        let html = try CensusCLI.run(["report", "--db", db, "--format", "html", "--min-group", "1"]).stdout
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<svg onload"))
        let text = try CensusCLI.run(["commits", "--db", db]).stdout
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"))
        let csv = try CensusCLI.run(["commits", "--db", db, "--format", "csv"]).stdout
        #expect(!csv.contains(",=HYPERLINK"))
    }
}
