/// The sentences every format shares about what the AI share rests on.
enum EvidenceLines {
    /// `trailers and identities 3.1% (310), session logs 0.4% (40)`: the sources that
    /// carry any of the share, strongest first; nil without AI commits.
    static func bySource(_ share: Report.Share) -> String? {
        let carrying = share.bySource.filter { $0.commits > 0 }
        guard !carrying.isEmpty else { return nil }
        return carrying.map { "\(label($0.source)) \(Formatting.percent($0.share)) (\($0.commits))" }.joined(separator: ", ")
    }

    /// `claude-code since 2026-05-28 (1 machine), codex since 2026-06-01 (2 machines)`; nil when no logs were read.
    static func horizon(_ share: Report.Share) -> String? {
        guard !share.sessionLogHorizon.isEmpty else { return nil }
        return share.sessionLogHorizon.map {
            "\($0.tool) since \($0.oldest.prefix(10)) (\($0.collectors) \($0.collectors == 1 ? "machine" : "machines"))"
        }.joined(separator: ", ")
    }

    static let horizonMeaning = "before those dates, no session evidence means unknown, not human"

    /// What `adopter_commits` is, beside its figure.
    static let exposureMeaning = "of commits were made by people at or after their own first AI commit (an upper reference, not AI)"

    /// `2026-03-02` — the day a repository adopted AI tools; nil before any agent configuration file.
    static func adoptionDay(_ figure: Report.RepositoryFigure) -> String? {
        figure.adoptedAt.map { String($0.prefix(10)) }
    }

    /// The one repository's adoption, for a report on one repository:
    /// `2026-03-02, when CLAUDE.md was added (commit 1a2b3c4d5e6f)`. Names are
    /// the repository's text: the caller escapes them for its format.
    static func singleRepositoryAdoption(_ report: Report) -> (day: String, files: [String], commit: String)? {
        guard report.byRepository.count == 1, let figure = report.byRepository.first, let day = adoptionDay(figure) else { return nil }
        return (day, figure.adoptionFiles ?? [], String((figure.adoptionCommit ?? "").prefix(12)))
    }

    /// What an untracked line is, beside its figure.
    static let untrackedMeaning = "(added in commits with git-ai notes, but under no key of them: neither AI's nor a person's, left out of the share)"

    static func label(_ source: String) -> String {
        switch source {
        case "trailer-identity": "trailers and identities"
        case "git-ai-notes": "git-ai notes"
        case "session-log": "session logs"
        case "agent-trace": "Agent Trace records"
        case "branch": "AI tools' branches"
        default: source
        }
    }
}
