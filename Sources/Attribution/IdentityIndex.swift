/// Looks identities up by email, GitHub noreply id and login, strongest first.
struct IdentityIndex: Sendable {
    struct Match: Sendable {
        var identity: Catalogue.Identity
        /// 4 exact address, 3 GitHub id or name suffix, 2 login, 1 login pattern.
        var strength: Int
        /// The name suffix that matched (`" (aider)"`): the rest of the name and
        /// the address are the person's own.
        var nameSuffix: String?
    }

    private var byEmail: [String: Catalogue.Identity] = [:]
    private var byNoreplyLocal: [String: Catalogue.Identity] = [:]
    private var byGitHubID: [Int: Catalogue.Identity] = [:]
    private var byLogin: [String: Catalogue.Identity] = [:]
    private var loginSuffixes: [(String, Catalogue.Identity)] = []
    /// `ask-*[bot]` as its prefix and suffix.
    private var loginGlobs: [(prefix: String, suffix: String, identity: Catalogue.Identity)] = []
    private var nameSuffixes: [(String, Catalogue.Identity)] = []

    static let noreplyDomain = "@users.noreply.github.com"

    init(_ identities: [Catalogue.Identity]) {
        // Earlier entries win a clash, so the bundled AI identities keep their
        // addresses even when a generic bot pattern would also claim them.
        for identity in identities {
            for email in identity.emails ?? [] where byEmail[email.lowercased()] == nil {
                byEmail[email.lowercased()] = identity
            }
            for local in identity.noreplyLocals ?? [] where byNoreplyLocal[local.lowercased()] == nil {
                byNoreplyLocal[local.lowercased()] = identity
            }
            for id in identity.githubIDs ?? [] where byGitHubID[id] == nil { byGitHubID[id] = identity }
            for login in identity.logins ?? [] where byLogin[login.lowercased()] == nil {
                byLogin[login.lowercased()] = identity
            }
            for suffix in identity.loginSuffixes ?? [] { loginSuffixes.append((suffix.lowercased(), identity)) }
            for glob in identity.loginGlobs ?? [] {
                let parts = glob.lowercased().split(separator: "*", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { continue }
                loginGlobs.append((String(parts[0]), String(parts[1]), identity))
            }
            for suffix in identity.nameSuffixes ?? [] { nameSuffixes.append((suffix.lowercased(), identity)) }
        }
    }

    /// The best identity for a name and an email, or nil for an ordinary person.
    func match(name: String, email: String) -> Match? {
        let email = email.lowercased()
        var best: Match?
        func consider(_ identity: Catalogue.Identity?, _ strength: Int, suffix: String? = nil) {
            guard let identity else { return }
            if best == nil || strength > best!.strength { best = Match(identity: identity, strength: strength, nameSuffix: suffix) }
        }
        consider(byEmail[email], 4)
        if email.hasSuffix(Self.noreplyDomain) {
            let local = String(email.dropLast(Self.noreplyDomain.count))
            consider(byNoreplyLocal[local], 4)
            var login = local
            if let plus = local.firstIndex(of: "+") {
                login = String(local[local.index(after: plus)...])
                if let id = Int(local[..<plus]) { consider(byGitHubID[id], 3) }
            }
            consider(byLogin[login], 2)
            consider(loginPattern(login), 1)
        }
        let lowerName = name.lowercased()
        for (suffix, identity) in nameSuffixes where lowerName.hasSuffix(suffix) {
            consider(identity, 3, suffix: suffix)
        }
        // A display name counts only when it is an account name (`renovate[bot]`):
        // people are called Claude, Devin and Jules too.
        if lowerName.hasSuffix("[bot]") || lowerName.hasSuffix("-bot") || lowerName.hasSuffix("-robot") {
            consider(byLogin[lowerName], 2)
            consider(loginPattern(lowerName), 1)
        }
        return best
    }

    /// Globs first: `*-agent[bot]` is narrower than the `[bot]` every App's login ends with.
    private func loginPattern(_ login: String) -> Catalogue.Identity? {
        if let glob = loginGlobs.first(where: {
            login.count > $0.prefix.count + $0.suffix.count && login.hasPrefix($0.prefix) && login.hasSuffix($0.suffix)
        }) {
            return glob.identity
        }
        return loginSuffixes.first(where: { login.hasSuffix($0.0) && login.count > $0.0.count })?.1
    }
}
