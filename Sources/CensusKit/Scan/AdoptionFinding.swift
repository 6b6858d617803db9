import Attribution
import CensusStore
import GitHistory

/// When a repository adopted AI tools: the commit that added an agent
/// configuration file its HEAD still has (`Catalogue.AgentConfiguration`,
/// whose paths `RulesSummary` lists).
/// Repository-level evidence, kept beside the repository, never in a verdict.
enum AdoptionFinding {
    /// Looks for the adoption when none is known yet, or when history is
    /// read whole (it may have been rewritten), and stores what changed. The
    /// look costs the history since the file came in; for a repository
    /// without one, one tree lookup at HEAD.
    static func update(_ repository: Repository, plan: ScanPlan, record: RepositoryRecord, repositoryID: Int64,
                       agentConfigurations paths: [String], store: any CommitStore) throws {
        let readWhole = !plan.upToDate && !plan.fastForward
        guard record.adoption == nil || readWhole else { return }
        let introduction: PathIntroduction?
        do {
            introduction = try repository.commitThatAdded(anyOf: paths, from: plan.head)
        } catch {
            // A HEAD libgit2 cannot read (census reads such commits itself) dates no adoption; the scan goes on.
            return
        }
        let found = introduction.map {
            RepositoryAdoption(commit: $0.commit.id.hex, at: $0.commit.author.time, files: $0.paths)
        }
        if found != record.adoption { try store.recordAdoption(repositoryID: repositoryID, found) }
    }
}
