/// The kinds of evidence an AI verdict can rest on, strongest first.
///
/// A report says how much of the AI share each kind carries. A commit can
/// carry several (a trailer and a session log), so each commit is counted
/// once, for the strongest kind among its counting AI evidence: the kinds
/// then add up to the AI share, and a weaker kind's figure is what it adds
/// beyond the stronger ones (session logs' figure is the commits that carry
/// no trailer, identity or notes).
public enum EvidenceSource: String, Codable, Sendable, CaseIterable {
    /// What the commit itself says: an author or committer identity, a
    /// co-author or disclosure trailer, a marker, a session trailer.
    case trailerOrIdentity = "trailer-identity"
    /// git-ai's notes (`refs/notes/ai`).
    case gitAINotes = "git-ai-notes"
    /// An AI tool's own session log on this machine.
    case sessionLog = "session-log"
    /// An Agent Trace record in the repository.
    case agentTrace = "agent-trace"
    /// The commit only arrived through a merge of an AI tool's branch.
    case branch

    public init(_ kind: SignalKind) {
        switch kind {
        case .notes: self = .gitAINotes
        case .sessionLog: self = .sessionLog
        case .agentTrace: self = .agentTrace
        case .branch: self = .branch
        case .author, .committer, .coAuthorTrailer, .assistedByTrailer, .marker, .sessionTrailer: self = .trailerOrIdentity
        }
    }

    /// The strongest source among `evidence` that counts towards AI; nil when none does.
    public static func strongest(of evidence: [Evidence]) -> EvidenceSource? {
        strongest(evidence.lazy.filter { $0.counts && $0.indicates == .ai }.map(\.kind))
    }

    /// The strongest source of `kinds`; nil for none.
    public static func strongest(_ kinds: some Sequence<SignalKind>) -> EvidenceSource? {
        var best: Int?
        for kind in kinds {
            let rank = allCases.firstIndex(of: EvidenceSource(kind))!
            if best.map({ rank < $0 }) ?? true { best = rank }
        }
        return best.map { allCases[$0] }
    }
}
