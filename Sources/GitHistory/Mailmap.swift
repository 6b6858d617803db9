internal import CLibGit2

/// The repository's `.mailmap` (work tree file, `mailmap.file` and
/// `mailmap.blob` config, as git reads them), used to fold one person's many
/// identities into one.
public final class Mailmap {
    private let handle: OpaquePointer?
    /// Histories repeat the same few thousand identities: resolve each once.
    private var cache: [Identity: (name: String, email: String)] = [:]

    /// A cache key that shares the strings' storage: no concatenation per lookup.
    private struct Identity: Hashable {
        var name: String
        var email: String
    }

    /// Loads the mailmap git would use for `repository`; an absent mailmap maps nothing.
    public init(for repository: Repository) {
        var pointer: OpaquePointer?
        if git_mailmap_from_repository(&pointer, repository.handle) == 0 {
            handle = pointer
        } else {
            handle = nil
        }
    }

    /// Parses mailmap text directly (the format of git's `.mailmap`).
    public init(text: String) {
        var pointer: OpaquePointer?
        let code = text.withCString { git_mailmap_from_buffer(&pointer, $0, text.utf8.count) }
        handle = code == 0 ? pointer : nil
    }

    deinit { if let handle { git_mailmap_free(handle) } }

    /// The canonical name and email for an identity.
    public func resolve(name: String, email: String) -> (name: String, email: String) {
        guard let handle else { return (name, email) }
        let key = Identity(name: name, email: email)
        if let known = cache[key] { return known }
        let resolved = resolveUncached(handle, name: name, email: email)
        if cache.count < 100_000 { cache[key] = resolved }
        return resolved
    }

    private func resolveUncached(_ handle: OpaquePointer, name: String, email: String) -> (name: String, email: String) {
        // libgit2 may hand back the very pointers it was given, so the inputs'
        // C strings must outlive the copies made here.
        return name.withCString { cName in
            email.withCString { cEmail in
                var outName: UnsafePointer<CChar>?
                var outEmail: UnsafePointer<CChar>?
                guard git_mailmap_resolve(&outName, &outEmail, handle, cName, cEmail) == 0 else { return (name, email) }
                return (outName.map { String(cString: $0) } ?? name, outEmail.map { String(cString: $0) } ?? email)
            }
        }
    }
}
