import Attribution
import Foundation
import GitHistory
import SessionLogs

/// Commits a person made from an agent's edits (tier I1 of
/// shared/reference/session-logs.md): no claim names them, but most of the
/// lines they add are lines an agent's session on this machine added to the
/// same files before, within a day. Compared as salted hashes in memory;
/// only the share is kept.
enum EditMatching {
    /// The longest a person takes to commit what an agent wrote.
    static let delay: TimeInterval = 24 * 3600
    /// The share of a commit's added lines that must be the agent's.
    static let threshold = 0.5
    static let personCommittedNote = "a person committed what the agent's session had written"

    /// One session's edits in this repository.
    struct Session {
        var tool: SessionTool
        var id: String
        /// Repository-relative path → (when it was edited, the lines added).
        var edits: [(path: String, time: TimeInterval, lines: Set<Int>)] = []
    }

    static func inferred(_ events: [EditEvent], repository: Repository, besides claimed: Set<ObjectID>) -> [ObjectID: Evidence] {
        guard let root = repository.workDirectory.map(SessionEvidence.resolved) else { return [:] }
        let sessions = sessionsEditing(root: root, events)
        let times = sessions.flatMap { $0.edits.map(\.time) }
        guard let first = times.min(), let last = times.max(), let head = try? repository.head() else { return [:] }
        let identity = repository.configuredEmail?.lowercased()
        var found: [ObjectID: Evidence] = [:]
        // Newest first: once a long run of commits is older than the first edit, the rest of history is too.
        var olderInARow = 0
        try? repository.walk(from: [head]) { commit in
            let time = TimeInterval(commit.committer.time)
            olderInARow = time < first - 86_400 ? olderInARow + 1 : 0
            if olderInARow >= 500 { return false }
            guard !commit.isMerge, !claimed.contains(commit.id), time >= first, time <= last + delay else { return true }
            // A commit made on this machine: its git identity is the author's or the committer's.
            if let identity, ![commit.author.email, commit.committer.email].contains(where: { $0.lowercased() == identity }) { return true }
            if let evidence = match(commit, repository: repository, sessions: sessions) { found[commit.id] = evidence }
            return true
        }
        return found
    }

    /// The edits of files inside `root`, by session, with repository-relative paths.
    static func sessionsEditing(root: String, _ events: [EditEvent]) -> [Session] {
        var byID: [String: Session] = [:]
        for event in events {
            guard let time = event.time?.timeIntervalSince1970, !event.lines.isEmpty else { continue }
            let path = event.path
            guard path.hasPrefix(root + "/") else { continue }
            let key = "\(event.tool.rawValue) \(event.session)"
            byID[key, default: Session(tool: event.tool, id: event.session)].edits
                .append((String(path.dropFirst(root.count + 1)), time, event.lines))
        }
        return byID.values.sorted { $0.id < $1.id }
    }

    /// The session whose earlier edits hold most of `commit`'s added lines, when that is at least `threshold`.
    static func match(_ commit: Commit, repository: Repository, sessions: [Session]) -> Evidence? {
        let time = TimeInterval(commit.committer.time)
        guard let added = try? repository.addedLines(for: commit.id) else { return nil }
        let lines = added.compactMap { entry in AddedLine.hash(entry.line).map { (entry.path, $0) } }
        guard !lines.isEmpty else { return nil }
        let paths = Set(lines.map(\.0))
        var best: (session: Session, share: Double)?
        for session in sessions {
            let before = session.edits.filter { $0.time <= time + 60 && time - $0.time <= delay && paths.contains($0.path) }
            guard !before.isEmpty else { continue }
            let theirs = before.reduce(into: Set<Int>()) { $0.formUnion($1.lines) }
            let share = Double(lines.filter { theirs.contains($0.1) }.count) / Double(lines.count)
            if share >= threshold, share > (best?.share ?? 0) { best = (session, share) }
        }
        guard let best else { return nil }
        let percent = Int((best.share * 100).rounded())
        return Evidence(
            rule: Classifier.sessionEditsRule + best.session.tool.rawValue, kind: .sessionLog, tool: best.session.tool.rawValue,
            indicates: .ai, confidence: .inferred,
            matched: "session-log: \(best.session.tool.rawValue) \(SHA256.hex(best.session.id).prefix(8)) edits, \(percent)% of added lines",
            counts: true, note: personCommittedNote)
    }
}
