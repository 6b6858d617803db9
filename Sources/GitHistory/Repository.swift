internal import CGitLocalOnly
internal import CLibGit2
import Foundation

/// libgit2 is initialised once per process, before the first repository opens.
private let libgit2Ready: Bool = {
    // Named so that the linker keeps the loaders libgit2's initialisation would call.
    _ = census_local_only_linked()
    git_libgit2_init()
    // A collector reads other users' repositories (cron, a daemon under its own
    // user); ownership checks would refuse them without protecting anything.
    _ = census_git_set_owner_validation(0)
    _ = census_git_enable_strict_hash_verification(0)
    _ = census_git_set_commit_cache_limit(0)
    _ = census_git_set_mwindow(16 << 20, 32 << 20)
    // What census reads follows git's defaults and the repository, never the
    // configuration of whoever runs it (a mailmap.file, a diff setting): the
    // same repository gives the same figures on every collector. It also
    // spares cron and service users whose HOME cannot be read.
    for level in [GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_PROGRAMDATA] {
        _ = census_git_set_search_path(level, "")
    }
    return true
}()

/// A git repository opened for reading history.
///
/// A `Repository` is not thread-safe: open one per thread. It closes its
/// libgit2 handle when released.
public final class Repository {
    let handle: OpaquePointer
    /// The path the caller asked for, as given: used in every error message.
    public let requestedPath: String

    /// Opens the repository at `path`, which may be a work tree or a git
    /// directory (bare or not). With `searchParents`, a folder inside a work
    /// tree opens the enclosing repository, as `git` itself does.
    public init(at path: String, searchParents: Bool = false) throws(GitError) {
        _ = libgit2Ready
        requestedPath = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GitError(kind: .unreadable, message: "no such file or directory", path: path)
        }
        guard isDirectory.boolValue else {
            throw GitError(kind: .notARepository, message: "not a git repository (a file, not a folder)", path: path)
        }
        var pointer: OpaquePointer?
        let flags = searchParents ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let code = git_repository_open_ext(&pointer, path, flags, nil)
        guard code == 0, let pointer else {
            if code == GIT_ENOTFOUND.rawValue {
                throw GitError(kind: .notARepository, message: "not a git repository", path: path)
            }
            throw GitError.last(code, path: path)
        }
        handle = pointer
    }

    deinit {
        if let objectDatabase { git_odb_free(objectDatabase) }
        git_repository_free(handle)
    }

    /// The object database, opened on first use: commits are read from it raw.
    private(set) lazy var objectDatabase: OpaquePointer? = {
        var odb: OpaquePointer?
        return git_repository_odb(&odb, handle) == 0 ? odb : nil
    }()

    /// The pack files, mapped on first use: most commits are read from them
    /// without libgit2 (see `PackedObjects`).
    lazy var packedObjects: PackedObjects? = PackFiles(objectsDirectory: commonDirectory + "/objects").map(PackedObjects.init)

    /// The commits a shallow clone cut off from their parents (`.git/shallow`).
    /// libgit2 1.5 does not read this file during a walk, so walks treat these
    /// commits as roots themselves, as git does.
    public private(set) lazy var shallowBoundary: Set<ObjectID> = {
        let file = gitDirectory + "/shallow"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).compactMap { ObjectID(hex: String($0)) })
    }()

    /// The commit-graph git wrote for this repository, mapped once.
    private(set) lazy var commitGraph: CommitGraph? = CommitGraph(commonDirectory: commonDirectory)

    /// The git directory, without a trailing slash.
    public var gitDirectory: String {
        Self.trimmingSlash(String(cString: git_repository_path(handle)))
    }

    /// The work tree, or nil for a bare repository.
    public var workDirectory: String? {
        guard let raw = git_repository_workdir(handle) else { return nil }
        return Self.trimmingSlash(String(cString: raw))
    }

    public var isBare: Bool { git_repository_is_bare(handle) == 1 }
    /// A work tree added with `git worktree add`: it shares its history with
    /// the repository at `commonDirectory`.
    public var isLinkedWorktree: Bool { git_repository_is_worktree(handle) == 1 }
    /// The git directory that holds the objects and refs (the main
    /// repository's for a linked worktree), without a trailing slash.
    public var commonDirectory: String {
        Self.trimmingSlash(String(cString: git_repository_commondir(handle)))
    }
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }
    /// True when HEAD points at a branch with no commit yet (a new repository).
    public var isEmpty: Bool { git_repository_head_unborn(handle) == 1 }
    public var isHeadDetached: Bool { git_repository_head_detached(handle) == 1 }

    /// The commit HEAD points at, or nil while HEAD is unborn (a new, empty repository).
    public func head() throws(GitError) -> ObjectID? {
        if git_repository_head_unborn(handle) == 1 { return nil }
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, handle, "HEAD")
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EUNBORNBRANCH.rawValue { return nil }
        try check(code, path: requestedPath, context: "cannot resolve HEAD")
        return ObjectID(oid)
    }

    /// The short name of the branch HEAD is on (`main`), or nil when detached or unborn.
    public var headBranch: String? {
        var ref: OpaquePointer?
        guard git_repository_head(&ref, handle) == 0, let ref else { return nil }
        defer { git_reference_free(ref) }
        guard git_reference_is_branch(ref) == 1, let short = git_reference_shorthand(ref) else { return nil }
        return String(cString: short)
    }

    /// Resolves a revision (`HEAD`, a branch, a tag, a full or abbreviated id) to a commit id.
    public func resolve(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, handle, revision), path: requestedPath, context: "cannot resolve '\(revision)'")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), path: requestedPath, context: "'\(revision)' is not a commit")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled).pointee)
    }

    /// True when `descendant` has `ancestor` in its history (a commit is not its own descendant).
    public func isDescendant(_ descendant: ObjectID, of ancestor: ObjectID) -> Bool {
        var d = descendant.gitOID
        var a = ancestor.gitOID
        return git_graph_descendant_of(handle, &d, &a) == 1
    }

    /// True when the object database holds a commit with this id.
    public func containsCommit(_ id: ObjectID) -> Bool {
        var oid = id.gitOID
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, handle, &oid) == 0 else { return false }
        git_commit_free(commit)
        return true
    }

    static func trimmingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

extension Repository {
    /// How many commits the commit-graph files hold (`git commit-graph write`,
    /// which `git gc` and `git fetch` do by default), or nil without them.
    /// It counts every ref's history, not only HEAD's: an estimate, used for a
    /// first scan's progress.
    public var commitGraphCount: Int? { commitGraph?.count }
}

extension Repository {
    /// The device and inode of the common git directory: the same for every
    /// path that reaches this repository (a bind mount, a second name, its
    /// work tree opened as bare), and different for every other repository.
    public var storageIdentity: String? {
        var status = stat()
        guard stat(commonDirectory, &status) == 0 else { return nil }
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// Where a person finds this repository: its work tree when the work
    /// tree's `.git` leads back to this git directory (a clone, or one made
    /// with `--separate-git-dir`), else the git directory itself (a bare
    /// repository, or one of several git directories that share a work tree
    /// through `core.worktree`, as vcsh keeps them).
    public var location: String {
        guard let work = workDirectory, let target = Self.gitDirectory(ofWorkTree: work) else { return gitDirectory }
        var here = stat(), there = stat()
        guard stat(target, &there) == 0, stat(gitDirectory, &here) == 0 else { return gitDirectory }
        return here.st_dev == there.st_dev && here.st_ino == there.st_ino ? work : gitDirectory
    }

    /// The git directory a work tree's `.git` names, symlinks resolved: the
    /// `.git` folder itself, or the `gitdir:` line of a `.git` file (a
    /// `--separate-git-dir` repository, a submodule, a linked worktree);
    /// nil when the folder has no `.git`.
    public static func gitDirectory(ofWorkTree path: String) -> String? {
        let dotGit = (path as NSString).appendingPathComponent(".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isFolder) else { return nil }
        if isFolder.boolValue { return URL(fileURLWithPath: dotGit).resolvingSymlinksInPath().path }
        guard let text = try? String(contentsOfFile: dotGit, encoding: .utf8),
              let line = text.split(whereSeparator: \.isNewline).first, line.hasPrefix("gitdir:") else { return nil }
        let named = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        let absolute = named.hasPrefix("/") ? named : (path as NSString).appendingPathComponent(named)
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// What HEAD names when it is a symbolic reference (`refs/heads/main`).
    public var headReferenceName: String? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, handle, "HEAD") == 0 else { return nil }
        defer { git_reference_free(head) }
        return git_reference_symbolic_target(head).map { String(cString: $0) }
    }

    /// When HEAD names a branch with no commits (a bare repository whose
    /// default branch was never pushed), the branch a person would take for
    /// the default: `main`, `master`, `trunk` or `develop`, else the one whose
    /// tip was committed last. Nil when no local branch has a commit.
    public func fallbackBranch() -> (name: String, tip: ObjectID)? {
        var iterator: OpaquePointer?
        guard git_branch_iterator_new(&iterator, handle, GIT_BRANCH_LOCAL) == 0 else { return nil }
        defer { git_branch_iterator_free(iterator) }
        var branches: [(name: String, tip: ObjectID, time: Int64)] = []
        var reference: OpaquePointer?
        var type = GIT_BRANCH_LOCAL
        while git_branch_next(&reference, &type, iterator) == 0 {
            defer { git_reference_free(reference) }
            var name: UnsafePointer<CChar>?
            var resolved: OpaquePointer?
            guard git_branch_name(&name, reference) == 0, let name,
                  git_reference_resolve(&resolved, reference) == 0 else { continue }
            defer { git_reference_free(resolved) }
            guard let target = git_reference_target(resolved) else { continue }
            let tip = ObjectID(target.pointee)
            guard let commit = try? commit(tip) else { continue }
            branches.append((String(cString: name), tip, commit.committer.time))
        }
        for preferred in ["main", "master", "trunk", "develop"] {
            if let branch = branches.first(where: { $0.name == preferred }) { return (branch.name, branch.tip) }
        }
        return branches.max { ($0.time, $1.name) < ($1.time, $0.name) }.map { ($0.name, $0.tip) }
    }
}
