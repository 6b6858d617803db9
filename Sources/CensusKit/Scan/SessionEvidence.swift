import Attribution
import CensusStore
import Foundation
import GitHistory
import SessionLogs

/// The attributing stage's view of the AI tools' session logs: the commits
/// their agents made in one repository, as evidence. A claim counts only
/// when it names exactly one commit of the repository the session worked in
/// (its folder, or Gemini CLI's hash of the project root) and that commit was
/// made within `window` of the claim; its evidence says which tool and
/// session, never anything the log held.
enum SessionEvidence {
    /// How far a claim's time and its commit's may lie apart (machine clocks agree; git runs fast).
    static let window: TimeInterval = 5 * 60

    /// The evidence of every claim and edit that concerns `repository`: commits
    /// the agents made, then commits a person made from an agent's edits.
    static func evidence(_ harvest: SessionHarvest, repository: Repository) -> [ObjectID: [Evidence]] {
        var found = claimed(harvest.claims, repository: repository)
        for (id, evidence) in EditMatching.inferred(harvest.edits, repository: repository, besides: Set(found.keys)) {
            found[id, default: []].append(evidence)
        }
        return found
    }

    static func claimed(_ claims: [CommitClaim], repository: Repository) -> [ObjectID: [Evidence]] {
        let root = repository.workDirectory ?? repository.gitDirectory
        let resolvedRoot = resolved(root)
        let hashes = Set([SHA256.hex(trimmed(root)), SHA256.hex(resolvedRoot)])
        var found: [ObjectID: [Evidence]] = [:]
        for claim in claims where claim.kind == .scored {
            guard let id = commit(named: claim.sha, in: repository), scoredHere(claim, id, repository) else { continue }
            found[id, default: []].append(scoredEvidence(claim))
        }
        let head = try? repository.head()
        for claim in claims where claim.kind != .personsChanges && claim.kind != .scored && belongs(claim, root: resolvedRoot, hashes: hashes) {
            guard let id = commit(named: claim.sha, in: repository), let commit = try? repository.commit(id) else { continue }
            if let time = claim.time, abs(Double(commit.committer.time) - time.timeIntervalSince1970) > window { continue }
            guard let head, head != id, !repository.isDescendant(head, of: id) else {
                found[id, default: []].append(evidence(claim))
                continue
            }
            // Amended, rebased or cherry-picked since: the commit HEAD reaches with the same change, one step less sure.
            guard let copy = try? repository.rewrittenCopy(of: commit, head: head) else { continue }
            found[copy, default: []].append(evidence(claim, rewrittenFrom: id))
        }
        return found
    }

    /// A tool's record of a commit names no folder: a full id is the commit
    /// wherever it resolves; a short one only in a repository whose branch
    /// of the record's name reaches it.
    static func scoredHere(_ claim: CommitClaim, _ id: ObjectID, _ repository: Repository) -> Bool {
        if claim.sha.count >= 40 { return true }
        guard let branch = claim.branch, let tip = try? repository.resolve("refs/heads/" + branch) else { return false }
        return tip == id || repository.isDescendant(tip, of: id)
    }

    /// `session-log: cursor scored 12 agent + 3 completion lines`: a person's
    /// commit with lines the tool wrote, attested by the tool's own record.
    static func scoredEvidence(_ claim: CommitClaim) -> Evidence {
        Evidence(
            rule: Classifier.sessionEditsRule + claim.tool.rawValue, kind: .sessionLog, tool: claim.tool.rawValue, indicates: .ai,
            confidence: .attested,
            matched: "session-log: \(claim.tool.rawValue) scored \(claim.agentLines ?? 0) agent + \(claim.completionLines ?? 0) completion lines",
            counts: true, lines: (claim.agentLines ?? 0) + (claim.completionLines ?? 0))
    }

    /// The one commit an abbreviated id names in `repository`, or nil (none, several, not a commit).
    static func commit(named sha: String, in repository: Repository) -> ObjectID? {
        guard (4...64).contains(sha.count), sha.allSatisfy({ $0.isHexDigit }) else { return nil }
        // revparse also reads branch names: the id found must start with the claim.
        guard let id = try? repository.resolve(sha), id.hex.hasPrefix(sha.lowercased()) else { return nil }
        return id
    }

    static func belongs(_ claim: CommitClaim, root: String, hashes: Set<String>) -> Bool {
        if let folder = claim.folder { return self.folder(folder, isIn: root) }
        return claim.projectHash.map(hashes.contains) ?? false
    }

    /// Whether `folder` is `root` or below it (both resolved).
    static func folder(_ folder: String, isIn root: String) -> Bool {
        folder == root || folder.hasPrefix(root + "/")
    }

    /// `session-log: claude-code 9d9f3a1c committed`: the session by a hash of its id.
    /// A claim of a commit a rewrite replaced (`rewrittenFrom`) attests its copy
    /// only as inferred, and says which commit the session made.
    static func evidence(_ claim: CommitClaim, rewrittenFrom original: ObjectID? = nil) -> Evidence {
        let edited = claim.sessionEdited
        var matched = "session-log: \(claim.tool.rawValue) \(SHA256.hex(claim.session).prefix(8)) \(claim.kind.rawValue)"
        if let original { matched += " as \(original.hex.prefix(12))" + rewrittenMarker }
        return Evidence(
            rule: "session-log.\(claim.tool.rawValue)", kind: .sessionLog, tool: claim.tool.rawValue, indicates: .ai,
            confidence: edited && original == nil ? .attested : .inferred,
            matched: matched, counts: true, note: original != nil ? rewrittenNote : edited ? nil : uneditedNote)
    }

    static let rewrittenNote = "the session made a commit that a rebase or an amend replaced by this one, with the same change"
    static let rewrittenMarker = ", rewritten (same patch-id)"

    /// Stored session evidence as the harvest made it, to be weighed again
    /// (a catalogue change derives every verdict anew): counting, with its
    /// own note — which `Classifier.adding(session:)` replaces on a bot's commit.
    static func restored(_ evidence: Evidence) -> Evidence {
        guard !evidence.counts else { return evidence }
        var kept = evidence
        kept.counts = true
        kept.note = evidence.confidence == .attested ? nil
            : evidence.rule.hasPrefix(Classifier.sessionEditsRule) ? EditMatching.personCommittedNote
            : evidence.matched.contains(rewrittenMarker) ? rewrittenNote : uneditedNote
        return kept
    }

    static let uneditedNote = "the agent made the commit; its session recorded no edit of its own before"

    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

/// What a batch of scans read from the session logs, once.
struct SessionHarvest: Sendable {
    var claims: [CommitClaim] = []
    var edits: [EditEvent] = []
    /// How far back each tool's logs read on this machine reach.
    var horizons: [SessionHorizonRecord] = []
    var isEmpty: Bool { claims.isEmpty && edits.isEmpty }

    init() {}

    /// Folders and paths resolved here, once, rather than for every repository scanned.
    init(claims: [CommitClaim], edits: [EditEvent]) {
        self.claims = claims.map { claim in
            var claim = claim
            claim.folder = claim.folder.map(SessionEvidence.resolved)
            return claim
        }
        self.edits = edits.map { edit in
            var edit = edit
            edit.path = SessionEvidence.resolved(edit.path)
            return edit
        }
    }
}
