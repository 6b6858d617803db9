import Foundation
import GitHistory

/// A repository to scan: its path, and whether the path may be a folder
/// inside its work tree (the enclosing repository is scanned then).
public struct ScanTarget: Sendable, Equatable {
    public var path: String
    public var searchParents: Bool

    public init(path: String, searchParents: Bool = false) {
        self.path = path
        self.searchParents = searchParents
    }
}

/// Turns the paths a user gives into repositories to scan.
public enum ScanTargets {
    public struct Resolved: Sendable {
        /// Repositories to scan, and whether each may open its enclosing repository.
        public var repositories: [ScanTarget] = []
        /// Paths that are neither a repository nor hold one, with the reason.
        public var failures: [(path: String, message: String)] = []
        /// Folders below a discovery root that could not be read.
        public var unreadable: [String] = []
        /// Entries below a discovery root whose names are not valid UTF-8.
        public var undecodable: [String] = []

        /// Adds another resolution's repositories (once each) and problems.
        public mutating func merge(_ other: Resolved) {
            let known = Set(repositories.map { HistoryScanner.canonicalPath($0.path) })
            repositories += other.repositories.filter { !known.contains(HistoryScanner.canonicalPath($0.path)) }
            failures += other.failures
            unreadable += other.unreadable
            undecodable += other.undecodable
        }
    }

    /// Each path is a repository (work tree or git directory), or a folder to
    /// search for repositories, or a folder inside a work tree.
    public static func resolve(_ paths: [String], discovery: RepositoryDiscovery = RepositoryDiscovery()) -> Resolved {
        var resolved = Resolved()
        var seen = Set<String>()
        func add(_ path: String, searchParents: Bool) {
            let key = HistoryScanner.canonicalPath(path)
            if seen.insert(key).inserted { resolved.repositories.append(ScanTarget(path: path, searchParents: searchParents)) }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                resolved.failures.append((path, "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                resolved.failures.append((path, "not a git repository (a file, not a folder)"))
                continue
            }
            if RepositoryDiscovery.isRepository(path) {
                add(path, searchParents: false)
                continue
            }
            let found = discovery.search(under: path)
            resolved.unreadable += found.unreadable
            resolved.undecodable += found.undecodable
            if !found.repositories.isEmpty {
                for repository in found.repositories { add(repository, searchParents: false) }
                continue
            }
            // A folder inside a work tree: scan the enclosing repository, as git would.
            if (try? Repository(at: path, searchParents: true)) != nil {
                add(path, searchParents: true)
                continue
            }
            resolved.failures.append((path, "not a git repository, and no repositories found below it"))
        }
        return resolved
    }

    /// The configuration's repositories and the repositories found under its
    /// roots (each root with its own depth and exclusions), once each.
    public static func resolve(_ configuration: CensusConfiguration) -> Resolved {
        var targets = resolve(configuration.repositories)
        for root in configuration.roots {
            let discovery = RepositoryDiscovery(maxDepth: root.depth,
                                                excludedNames: RepositoryDiscovery().excludedNames.union(root.exclude))
            targets.merge(resolve([root.path], discovery: discovery))
        }
        return targets
    }
}
