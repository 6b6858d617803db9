import Foundation

/// Finds git repositories below a folder: work trees (a `.git` folder or
/// file) and bare repositories. Does not follow symbolic links (no loops) and
/// does not descend into a repository it found.
public struct RepositoryDiscovery: Sendable {
    public var maxDepth: Int
    public var excludedNames: Set<String>

    public init(maxDepth: Int = 6, excludedNames: Set<String> = ["node_modules", ".build", "vendor", "Pods", "target", ".cache"]) {
        self.maxDepth = maxDepth
        self.excludedNames = excludedNames
    }

    /// The repositories below `root` (not `root` itself), sorted by path, and
    /// the folders that could not be read.
    public func repositories(under root: String) -> (repositories: [String], unreadable: [String]) {
        var found: [String] = []
        var unreadable: [String] = []
        search(root, depth: 0, found: &found, unreadable: &unreadable)
        return (found.sorted(), unreadable)
    }

    private func search(_ folder: String, depth: Int, found: inout [String], unreadable: inout [String]) {
        guard depth <= maxDepth else { return }
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: folder) else {
            unreadable.append(folder)
            return
        }
        for entry in entries.sorted() where !excludedNames.contains(entry) {
            let path = (folder as NSString).appendingPathComponent(entry)
            guard Self.isRealDirectory(path) else { continue }
            if Self.isRepository(path) {
                found.append(path)
                continue
            }
            if entry.hasPrefix(".") { continue }
            search(path, depth: depth + 1, found: &found, unreadable: &unreadable)
        }
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
