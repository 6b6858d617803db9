import Foundation
import GitHistory

/// Finds git repositories below a folder: work trees (a `.git` folder or
/// file) and bare repositories. Does not follow symbolic links (no loops).
/// It looks inside a work tree for independent repositories nested in it
/// (not its `.git`, and not its submodules or linked worktrees, whose
/// `.git` files lead back into its git directory), but not inside a git
/// directory.
public struct RepositoryDiscovery: Sendable {
    public var maxDepth: Int
    public var excludedNames: Set<String>

    public init(maxDepth: Int = 6, excludedNames: Set<String> = ["node_modules", ".build", "vendor", "Pods", "target", ".cache"]) {
        self.maxDepth = maxDepth
        self.excludedNames = excludedNames
    }

    /// What a search found below a root.
    public struct Found: Sendable {
        /// Repositories, sorted by path.
        public var repositories: [String] = []
        /// Folders that could not be read (permissions).
        public var unreadable: [String] = []
        /// Entries whose names are not valid UTF-8: no path to them can be
        /// written as text, so they are named with U+FFFD and skipped.
        public var undecodable: [String] = []
    }

    /// The repositories below `root` (not `root` itself), and what was skipped.
    public func search(under root: String) -> Found {
        var found = Found()
        search(root, depth: 0, enclosingGitDirectory: nil, found: &found)
        found.repositories.sort()
        return found
    }

    /// The repositories below `root` (not `root` itself), sorted by path, and
    /// the folders that could not be read.
    public func repositories(under root: String) -> (repositories: [String], unreadable: [String]) {
        let found = search(under: root)
        return (found.repositories, found.unreadable)
    }

    private func search(_ folder: String, depth: Int, enclosingGitDirectory: String?, found: inout Found) {
        guard depth <= maxDepth else { return }
        // readdir, not FileManager: FileManager drops names that are not valid
        // UTF-8 without a word, and a repository there would go uncounted.
        guard let directory = opendir(folder) else {
            found.unreadable.append(folder)
            return
        }
        var entries: [String] = []
        while let entry = readdir(directory) {
            let name: String? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.prefix { $0 != 0 }
                return String(validating: bytes, as: UTF8.self)
            }
            guard let name else {
                // Only folders can hold a repository.
                let type = entry.pointee.d_type
                guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) else { continue }
                let lossy = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                found.undecodable.append((folder as NSString).appendingPathComponent(lossy))
                continue
            }
            if name != "." && name != ".." { entries.append(name) }
        }
        closedir(directory)
        for entry in entries.sorted() where !excludedNames.contains(entry) {
            let path = (folder as NSString).appendingPathComponent(entry)
            guard Self.isRealDirectory(path) else { continue }
            if let enclosingGitDirectory, entry == ".git" || Self.leadsInto(path, enclosingGitDirectory) { continue }
            if Self.isRepository(path) {
                found.repositories.append(path)
                // A work tree may hold independent repositories; a git directory holds none.
                if let gitDirectory = Repository.gitDirectory(ofWorkTree: path) {
                    search(path, depth: depth + 1, enclosingGitDirectory: gitDirectory, found: &found)
                }
                continue
            }
            if entry.hasPrefix(".") { continue }
            search(path, depth: depth + 1, enclosingGitDirectory: enclosingGitDirectory, found: &found)
        }
    }

    /// True for a submodule or linked worktree of the repository whose git
    /// directory is `gitDirectory`: its `.git` file leads inside it.
    static func leadsInto(_ path: String, _ gitDirectory: String) -> Bool {
        let dotGit = (path as NSString).appendingPathComponent(".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isFolder), !isFolder.boolValue,
              let own = Repository.gitDirectory(ofWorkTree: path) else { return false }
        return own.hasPrefix(gitDirectory + "/")
    }

    /// A folder that is itself a repository: a work tree or a bare git directory.
    public static func isRepository(_ path: String) -> Bool {
        let fileManager = FileManager.default
        let dotGit = (path as NSString).appendingPathComponent(".git")
        if fileManager.fileExists(atPath: dotGit) { return true }
        return isGitDirectory(path)
    }

    static func isGitDirectory(_ path: String) -> Bool {
        let fileManager = FileManager.default
        func has(_ name: String) -> Bool { fileManager.fileExists(atPath: (path as NSString).appendingPathComponent(name)) }
        return has("HEAD") && has("objects") && has("refs")
    }

    static func isRealDirectory(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let type = attributes[.type] as? FileAttributeType else { return false }
        return type == .typeDirectory
    }
}
