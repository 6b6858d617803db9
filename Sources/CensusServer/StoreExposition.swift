import CensusKit

/// The store's series on /metrics, in Prometheus' text format, written here
/// rather than registered: the registry copies a family's series each time
/// one is added, so making 2,000 repositories' ~24,000 series again on each
/// change took ~10 s, held the scrapes' lock, and starved /metrics while
/// collectors wrote. Written out, they cost a few milliseconds.
struct StoreExposition {
    private var families: [(name: String, type: String, help: String, lines: [String])] = []

    /// The series of `figures`: the organisation's distinct people, and each
    /// repository's, labelled by `label(repository)` and its id.
    init(_ figures: StoreFigures, label: (RepositoryFigures) -> String) {
        family("census_org_active_authors", "gauge", "People with a non-bot commit in any repository, each once")
        add(gauge: figures.activeAuthors, [])
        family("census_org_ai_authors", "gauge", "People with an AI commit in any repository, each once")
        add(gauge: figures.aiAuthors, [])
        let repos = figures.repositories.map { [("repo", label($0)), ("repo_id", "\($0.id)")] }
        perRepository(figures, repos, "census_repository_info", "A scanned repository: its name and its id (as census repos and /api/v1/repos show it)") { _ in 1 }
        family("census_commits_total", "counter",
               "Non-merge commits reachable from HEAD, by class and AI tool (tools overlap: a commit made with two counts for both)")
        for (repository, repo) in zip(figures.repositories, repos) {
            add(counter: repository.human, repo + [("class", "human"), ("tool", "")])
            add(counter: repository.bot, repo + [("class", "bot"), ("tool", "")])
            if repository.tools.isEmpty { add(counter: repository.ai, repo + [("class", "ai"), ("tool", "")]) }
            for tool in repository.tools { add(counter: tool.commits, repo + [("class", "ai"), ("tool", tool.tool)]) }
        }
        perRepository(figures, repos, "census_ai_commits", "Non-merge AI commits reachable from HEAD, each once whatever its tools") { Double($0.ai) }
        perRepository(figures, repos, "census_ai_share_ratio", "AI share of commits: ai / (ai + human)") {
            $0.ai + $0.human > 0 ? Double($0.ai) / Double($0.ai + $0.human) : 0
        }
        perRepository(figures, repos, "census_active_authors", "People with at least one non-bot commit") { Double($0.activeAuthors) }
        perRepository(figures, repos, "census_ai_authors", "People with at least one AI commit") { Double($0.aiAuthors) }
        perRepository(figures, repos, "census_repository_last_success_timestamp_seconds",
                      "Unix time the repository's last scan completed (0: never)") { $0.lastSuccess ?? 0 }
        perRepository(figures, repos, "census_repository_failing",
                      "1 when the repository's last scan failed (census repos shows the error)") { $0.failing ? 1 : 0 }
    }

    /// The text: each family's HELP and TYPE lines, then its series.
    var text: String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help.replacingOccurrences(of: "\\", with: "\\\\"))\n# TYPE \(family.name) \(family.type)\n"
            for line in family.lines { text += line }
        }
        return text
    }

    private mutating func perRepository(_ figures: StoreFigures, _ repos: [[(String, String)]], _ name: String, _ help: String,
                                        _ value: (RepositoryFigures) -> Double) {
        family(name, "gauge", help)
        for (repository, repo) in zip(figures.repositories, repos) { add(gauge: value(repository), repo) }
    }

    private mutating func family(_ name: String, _ type: String, _ help: String) {
        families.append((name, type, help, []))
    }

    private mutating func add(gauge value: some BinaryInteger, _ labels: [(String, String)]) {
        add(gauge: Double(value), labels)
    }

    /// A gauge's value as the registry writes it (Swift's `Double` text: `1.0`).
    private mutating func add(gauge value: Double, _ labels: [(String, String)]) {
        families[families.count - 1].lines.append(series(labels) + "\(value)\n")
    }

    /// A counter's value as the registry writes a whole count (`12`).
    private mutating func add(counter value: Int, _ labels: [(String, String)]) {
        families[families.count - 1].lines.append(series(labels) + "\(value)\n")
    }

    /// `name{label="value",…} ` with label values escaped as the format says.
    private func series(_ labels: [(String, String)]) -> String {
        let name = families[families.count - 1].name
        guard !labels.isEmpty else { return name + " " }
        let rendered = labels.map { key, value in
            key + "=\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        return name + "{" + rendered.joined(separator: ",") + "} "
    }
}
