internal import CLibGit2
import Foundation

/// A git directory of census's own in which lines are counted: it borrows
/// the repository's objects through `objects/info/alternates` and holds
/// nothing else of it, so that counts follow git's defaults and the
/// repository's committed `.gitattributes` only.
///
/// Counted in the repository itself, `git log --numstat` obeys the user's
/// configuration (`diff.algorithm`, `diff.renameLimit`, `log.showRoot`,
/// `core.bigFileThreshold`, `core.attributesFile`), the repository's local
/// configuration, `info/attributes`, replace refs and grafts, and — given
/// only `--git-dir` — the `.gitattributes` of whatever folder census was
/// started from. Here there is no configuration to obey, no ref to replace
/// an object, no graft; the work tree holds exactly the `.gitattributes`
/// files committed at the scanned HEAD, as a clean checkout of it would; and
/// the repository's `shallow` file is copied so that a shallow clone's
/// boundary commits count as roots, as in the repository itself.
public final class LineCountWorkspace: Sendable {
    /// The git directory git is pointed at.
    public let gitDirectory: String
    /// The work tree whose `.gitattributes` git reads (and where it runs).
    public let workTree: String
    /// An index file that does not exist: no attributes come from an index.
    public let indexFile: String
    /// A graft file that does not exist: no grafts.
    public let graftFile: String
    private let root: String

    /// Builds the workspace for `repository`, taking `.gitattributes` from `head`'s tree.
    public init(for repository: Repository, head: ObjectID?) throws(GitError) {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("census-lines-XXXXXX").path
        var buffer = Array(template.utf8CString)
        guard let made = mkdtemp(&buffer) else {
            throw GitError(kind: .other, message: "cannot make a folder to count lines in under \(FileManager.default.temporaryDirectory.path)", path: repository.requestedPath)
        }
        root = String(cString: made)
        gitDirectory = root + "/git"
        workTree = root + "/tree"
        indexFile = root + "/index"
        graftFile = root + "/grafts"
        do {
            try build(from: repository, head: head)
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw GitError(kind: .other, message: "cannot prepare line counting: \(error)", path: repository.requestedPath)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    private func build(from repository: Repository, head: ObjectID?) throws {
        let files = FileManager.default
        for folder in [gitDirectory + "/objects/info", gitDirectory + "/refs/heads", workTree] {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try "ref: refs/heads/census\n".write(toFile: gitDirectory + "/HEAD", atomically: false, encoding: .utf8)
        // core.worktree lets libgit2, when it counts instead of git, read the same .gitattributes.
        try "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = \(workTree)\n"
            .write(toFile: gitDirectory + "/config", atomically: false, encoding: .utf8)
        let objects = URL(fileURLWithPath: repository.commonDirectory + "/objects").standardizedFileURL.path
        try (objects + "\n").write(toFile: gitDirectory + "/objects/info/alternates", atomically: false, encoding: .utf8)
        let shallow = repository.commonDirectory + "/shallow"
        if files.fileExists(atPath: shallow) { try files.copyItem(atPath: shallow, toPath: gitDirectory + "/shallow") }
        if let head {
            for (path, content) in try repository.committedAttributes(at: head) {
                let file = workTree + "/" + path
                try files.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(content).write(to: URL(fileURLWithPath: file))
            }
        }
    }
}

extension Repository {
    /// The `.gitattributes` files committed in `commit`'s tree, by path —
    /// regular files only (git does not follow a symlinked one), at most 1,000
    /// of at most 1 MiB each; names that could leave a folder are skipped.
    public func committedAttributes(at commit: ObjectID) throws(GitError) -> [(path: String, content: [UInt8])] {
        try withTree(of: commit) { tree throws(GitError) in
            var found: [(path: String, content: [UInt8])] = []
            try collectAttributes(tree, prefix: "", into: &found)
            return found
        }
    }

    private func collectAttributes(_ tree: OpaquePointer?, prefix: String, into found: inout [(path: String, content: [UInt8])]) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard found.count < 1000, let entry = git_tree_entry_byindex(tree, index),
                  let rawName = git_tree_entry_name(entry) else { continue }
            let name = String(cString: rawName)
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else { continue }
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                var subtree: OpaquePointer?
                guard git_tree_lookup(&subtree, handle, git_tree_entry_id(entry)) == 0 else { continue }
                defer { git_tree_free(subtree) }
                try collectAttributes(subtree, prefix: prefix + name + "/", into: &found)
            case GIT_FILEMODE_BLOB where name == ".gitattributes", GIT_FILEMODE_BLOB_EXECUTABLE where name == ".gitattributes":
                var blob: OpaquePointer?
                guard git_blob_lookup(&blob, handle, git_tree_entry_id(entry)) == 0 else { continue }
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                guard size <= 1 << 20, let bytes = git_blob_rawcontent(blob) else { continue }
                found.append((prefix + name, Array(UnsafeRawBufferPointer(start: bytes, count: size))))
            default:
                continue
            }
        }
    }

    /// True when git would show this repository's history differently from
    /// how its commits record it: it has replace refs (`refs/replace/`) or a
    /// graft file. A scan reads the commits as recorded, as
    /// `git --no-replace-objects` does, and says so.
    public var hasReplacementsOrGrafts: Bool {
        if FileManager.default.fileExists(atPath: commonDirectory + "/info/grafts") { return true }
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, handle, "refs/replace/*") == 0 else { return false }
        defer { git_reference_iterator_free(iterator) }
        var name: UnsafePointer<CChar>?
        return git_reference_next_name(&name, iterator) == 0
    }
}
