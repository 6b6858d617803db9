import Foundation

/// A repository's identity across machines: the URL of its `origin` remote,
/// reduced to host and path, so that two clones of one origin — on one
/// machine or on two collectors writing to one PostgreSQL — are one
/// repository, whatever protocol, user or credentials each was cloned with.
///
/// `https://user:token@GitHub.com/Org/Repo.git`, `git@github.com:org/repo`
/// and `ssh://git@github.com:22/org/repo/` are all `github.com/org/repo`.
/// A local remote (a path, `file://`) names a folder of one machine, not a
/// repository of the fleet: it gives no identity, and the repository is
/// known by its path as before. Credentials never survive normalisation, so
/// they never reach the store.
public enum OriginIdentity {
    /// Hosts whose repository paths are case-insensitive.
    static let caseInsensitiveHosts: Set<String> = ["github.com", "gitlab.com", "bitbucket.org"]
    static let networkSchemes: Set<String> = ["https", "http", "ssh", "git", "git+ssh", "ssh+git"]

    /// `url` as an identity (`host/path`), or nil when it names no network repository.
    public static func normalised(_ url: String) -> String? {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let (authority, path) = split(text) else { return nil }
        var host = authority
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasPrefix("["), let bracket = host.firstIndex(of: "]") {
            host = String(host[...bracket])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        host = host.lowercased()
        var trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        if trimmed.hasPrefix("~") { trimmed.removeFirst() }
        if trimmed.hasSuffix(".git") { trimmed.removeLast(4) }
        guard !host.isEmpty, !trimmed.isEmpty, host.allSatisfy({ !$0.isWhitespace && !$0.isNewline }) else { return nil }
        if caseInsensitiveHosts.contains(host) { trimmed = trimmed.lowercased() }
        return host + "/" + trimmed
    }

    /// The authority and the path of a URL (`scheme://authority/path`) or of
    /// an scp-like address (`user@host:path`); nil for a local path.
    private static func split(_ text: String) -> (authority: String, path: String)? {
        if let scheme = text.range(of: "://") {
            guard networkSchemes.contains(text[..<scheme.lowerBound].lowercased()) else { return nil }
            let rest = text[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            return (String(rest[..<slash]), String(rest[slash...]))
        }
        // scp-like: a colon before any slash, and not a Windows drive letter.
        guard let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/"),
              text.distance(from: text.startIndex, to: colon) > 1 else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
