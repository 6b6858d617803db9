import Foundation
import Testing

/// Repository layouts git understands: each is built with git in a temporary
/// folder, scanned, and compared with what git counts there (issue 14).
@Suite("git parity: layouts")
struct LayoutTests {
    let folder: URL
    var db: String { folder.appendingPathComponent("census.sqlite").path }
    init() throws { folder = try TemporaryFolder.make(prefix: "census-layouts") }

    func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
        try Shell.run("/usr/bin/git", arguments, in: directory ?? folder, environment: TemporaryGitRepository.gitEnvironment)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `census repos` as path → commits.
    func repos() throws -> [String: Int] {
        let result = try CensusCLI.run(["repos", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(rows.map { ($0["path"] as! String, $0["commits"] as! Int) }, uniquingKeysWith: +)
    }

    func scan(_ paths: String...) throws -> Shell.Result {
        let result = try CensusCLI.run(["scan", "--db", db] + paths)
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    /// Commits `count` files in the work tree of `gitDirectory` (`--git-dir`/`--work-tree`).
    func commit(gitDirectory: String, workTree: String, prefix: String, count: Int) throws {
        for index in 1...count {
            try "\(prefix) \(index)\n".write(toFile: workTree + "/\(prefix)-\(index).txt", atomically: true, encoding: .utf8)
            _ = try git(["--git-dir=\(gitDirectory)", "--work-tree=\(workTree)", "add", "\(prefix)-\(index).txt"])
            _ = try git(["--git-dir=\(gitDirectory)", "--work-tree=\(workTree)", "commit", "-q", "-m", "\(prefix) \(index)"])
        }
    }

    @Test("--separate-git-dir repositories and vcsh-style git directories sharing one work tree: one entry each, stable across scans")
    func separateGitDirectories() throws {
        let store = folder.appendingPathComponent("store").path, work = folder.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        for (name, count) in [("a", 3), ("b", 5)] {
            _ = try git(["init", "-q", "-b", "main", "--separate-git-dir=\(store)/\(name).git", "\(work)/\(name)"])
            try commit(gitDirectory: "\(store)/\(name).git", workTree: "\(work)/\(name)", prefix: name, count: count)
        }
        // vcsh: git directories in repo.d, each with core.worktree naming the same home folder.
        let home = folder.appendingPathComponent("home").path, repoD = folder.appendingPathComponent("repo.d").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        for (name, count) in [("x", 2), ("y", 4)] {
            _ = try git(["init", "-q", "-b", "main", "--bare", "\(repoD)/\(name).git"])
            _ = try git(["--git-dir=\(repoD)/\(name).git", "config", "core.bare", "false"])
            _ = try git(["--git-dir=\(repoD)/\(name).git", "config", "core.worktree", home])
            try commit(gitDirectory: "\(repoD)/\(name).git", workTree: home, prefix: name, count: count)
        }
        // A git directory alone does not say where its work tree is: reached
        // that way, a repository is filed at its git directory.
        let expected = ["\(store)/a.git": 3, "\(store)/b.git": 5, "\(repoD)/x.git": 2, "\(repoD)/y.git": 4]
        for _ in 0..<2 {
            _ = try scan(store, repoD)
            #expect(try repos() == expected)
        }
        // The same repositories through their work trees: still one entry each.
        let again = try scan(work)
        #expect(again.stderr.contains("\(work)/a: the same repository as \(store)/a.git, reached by another path"), "\(again.stderr)")
        #expect(try repos() == expected)
    }

    @Test("core.bare switched on in a scanned work tree, and the same repository through a bind mount: counted once")
    func oneRepositoryTwoPaths() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...4 { try repo.commit("c\(index)") }
        _ = try scan(repo.path)
        try repo.git(["config", "core.bare", "true"])
        let bare = try scan(repo.path)
        #expect(bare.stderr.contains("the same repository as \(repo.path)"), "\(bare.stderr)")
        #expect(try repos() == [repo.path: 4])

        // A bind mount in a mount namespace of its own: the same device and inode.
        let mountPoint = folder.appendingPathComponent("mounted")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let script = "mount --bind '\(repo.path)' '\(mountPoint.path)' && '\(PackagePaths.census)' scan --db '\(db)' '\(mountPoint.path)'"
        let mounted = try Shell.capture("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script])
        #expect(mounted.status == 0, "\(mounted.stderr)")
        #expect(mounted.stderr.contains("reached by another path"), "\(mounted.stderr)")
        #expect(try repos() == [repo.path: 4])
    }

    @Test("a new repository whose git directory took a deleted one's inode is its own repository; the deleted one keeps its history")
    func inodeReused() throws {
        var old: TemporaryGitRepository? = try TemporaryGitRepository()
        for index in 1...3 { try old!.commit("old \(index)") }
        let oldPath = old!.path
        _ = try scan(oldPath)
        old = nil  // removes its folder
        let fresh = try TemporaryGitRepository()
        for index in 1...2 { try fresh.commit("new \(index)", author: ("Other", "other@example.com")) }
        // A file system hands a freed inode to a new directory at will; the
        // stored identity is given the new repository's to make it happen here.
        let scratch = folder.appendingPathComponent("scratch.sqlite").path
        #expect(try CensusCLI.run(["scan", "--db", scratch, fresh.path]).status == 0)
        let identity = try Shell.run("/usr/bin/sqlite3", [scratch, "SELECT identity FROM repository"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!identity.isEmpty)
        try Shell.run("/usr/bin/sqlite3", [db, "UPDATE repository SET identity = '\(identity)'"])
        _ = try scan(fresh.path)
        #expect(try repos() == [oldPath: 3, fresh.path: 2], "the deleted repository's history is not taken for the new one's")
        _ = try scan(fresh.path)
        #expect(try repos() == [oldPath: 3, fresh.path: 2], "and stays apart on the next scan")
    }

    @Test("an independent repository nested in a work tree is found; a submodule and a linked worktree are not")
    func nestedRepositories() throws {
        let parent = folder.appendingPathComponent("projects")
        let outer = TemporaryGitRepository(existing: parent.appendingPathComponent("outer"))
        try FileManager.default.createDirectory(at: outer.root, withIntermediateDirectories: true)
        try outer.git(["init", "-q", "-b", "main", "."])
        for index in 1...3 { try outer.commit("outer \(index)") }
        let library = try TemporaryGitRepository()
        try library.commit("library")
        try outer.git(["-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "modules/library"])
        try outer.commit("add submodule")
        try outer.git(["worktree", "add", "-q", "trees/feature", "-b", "feature"])
        let inner = TemporaryGitRepository(existing: outer.root.appendingPathComponent("tools/inner"))
        try FileManager.default.createDirectory(at: inner.root, withIntermediateDirectories: true)
        try inner.git(["init", "-q", "-b", "main", "."])
        for index in 1...2 { try inner.commit("inner \(index)") }

        _ = try scan(parent.path)
        #expect(try repos() == [outer.path: 4, inner.path: 2])
    }

    @Test("a linked worktree named on the command line: the notice says which HEAD is counted, and it is that one")
    func linkedWorktree() throws {
        let repo = try TemporaryGitRepository()
        for index in 1...3 { try repo.commit("main \(index)") }
        let tree = folder.appendingPathComponent("feature").path
        try repo.git(["worktree", "add", "-q", tree, "-b", "feature"])
        for index in 1...2 {
            try "f\(index)\n".write(toFile: tree + "/f\(index).txt", atomically: true, encoding: .utf8)
            _ = try git(["add", "."], in: URL(fileURLWithPath: tree))
            _ = try git(["commit", "-q", "-m", "feature \(index)"], in: URL(fileURLWithPath: tree))
        }
        let result = try scan(tree)
        #expect(result.stderr.contains("linked worktree on branch feature of \(repo.path): census counts that repository's HEAD (main)"), "\(result.stderr)")
        #expect(try repos() == [repo.path: try repo.revListCount("main")])
    }

    @Test("a bare repository whose HEAD names a branch never pushed: the default branch it holds is scanned, with a notice")
    func bareUnbornHead() throws {
        let source = try TemporaryGitRepository()
        for index in 1...5 { try source.commit("c\(index)") }
        try source.git(["branch", "topic"])
        let bare = folder.appendingPathComponent("mirror.git").path
        _ = try git(["clone", "-q", "--bare", source.path, bare])
        _ = try git(["--git-dir=\(bare)", "symbolic-ref", "HEAD", "refs/heads/never-pushed"])
        let result = try scan(bare)
        #expect(result.stderr.contains("HEAD names branch never-pushed, which has no commits: scanning branch main instead"), "\(result.stderr)")
        #expect(try repos() == [bare: 5])
    }
}
