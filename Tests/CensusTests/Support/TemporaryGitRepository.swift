import Foundation
import Synchronization
import Testing

/// A real git repository in a temporary folder, built with the `git` command
/// line exactly as a user's history would be; removed when released.
final class TemporaryGitRepository {
    let root: URL
    var path: String { root.path }
    private var clock = 1_735_689_600 // 2025-01-01T00:00:00Z

    init(bare: Bool = false, initialBranch: String = "main") throws {
        root = try TemporaryFolder.make(prefix: "census-repo")
        try git(["init", "-q", "-b", initialBranch] + (bare ? ["--bare"] : []) + ["."])
        if !bare { try git(["config", "commit.gpgsign", "false"]) }
    }

    /// Wraps an existing folder (a clone); removed when released.
    init(existing: URL) {
        root = existing
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Runs git in the repository with a fixed identity and no user config.
    @discardableResult
    func git(_ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        try Shell.run("/usr/bin/git", arguments, in: root, environment: Self.gitEnvironment.merging(extra) { _, b in b })
    }

    static let gitEnvironment: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Test Person",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test Person",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    ]

    /// Commits a change with the given identities and message; each commit is
    /// an hour after the previous one unless `date` says otherwise.
    @discardableResult
    func commit(_ message: String, author: (String, String) = ("Test Person", "test@example.com"),
                committer: (String, String)? = nil, date: String? = nil, file: String = "file.txt",
                content: String? = nil) throws -> String {
        clock += 3600
        let when = date ?? "@\(clock) +0000"
        let url = root.appendingPathComponent(file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        try (content ?? existing + "line \(clock)\n").write(to: url, atomically: true, encoding: .utf8)
        try git(["add", "-A"])
        let committer = committer ?? author
        try git(["commit", "-q", "--allow-empty", "--no-verify", "-m", message], environment: [
            "GIT_AUTHOR_NAME": author.0, "GIT_AUTHOR_EMAIL": author.1, "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": committer.0, "GIT_COMMITTER_EMAIL": committer.1, "GIT_COMMITTER_DATE": when,
        ])
        return try head()
    }

    func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func revListCount(_ revision: String = "HEAD") throws -> Int {
        Int(try git(["rev-list", "--count", revision]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// `git fast-import` for large histories: `count` commits on main, each
    /// touching one of a few files.
    func fastImport(commits count: Int, aiEvery: Int = 10, after existing: Int = 0) throws {
        var stream = ""
        for index in existing + 1...existing + count {
            let message = index % aiEvery == 0
                ? "Change \(index)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
                : "Change \(index)\n"
            let content = "content \(index)\n"
            stream += "commit refs/heads/main\nmark :\(index)\n"
            stream += "author Dev \(index % 7) <dev\(index % 7)@example.com> \(1_600_000_000 + index * 60) +0000\n"
            stream += "committer Dev \(index % 7) <dev\(index % 7)@example.com> \(1_600_000_000 + index * 60) +0000\n"
            stream += "data \(message.utf8.count)\n\(message)\n"
            if index > existing + 1 {
                stream += "from :\(index - 1)\n"
            } else if existing > 0 {
                // Continues the branch as the repository has it (fast-import's idiom).
                stream += "from refs/heads/main^0\n"
            }
            stream += "M 644 inline file\(index % 13).txt\ndata \(content.utf8.count)\n\(content)\n"
        }
        try Shell.run("/usr/bin/git", ["fast-import", "--quiet"], in: root, environment: Self.gitEnvironment, input: Data(stream.utf8))
        try git(["reset", "-q", "--hard", "main"])
    }

    /// Makes every packed object loose, as in a repository never packed:
    /// each pack is moved aside and unpacked again.
    func unpackObjects() throws {
        let packs = root.appendingPathComponent(".git/objects/pack")
        for name in try FileManager.default.contentsOfDirectory(atPath: packs.path) where name.hasSuffix(".pack") {
            let aside = root.appendingPathComponent(name)
            try FileManager.default.moveItem(at: packs.appendingPathComponent(name), to: aside)
            try FileManager.default.removeItem(at: packs.appendingPathComponent(name.dropLast(5) + ".idx"))
            _ = try Shell.run("/usr/bin/git", ["unpack-objects", "-q"], in: root, environment: Self.gitEnvironment,
                          input: try Data(contentsOf: aside))
            try FileManager.default.removeItem(at: aside)
        }
    }

    /// A history of merged topic branches, as most team repositories have:
    /// Thirty topics of two commits merged into main, then an octopus of
    /// twelve parents on top (the commit-graph keeps its parents apart, in
    /// the extra-edge list), all in one pack: the octopus and its parents.
    @discardableResult
    func mergesAndOctopus() throws -> (octopus: String, parents: [String]) {
        try fastImportMerges(topics: 30, length: 2)
        let tree = try git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var parents = [try head()]
        for arm in 1...11 {
            parents.append(try git(["commit-tree", tree, "-p", "HEAD", "-m", "arm \(arm)"]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let octopus = try git(["commit-tree", tree] + parents.flatMap { ["-p", $0] } + ["-m", "octopus"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try git(["update-ref", "refs/heads/main", octopus])
        try git(["repack", "-adq"])
        return (octopus, parents)
    }

    /// `topics` branches of `length` commits, each forked from main and merged
    /// back with a merge commit, so the history is wide, not a line.
    ///
    /// With `followUpAfter`, each topic also gets a person's branch forked
    /// from its tip and merged that many main commits later: its commits are
    /// then reachable two ways, and a reader can meet them before their merge.
    ///
    /// With `fromRoot`, every topic forks from the first commit: read children
    /// first, the topics can then be read side by side.
    func fastImportMerges(topics: Int, length: Int, branch: (Int) -> String = { "topic\($0)" }, followUpAfter: Int? = nil,
                          fromRoot: Bool = false) throws {
        var stream = ""
        var mark = 0
        var time = 1_650_000_000
        func commit(_ ref: String, _ message: String, from: Int?, merge: Int? = nil) -> Int {
            mark += 1
            time += 60
            stream += "commit \(ref)\nmark :\(mark)\n"
            stream += "author Dev \(mark % 5) <dev\(mark % 5)@example.com> \(time) +0000\n"
            stream += "committer Dev \(mark % 5) <dev\(mark % 5)@example.com> \(time) +0000\n"
            stream += "data \(message.utf8.count + 1)\n\(message)\n\n"
            if let from { stream += "from :\(from)\n" }
            if let merge { stream += "merge :\(merge)\n" }
            stream += "M 644 inline file\(mark % 11).txt\ndata \(String(mark).utf8.count + 1)\n\(mark)\n\n"
            return mark
        }
        var main = commit("refs/heads/main", "root", from: nil)
        let first = main
        for topic in 1...topics {
            var tip = fromRoot ? first : main
            for step in 1...length { tip = commit("refs/heads/\(branch(topic))", "topic \(topic) step \(step)", from: tip) }
            main = commit("refs/heads/main", "main \(topic)", from: main)
            main = commit("refs/heads/main", "Merge branch '\(branch(topic))'", from: main, merge: tip)
            guard let later = followUpAfter else { continue }
            let followUp = commit("refs/heads/follow-up\(topic)", "follow-up \(topic)", from: tip)
            for index in 1...later { main = commit("refs/heads/main", "main \(topic).\(index)", from: main) }
            main = commit("refs/heads/main", "Merge branch 'follow-up\(topic)'", from: main, merge: followUp)
        }
        try Shell.run("/usr/bin/git", ["fast-import", "--quiet"], in: root, environment: Self.gitEnvironment, input: Data(stream.utf8))
        try git(["reset", "-q", "--hard", "main"])
    }
}

/// Folders under the system's temporary folder, removed when the test
/// process exits: most suites keep theirs for every test of an instance, and
/// a run of the whole suite makes a few gigabytes of repositories and stores.
enum TemporaryFolder {
    private static let made = Mutex<[URL]>([])
    private static let removedAtExit: Void = {
        atexit { TemporaryFolder.removeAll() }
    }()

    static func make(prefix: String) throws -> URL {
        _ = removedAtExit
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made.withLock { $0.append(url) }
        // Resolve /tmp symlinks so paths compare equal to what census stores.
        return url.resolvingSymlinksInPath()
    }

    private static func removeAll() {
        for url in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}

struct ShellError: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var stderr: String
    var description: String { "\(command) exited \(status): \(stderr)" }
}

enum Shell {
    /// Runs a program and returns its stdout; throws with stderr on a non-zero exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    environment: [String: String] = [:], input: Data? = nil) throws -> String {
        let result = try capture(executable, arguments, in: directory, environment: environment, input: input)
        guard result.status == 0 else {
            throw ShellError(command: ([executable] + arguments).joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func capture(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                        environment: [String: String] = [:], input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data()
        nonisolated(unsafe) var stderrData = Data()
        group.enter()
        DispatchQueue.global().async { stdoutData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { stderrData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let input {
            // A program that exits before reading all its input must fail its
            // test, not kill the test process with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            try? inPipe.fileHandleForWriting.write(contentsOf: input)
        }
        try? inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// The package's own folder, found from this file's path.
enum PackagePaths {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `census` executable built with the tests (`swift build --build-tests`).
    static var census: String {
        if let explicit = ProcessInfo.processInfo.environment["CENSUS_BIN"] { return explicit }
        let candidates = [".build/debug/census", ".build/release/census"].map { root.appendingPathComponent($0).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static var censusd: String {
        let candidates = [".build/debug/censusd", ".build/release/censusd"].map { root.appendingPathComponent($0).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static var sampleScript: String { root.appendingPathComponent("samples/make-sample-repo.sh").path }
}

/// Runs the real `census` binary.
enum CensusCLI {
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Shell.Result {
        try Shell.capture(PackagePaths.census, arguments, in: directory, environment: environment)
    }

    /// `census commits --format ndjson` of the store `db`, each record by its sha.
    static func commitsBySHA(_ db: String, environment: [String: String] = [:]) throws -> [String: [String: Any]] {
        let listed = try run(["commits", "--db", db, "--format", "ndjson"], environment: environment)
        var rows: [String: [String: Any]] = [:]
        for line in listed.stdout.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows[row["sha"] as? String ?? ""] = row
        }
        return rows
    }
}
