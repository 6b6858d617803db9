import Attribution
import CensusStore
import Foundation
import GitHistory
import Reports

extension CommitCensus {
    /// The verdict of the commit `sha` names (an id or a unique prefix of at
    /// least four digits) and every signal behind it: from the store, in each
    /// scanned repository that holds it; else derived now from the repository
    /// at `repository` (a path or a stored repository's id; default: the
    /// current folder) exactly as a scan would.
    public func explain(_ sha: String, repository: String?) throws -> [ExplainedCommit] {
        // A stored repository's id names its path.
        let repository = try repository.map { try storedRepository(id: $0)?.path ?? $0 }
        // A repository not scanned yet is fine: the commit is classified live below.
        let ids = repository.map { (try? repositoryIDs(matching: [$0])) ?? [] }
        let matches = try store.commits(shaPrefix: sha).filter { ids == nil || ids!.contains($0.commit.repositoryId) }
        guard !matches.isEmpty else { return [try explainLive(sha, repository: repository)] }
        if Set(matches.map(\.commit.sha)).count > 1 {
            let listed = Set(matches.map { String($0.commit.sha.prefix(12)) }).sorted().joined(separator: ", ")
            throw CensusError("\(sha): ambiguous, matches \(listed); give more digits")
        }
        return matches.sorted { $0.repositoryPath < $1.repositoryPath }.map { match in
            let record = match.commit
            return ExplainedCommit(
                sha: record.sha, repository: match.repositoryPath, stored: true,
                authorName: record.authorName, authorEmail: record.authorEmail,
                authoredAt: record.authoredAt, authorOffset: record.authorOffset,
                committerName: record.committerName, committerEmail: record.committerEmail,
                subject: record.subject, isMerge: record.isMerge, reachable: record.reachable, verdict: record.verdict)
        }
    }

    private func explainLive(_ sha: String, repository: String?) throws -> ExplainedCommit {
        let classifier = try classifier()
        let live: LiveVerdict
        do {
            live = try LiveVerdict.derive(sha, inRepositoryAt: repository ?? ".", classifier: classifier)
        } catch {
            throw CensusError("\(sha): no such commit in the store\(repository.map { " or in \($0)" } ?? "")")
        }
        let commit = live.commit
        return ExplainedCommit(
            sha: commit.id.hex, repository: live.location, stored: false,
            authorName: commit.author.name, authorEmail: commit.author.email,
            authoredAt: commit.author.time, authorOffset: commit.author.offsetMinutes,
            committerName: commit.committer.name, committerEmail: commit.committer.email,
            subject: ParsedMessage(commit.message).subject, isMerge: commit.isMerge, reachable: true, verdict: live.verdict)
    }
}
