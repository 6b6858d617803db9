import Foundation
import Attribution
import CensusStore
import GitHistory

/// What a scan of one repository has to do, decided before a commit is
/// read: where HEAD is, whether anything changed since the last complete
/// scan, and which walk finds what is new.
struct ScanPlan: Sendable {
    var head: ObjectID
    var branch: String?
    var notes: ScanNotes
    /// The catalogue (or what the scanner derives) changed: every stored verdict is derived again.
    var catalogueChanged: Bool
    /// A notes ref moved: annotated commits are attributed again.
    var notesChanged: Bool
    /// The state of the repository's Entire checkpoint stores (`EntireCheckpoints.fingerprint`).
    var checkpointsTip = ""
    /// Entire checkpoints arrived or changed: commits whose trailer names one are attributed again.
    var checkpointsChanged = false
    /// HEAD of the last complete scan; nil for a shallow clone, which is walked in full each time.
    var previousHead: ObjectID?
    /// The last complete scan's HEAD is an ancestor of HEAD: only the commits between them are new.
    var fastForward: Bool
    /// Commits stored before this scan (empty on the fast path, which needs no list).
    var stored: Set<String>
    /// Another clone of the same origin scanned the repository lately, and
    /// this one is behind it (or lacks its HEAD): nothing here to add.
    var behindAnotherClone = false

    var upToDate: Bool { previousHead == head && !catalogueChanged && !notesChanged && !checkpointsChanged }

    /// What the store keeps of the notes and checkpoints at this scan: the
    /// notes refs' tips, then the checkpoints' digest when there are any.
    var storedTip: String { checkpointsTip.isEmpty ? notes.tip : notes.tip + Self.checkpointsSeparator + checkpointsTip }
    static let checkpointsSeparator = ";"
    /// Nothing stored yet: the walk needs no list of what is reachable, all it stores is.
    var firstScan: Bool { !fastForward && stored.isEmpty }
    /// History may have been rewritten: the walk gathers what is reachable now.
    var tracksReachable: Bool { !fastForward && !firstScan }

    /// The plan for `repository`, whose last scan `record` describes; nil when
    /// it has no commit to scan. Things the user should know go to `notices`.
    static func make(_ repository: Repository, record: RepositoryRecord, clone: String, stateVersion: String,
                     notesRefs: [String], store: any CommitStore, notices: inout [String]) throws -> ScanPlan? {
        guard let (head, branch) = try headToScan(repository, notices: &notices) else { return nil }
        if repository.hasReplacementsOrGrafts {
            notices.append("replace refs or grafts present: commits are counted as recorded, as `git --no-replace-objects` shows them")
        }
        if repository.isHeadDetached {
            notices.append("detached HEAD at \(head.hex.prefix(12)): scanning the history of that commit")
        }
        let notes = ScanNotes(repository, refs: notesRefs, head: head)
        let catalogueChanged = record.catalogueVersion != nil && record.catalogueVersion != stateVersion
        // A shallow clone can gain old history without HEAD moving (deepened,
        // unshallowed): it is walked in full each time, skipping what is stored.
        let shallow = repository.isShallow || record.isShallow
        let previousHead = shallow ? nil : record.scannedHead.flatMap(ObjectID.init(hex:))
        let storedTip = (record.notesTip ?? "").split(separator: checkpointsSeparator, maxSplits: 1, omittingEmptySubsequences: false)
        var plan = ScanPlan(head: head, branch: branch, notes: notes, catalogueChanged: catalogueChanged,
                            notesChanged: notes.tip != storedTip.first.map(String.init) ?? "", previousHead: previousHead,
                            fastForward: false, stored: [])
        plan.checkpointsTip = EntireCheckpoints.fingerprint(repository)
        plan.checkpointsChanged = plan.checkpointsTip != (storedTip.count > 1 ? String(storedTip[1]) : "")
        guard !plan.upToDate else { return plan }
        if let behind = behind(repository, head: head, record: record, clone: clone) {
            notices.append(behind)
            plan.behindAnotherClone = true
            return plan
        }
        plan.fastForward = !catalogueChanged && previousHead.map {
            repository.containsCommit($0) && repository.isDescendant(head, of: $0)
        } == true
        if !plan.fastForward, let id = record.id { plan.stored = try store.storedSHAs(repositoryID: id) }
        return plan
    }

    /// Another clone's scan is this one's to keep while that clone is alive:
    /// when it completed the last scan within a day and this clone is behind
    /// it, or lacks its HEAD (not fetched yet), a scan here would only mark
    /// that clone's newer commits unreachable. Returns why nothing is done.
    static func behind(_ repository: Repository, head: ObjectID, record: RepositoryRecord, clone: String) -> String? {
        guard let other = record.scannedFrom, other != clone, let hex = record.scannedHead, let scanned = ObjectID(hex: hex),
              let scannedAt = record.scannedAt, Date().timeIntervalSince1970 - scannedAt < 86_400, !repository.isShallow else { return nil }
        if !repository.containsCommit(scanned) {
            return "the HEAD scanned from \(other) (\(hex.prefix(12))) is not in this clone: fetch it, or leave the repository to that clone; skipped"
        }
        guard repository.isDescendant(scanned, of: head) else { return nil }
        return "this clone is behind the HEAD scanned from \(other) (\(hex.prefix(12))): nothing new here"
    }

    /// HEAD, or for a bare repository whose HEAD names a branch never pushed,
    /// the branch that holds its history; nil for an empty repository.
    static func headToScan(_ repository: Repository, notices: inout [String]) throws -> (ObjectID, String?)? {
        if let head = try repository.head() { return (head, repository.headBranch) }
        guard let fallback = repository.fallbackBranch() else { return nil }
        let named = repository.headReferenceName.map { $0.replacingOccurrences(of: "refs/heads/", with: "") } ?? "HEAD"
        notices.append("HEAD names branch \(named), which has no commits: scanning branch \(fallback.name) instead")
        return (fallback.tip, fallback.name)
    }

    /// Whether `sha`'s notes are read: for a commit whose verdict is made now —
    /// a new one, or any when the rules or the notes changed.
    func needsNotes(_ sha: String) -> Bool {
        !notes.isEmpty && (firstScan || catalogueChanged || notesChanged || !stored.contains(sha))
    }
}
