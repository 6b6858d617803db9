import Foundation

/// Entire's checkpoints (entire.io, entireio/cli): a commit's
/// `Entire-Checkpoint: <id>` trailer names a checkpoint that Entire's CLI
/// condensed from an agent's session when the commit was made, and keeps in
/// the repository — as a subtree `<id[:2]>/<id[2:]>/` of the
/// `entire/checkpoints/v1` branch, or (CLI 0.10 and later) as the tree of the
/// ref `refs/entire/checkpoints/<id's last two characters>/<id>`. Its
/// `metadata.json` files name the agent of each session.
///
/// The trailer alone says Entire's hook ran (inferred); a checkpoint found
/// in the repository says an agent's session went into the commit, and which
/// agent (attested). Only the metadata is read: never a transcript or a prompt.
public enum EntireCheckpoint {
    /// The rule of the evidence a found checkpoint gives.
    public static let rule = "entire-checkpoint"
    /// The catalogue rule of the trailer.
    public static let trailerRule = "entire.checkpoint"
    /// Where the git-branch store keeps checkpoints (`refs/heads/…` or a remote's copy).
    public static let branches = ["refs/heads/entire/checkpoints/v1", "refs/remotes/origin/entire/checkpoints/v1"]
    /// At most this many sessions of one checkpoint are read.
    static let sessionLimit = 16

    /// The checkpoint ids a verdict's Entire trailers name: 12 hex digits
    /// (git-branch store) or a 26-character ULID (git-refs store); anything
    /// else — the repository's text is hostile — names none.
    public static func ids(in verdict: Verdict) -> [String] {
        verdict.evidence.compactMap { evidence in
            guard evidence.rule == trailerRule, let colon = evidence.matched.firstIndex(of: ":") else { return nil }
            let id = evidence.matched[evidence.matched.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return isID(id) ? id : nil
        }
    }

    static func isID(_ text: String) -> Bool {
        (text.utf8.count == 12 || text.utf8.count == 26)
            && text.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// The ref the git-refs store keeps checkpoint `id` under.
    public static func refName(of id: String) -> String {
        "refs/entire/checkpoints/\(id.suffix(2))/\(id)"
    }

    /// The folder of checkpoint `id` in the `entire/checkpoints/v1` tree.
    public static func branchFolder(of id: String) -> String {
        "\(id.prefix(2))/\(id.dropFirst(2))/"
    }

    /// The metadata files of a checkpoint, relative to its folder: the
    /// summary, then each session's.
    public static let metadataFiles = ["metadata.json"] + (0..<sessionLimit).map { "\($0)/metadata.json" }

    /// The agents named by a checkpoint's metadata documents (`"agent": "Claude Code"`), once each, in order.
    public static func agents(in documents: [[UInt8]]) -> [String] {
        var agents: [String] = []
        for document in documents {
            guard let object = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
                  let agent = object["agent"] as? String else { continue }
            let trimmed = agent.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, trimmed.count <= 100, !agents.contains(trimmed) { agents.append(trimmed) }
        }
        return agents
    }

    /// The evidence of checkpoint `id`, found with `agents` named: attested AI
    /// work of each agent the catalogue knows (`ai-unspecified` for the rest);
    /// of Entire itself when no agent is named.
    public static func evidence(id: String, agents: [String], classifier: Classifier) -> [Evidence] {
        guard !agents.isEmpty else {
            return [Evidence(rule: rule, kind: .sessionTrailer, tool: "entire", indicates: .ai, confidence: .attested,
                             matched: "entire checkpoint \(id): no agent named", counts: true)]
        }
        return agents.map { agent in
            Evidence(rule: rule, kind: .sessionTrailer, tool: classifier.toolID(named: agent) ?? "ai-unspecified",
                     indicates: .ai, confidence: .attested, matched: "entire checkpoint \(id): agent \(agent)", counts: true)
        }
    }
}

extension Classifier {
    /// Adds what a commit's Entire checkpoint says: the agents it names
    /// replace Entire's trailer as the tool (the trailer is kept, not
    /// counted: Entire recorded the work, the agent did it).
    public func adding(checkpoint evidence: [Evidence], to verdict: Verdict) -> Verdict {
        guard !evidence.isEmpty else { return verdict }
        var kept = verdict.evidence
        if evidence.contains(where: { $0.tool != "entire" }) {
            for index in kept.indices where kept[index].rule == EntireCheckpoint.trailerRule && kept[index].counts {
                kept[index].counts = false
                kept[index].note = "its checkpoint names the agent"
            }
        }
        let new = evidence.filter { !kept.contains($0) }
        guard !new.isEmpty else { return verdict }
        return Self.decided(kept + new, after: verdict, authorIsAI: verdict.mode == .agent)
    }
}
