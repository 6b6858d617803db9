import Foundation
import Synchronization

/// The AI coding tools whose local session logs CommitCensus reads.
public enum SessionTool: String, Sendable, CaseIterable, Codable {
    case claudeCode = "claude-code"
    case codex
    case aider
    case gemini
    case cursor
    case copilotCLI = "copilot"
    case opencode
}

/// A commit an agent's session says it made: git's summary line
/// (`[main def5678] subject`) printed by a `git commit`, cherry-pick, revert
/// or merge the agent ran, or a tool's own record of one. Held in memory only:
/// no command, output or subject is kept.
public struct CommitClaim: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The agent committed after editing in the same turn (aider) or session.
        case committed
        case amended
        case cherryPicked = "cherry-picked"
        /// aider committing the person's pending changes (a dirty commit, `/commit`): not the agent's code.
        case personsChanges = "persons-changes"
        /// The tool's own per-commit record of the AI lines in a commit a
        /// person made (Cursor's `scored_commits`): assisted, not the agent's commit.
        case scored
    }

    public var tool: SessionTool
    public var session: String
    public var time: Date?
    /// The abbreviated or full commit id, lower-case hex.
    public var sha: String
    public var kind: Kind
    /// The folder the agent worked in (Claude Code's `cwd`, Codex's `workdir`);
    /// used to find the repository, never stored.
    public var folder: String?
    /// Gemini CLI's project key: sha256 of the project root's path.
    public var projectHash: String?
    /// Whether the same session edited files before this claim.
    public var sessionEdited: Bool
    /// For a `scored` claim: the branch it was made on, and the lines the
    /// tool's agent (Cursor's Composer) and its completions (Tab) added.
    public var branch: String?
    public var agentLines: Int?
    public var completionLines: Int?
}

/// An agent's edit of a file: where, when, and the lines it added as salted
/// hashes (`AddedLine.hash`) — compared with a commit's added lines in
/// memory, never stored.
public struct EditEvent: Sendable {
    public var tool: SessionTool
    public var session: String
    public var time: Date?
    /// The file, as the log names it (absolute for Claude Code, Codex and Gemini CLI).
    public var path: String
    public var lines: Set<Int>
}

/// A line as edits and commits are compared: blanks collapsed; lines of three
/// characters or fewer (braces, `end`) say nothing about who wrote them.
public enum AddedLine {
    /// The key of the hashes: random per process, or the harvest cache's own
    /// (`HarvestCache`), so that hashes kept there match later runs' — and
    /// mean nothing anywhere else.
    static let key = Mutex<[UInt8]>((0..<16).map { _ in UInt8.random(in: 0...255) })

    public static func hash<S: StringProtocol>(_ line: S) -> Int? {
        let normalized = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard normalized.count > 3 else { return nil }
        return keyedHash(key.withLock { $0 }, normalized)
    }

    /// FNV-1a over the key, then the line: fast enough for every added line of
    /// every edit and commit. Not a secret-keeping hash — it need not be: the
    /// key sits beside the hashes, on the machine that holds the logs in the clear.
    static func keyedHash(_ key: [UInt8], _ line: String) -> Int {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key + Array(line.utf8) { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: state)
    }

    static func hashes(ofText text: String) -> Set<Int> {
        Set(text.split(whereSeparator: \.isNewline).compactMap { hash($0) })
    }

    /// The added lines of a unified diff (`+` lines, not the `+++` header).
    static func hashes(ofDiff diff: String) -> Set<Int> {
        Set(diff.split(whereSeparator: \.isNewline).compactMap { line in
            line.hasPrefix("+") && !line.hasPrefix("+++") ? hash(line.dropFirst()) : nil
        })
    }
}

/// What one source of logs holds, in counts and dates: the files read, the
/// sessions, the oldest and newest record, the edits and the commit claims.
public struct SessionLogSummary: Sendable {
    public var tool: SessionTool
    /// The folder or file read.
    public var location: String
    public var files = 0
    public var sessions = 0
    public var oldest: Date?
    public var newest: Date?
    public var edits = 0
    public var claims: [CommitClaim] = []
    /// The agents' edits with the lines they added (hashed), for commits a person made from them.
    public var editEvents: [EditEvent] = []
    /// Files that could not be read (unreadable; compressed with zstd where libzstd is missing, or broken).
    public var unreadFiles = 0
    /// Lines too long or not JSON, skipped.
    public var skippedLines = 0

    public init(tool: SessionTool, location: String) {
        self.tool = tool
        self.location = location
    }

    mutating func saw(_ time: Date?) {
        guard let time else { return }
        if oldest == nil || time < oldest! { oldest = time }
        if newest == nil || time > newest! { newest = time }
    }

    /// One file read (`skipped`: the lines the reader skipped) or not (nil): counted as such.
    mutating func finishFile(skipped: Int?, sessions: Int) -> SessionLogSummary {
        guard let skipped else {
            unreadFiles = 1
            return self
        }
        files = 1
        self.sessions = sessions
        skippedLines += skipped
        return self
    }

    mutating func add(_ file: SessionLogSummary) {
        files += file.files
        sessions += file.sessions
        if let time = file.oldest { saw(time) }
        if let time = file.newest { saw(time) }
        edits += file.edits
        claims += file.claims
        editEvents += file.editEvents
        unreadFiles += file.unreadFiles
        skippedLines += file.skippedLines
    }
}

/// Where each tool keeps its logs, following the tools' own environment
/// variables, and reading them: read-only, line by line, nothing kept but counts,
/// dates and commit claims.
public struct SessionLogs: Sendable {
    public var home: String
    public var environment: [String: String]

    /// `home` nil: the environment's `HOME`, else the account's home folder.
    public init(home: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.home = home ?? environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        self.environment = environment
    }

    /// Every source found: Claude Code's and Codex's session folders, Gemini
    /// CLI's chats, and aider's history in each of `repositories`' roots. With
    /// a `cache`, a log file unchanged since an earlier harvest is not read
    /// again (the databases, whose changes may be in their WAL, always are).
    public func summaries(repositories: [String], cache: HarvestCache? = nil) -> [SessionLogSummary] {
        var found: [SessionLogSummary] = []
        for folder in claudeFolders() { found.append(ClaudeCodeLog.read(folder: folder, cache: cache)) }
        if let root = codexRoot() { found.append(CodexLog.read(root: root, cache: cache)) }
        if FileManager.default.fileExists(atPath: cursorDatabase) { found.append(CursorTracking.read(database: cursorDatabase)) }
        if Self.isFolder(copilotFolder) { found.append(CopilotCLILog.read(folder: copilotFolder, cache: cache)) }
        if FileManager.default.fileExists(atPath: openCodeDatabase) { found.append(OpenCodeDatabase.read(database: openCodeDatabase)) }
        if Self.isFolder(geminiFolder) { found.append(GeminiChats.read(folder: geminiFolder, cache: cache)) }
        for repository in repositories {
            let history = (repository as NSString).appendingPathComponent(aiderHistoryName)
            if FileManager.default.isReadableFile(atPath: history) {
                found.append(HarvestCache.summary(of: history, in: cache) { AiderHistory.read(file: history) })
            }
        }
        return found
    }

    /// How many log files there are, their total size and the newest change:
    /// what changes when a tool writes, so that a collector scans again only then.
    public func state(repositories: [String]) -> String {
        var paths = claudeFolders().flatMap { SessionLogs.files(under: $0, endingWith: [".jsonl"]) }
        if let root = codexRoot() {
            paths += CodexLog.folders.flatMap { SessionLogs.files(under: (root as NSString).appendingPathComponent($0), endingWith: [".jsonl", ".zst"]) }
        }
        paths += SessionLogs.files(under: geminiFolder, endingWith: [".jsonl", ".json"])
        paths += [cursorDatabase, cursorDatabase + "-wal"]
        paths += SessionLogs.files(under: copilotFolder, endingWith: [".jsonl"])
        paths += [openCodeDatabase, openCodeDatabase + "-wal"]
        paths += repositories.map { ($0 as NSString).appendingPathComponent(aiderHistoryName) }
        var (count, bytes, newest) = (0, 0, 0.0)
        for path in paths {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            count += 1
            bytes += (attributes[.size] as? Int) ?? 0
            newest = max(newest, (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
        return "\(count):\(bytes):\(newest)"
    }

    /// `$CLAUDE_CONFIG_DIR` (a comma-separated list) or `~/.claude*` and
    /// `~/.config/claude`, each one's `projects` folder.
    func claudeFolders() -> [String] {
        var roots: [String]
        if let configured = environment["CLAUDE_CONFIG_DIR"], !configured.isEmpty {
            roots = configured.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        } else {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: home)) ?? []
            roots = entries.filter { $0 == ".claude" || $0.hasPrefix(".claude-") }.sorted()
                .map { (home as NSString).appendingPathComponent($0) }
            roots.append((home as NSString).appendingPathComponent(".config/claude"))
        }
        return roots.map { ($0 as NSString).appendingPathComponent("projects") }.filter(Self.isFolder)
    }

    /// aider's chat history in a repository's root: `$AIDER_CHAT_HISTORY_FILE`
    /// when it names a file there (a relative path), else `.aider.chat.history.md`.
    var aiderHistoryName: String {
        guard let configured = environment["AIDER_CHAT_HISTORY_FILE"], !configured.isEmpty, !configured.hasPrefix("/"),
              !configured.split(separator: "/").contains("..") else { return ".aider.chat.history.md" }
        return configured
    }

    /// Copilot CLI's sessions.
    var copilotFolder: String { (home as NSString).appendingPathComponent(".copilot/session-state") }

    /// OpenCode's database: `$XDG_DATA_HOME/opencode/opencode.db`, by default under `~/.local/share`.
    var openCodeDatabase: String {
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home as NSString).appendingPathComponent(".local/share")
        return (data as NSString).appendingPathComponent("opencode/opencode.db")
    }

    /// Cursor's AI code tracking database.
    var cursorDatabase: String { (home as NSString).appendingPathComponent(".cursor/ai-tracking/ai-code-tracking.db") }

    /// Gemini CLI's project folders, each with its `chats`.
    var geminiFolder: String { (home as NSString).appendingPathComponent(".gemini/tmp") }

    /// `$CODEX_HOME` (default `~/.codex`), when it holds `sessions` or `archived_sessions`.
    func codexRoot() -> String? {
        let root = environment["CODEX_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home as NSString).appendingPathComponent(".codex")
        let folders = CodexLog.folders.map { (root as NSString).appendingPathComponent($0) }
        return folders.contains(where: Self.isFolder) ? root : nil
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The files under `folder` whose names end with one of `extensions`, in path order.
    static func files(under folder: String, endingWith extensions: [String]) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if extensions.contains(where: { relative.hasSuffix($0) }) {
                found.append((folder as NSString).appendingPathComponent(relative))
            }
        }
        return found.sorted()
    }
}
