import CensusKit
import Foundation
import Hummingbird

/// The routes censusd serves: the dashboard, the JSON API, /metrics and the
/// health checks. Every request parameter is validated; repositories are named
/// only by their store id, so nothing from a request reaches the filesystem;
/// SQL is bound by the store; error bodies carry a message, never a trace.
public struct CensusHTTP: Sendable {
    public let collector: Collector
    public let metrics: CensusMetrics
    public let token: String?
    /// Requests a second per client; 0 is no limit.
    public let rateLimit: Int
    /// Answers that took at least this long to compute are served from the
    /// last computation while the next one runs (see `ResponseCache`).
    public let serveLastAbove: TimeInterval
    /// How long an answer (or a /metrics refresh) takes before it counts as slow.
    public static let slowAnswerSeconds: TimeInterval = 0.25
    let cache = ResponseCache()
    let inFlight = InFlightComputations()

    public init(collector: Collector, metrics: CensusMetrics, token: String?, rateLimit: Int = 100,
                serveLastAbove: TimeInterval = CensusHTTP.slowAnswerSeconds) {
        self.collector = collector
        self.metrics = metrics
        self.token = token
        self.rateLimit = rateLimit
        self.serveLastAbove = serveLastAbove
    }

    /// Every route and its method, as `router()` registers them.
    public static let routes: [String: HTTPRequest.Method] = [
        "/healthz": .get, "/readyz": .get, "/metrics": .get, "/": .get, "/api/v1/summary": .get,
        "/api/v1/trend": .get, "/api/v1/repos": .get, "/api/v1/commits": .get, "/api/v1/scan": .post,
        "/api/v1/openapi.json": .get,
    ]

    public func router() -> Router<CensusRequestContext> {
        let router = Router(context: CensusRequestContext.self)
        router.add(middleware: RequestLimits(rate: rateLimit))
        router.add(middleware: UnknownRoutes(routes: Self.routes))
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        router.get("/readyz") { _, _ in
            if let problem = await collector.census.storeProblem {
                return Self.text("store unavailable: \(problem)\n", status: .serviceUnavailable)
            }
            return await collector.firstRoundDone ? Self.text("ready\n") : Self.text("first scan in progress\n", status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let text = metrics.scrape(from: await collector.census)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/") { request, _ in
            do {
                return try await respond { try await cached(request) { try await dashboard(request) } }
            } catch let error as APIError where error.status == .forbidden {
                // A person at the dashboard gets a page saying why, not the API's JSON.
                return Response(status: .forbidden, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: Self.withheldPage(error.message))))
            }
        }
        router.get("/api/v1/summary") { request, _ in
            try await respond { try await cached(request) { (try await report(request).json(), "application/json") } }
        }
        router.get("/api/v1/trend") { request, _ in
            try await respond { try await cached(request) {
                let report = try await report(request)
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                struct Trend: Encodable { var interval: String; var timezone: String; var trend: [Report.Period] }
                let body = try encoder.encode(Trend(interval: report.scope.interval.rawValue, timezone: report.scope.timezone, trend: report.trend))
                return (String(decoding: body, as: UTF8.self), "application/json")
            } }
        }
        router.get("/api/v1/repos") { request, _ in
            try checkParameters(request, [])
            return try await respond { Self.json(try RepositoryEntry.json(try await collector.census.repositories())) }
        }
        router.get("/api/v1/commits") { request, _ in try await respond { try await commits(request) } }
        router.get("/api/v1/openapi.json") { _, _ in Self.json(EmbeddedOpenAPI.json) }
        router.post("/api/v1/scan") { request, _ in
            guard authorized(request) else { throw APIError(.unauthorized, "a valid Authorization: Bearer token is required") }
            await collector.trigger()
            return Self.json("{\"scan\":\"started\"}", status: .accepted)
        }
        return router
    }

    // MARK: - Auth

    func authorized(_ request: Request) -> Bool {
        guard let token, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return Self.constantTimeEqual(Array(header.dropFirst(7).utf8), Array(token.utf8))
    }

    /// Compares every byte whatever differs first, so the time taken says
    /// nothing about how much of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    // MARK: - Parameters

    /// Runs a route: a client's mistake is thrown as it is (`APIError`); any
    /// other failure becomes a 500 that names its kind, never a path or a trace.
    func respond(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as APIError {
            throw error
        } catch let error as CensusError {
            throw APIError(error.kind == .withheld ? .forbidden : .badRequest, error.message)
        } catch {
            let kind = (error as? StoreError).map { "\($0.kind)" } ?? "internal"
            throw APIError(.internalServerError, "the request could not be answered (\(kind))")
        }
    }

    /// The answer for this request target, computed once per store change
    /// (see `ResponseCache`); a bad request is never cached. An answer slow
    /// to compute is served as last computed, with its `Age` in seconds,
    /// while one computation brings it up to date.
    func cached(_ request: Request, _ compute: @escaping @Sendable () async throws -> (body: String, contentType: String)) async throws -> Response {
        let key = request.uri.string
        let version = try await collector.census.changeCounter()
        let generation = await collector.configurationGeneration
        if let hit = cache.lookup(key, storeVersion: version, configurationGeneration: generation) {
            return Self.answer(hit.body, hit.contentType)
        }
        let computeAndKeep: @Sendable () async throws -> (body: String, contentType: String) = { [cache] in
            let started = ProcessInfo.processInfo.systemUptime
            let answer = try await compute()
            let now = ProcessInfo.processInfo.systemUptime
            cache.store(key, .init(storeVersion: version, configurationGeneration: generation, created: now,
                                   computeSeconds: now - started, body: answer.body, contentType: answer.contentType))
            return answer
        }
        if let last = cache.latest(key, configurationGeneration: generation), last.computeSeconds >= serveLastAbove {
            await inFlight.refresh(key, storeVersion: version, configurationGeneration: generation, compute: computeAndKeep)
            let age = Int(ProcessInfo.processInfo.systemUptime - last.created)
            return Self.answer(last.body, last.contentType, age: age)
        }
        let answer = try await inFlight.answer(key, storeVersion: version, configurationGeneration: generation, compute: computeAndKeep)
        return Self.answer(answer.body, answer.contentType)
    }

    static func answer(_ body: String, _ contentType: String, age: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let age { headers[.age] = String(age) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func parameter(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The query parameters each route reads; any other is a client's mistake (400).
    static let reportParameters: Set<String> = ["repo", "since", "until", "date", "team", "interval", "timezone"]
    static let commitsParameters: Set<String> = ["repo", "since", "until", "class", "limit", "cursor"]

    /// Refuses a parameter the route does not read, so that a misspelt one
    /// (`sinec=`) is not silently ignored.
    func checkParameters(_ request: Request, _ allowed: Set<String>) throws {
        for (name, _) in request.uri.queryParameters where !allowed.contains(String(name)) {
            throw APIError(.badRequest, "\(String(name).prefix(40)): not a parameter of \(request.uri.path) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// `repo=`, repeatable: ids of scanned repositories (`repo=1&repo=6` is both).
    func repositoryIDs(_ request: Request) async throws -> [Int64] {
        let values = request.uri.queryParameters.getAll("repo").filter { !$0.isEmpty }
        guard !values.isEmpty else { return [] }
        let known = Set(try await collector.census.repositories().map(\.id))
        return try values.map { repo in
            guard let id = Int64(repo), id > 0, known.contains(id) else {
                throw APIError(.badRequest, "repo: no scanned repository with id '\(repo.prefix(40))' (see /api/v1/repos)")
            }
            return id
        }
    }

    /// The scope `repo=`, `since=`, `until=`, `date=` and `team=` name, and the teams in force.
    func scope(_ request: Request) async throws -> (Scope, [String: [String]]) {
        try checkParameters(request, Self.reportParameters)
        var scope = Scope()
        scope.repositoryIDs = try await repositoryIDs(request)
        try applyPeriod(request, to: &scope)
        if let date = parameter(request, "date") {
            guard let field = CommitDateField(rawValue: date) else { throw APIError(.badRequest, "date: author or committer") }
            scope.dateField = field
        }
        let teams = await collector.teams
        if let team = parameter(request, "team") {
            guard teams[team] != nil else { throw APIError(.badRequest, "team: no such team") }
            scope.team = team
        }
        return (scope, teams)
    }

    func options(_ request: Request) async throws -> ReportOptions {
        var options = await collector.census.reportOptions()
        if let interval = parameter(request, "interval") {
            guard let value = Interval(rawValue: interval) else { throw APIError(.badRequest, "interval: week or month") }
            options.interval = value
        }
        if let zone = parameter(request, "timezone") {
            guard zone.count <= 64, let timeZone = DateArgument.timeZone(zone) else { throw APIError(.badRequest, "timezone: UTC, +02:00 or a zone name") }
            options.timeZone = timeZone
            options.timeZoneLabel = zone
        }
        // The dashboard and API are shared: per-person figures stay anonymous.
        options.anonymize = true
        return options
    }

    func report(_ request: Request) async throws -> Report {
        let (scope, _) = try await scope(request)
        return try await collector.census.report(scope, options: try await options(request))
    }

    /// `since=` and `until=`: a date, or a client's 400 naming the parameter.
    func applyPeriod(_ request: Request, to scope: inout Scope) throws {
        for (name, keyPath) in [("since", \Scope.since), ("until", \Scope.until)] {
            if let text = parameter(request, name) {
                guard text.count <= 40 else { throw APIError(.badRequest, "\(name): \(DateArgument.Problem.notADate.explanation)") }
                do {
                    scope[keyPath: keyPath] = try DateArgument.value(text)
                } catch {
                    throw APIError(.badRequest, "\(name): \(error.explanation)")
                }
            }
        }
    }

    func commits(_ request: Request) async throws -> Response {
        try checkParameters(request, Self.commitsParameters)
        var scope = Scope()
        try applyPeriod(request, to: &scope)
        scope.repositoryIDs = try await repositoryIDs(request)
        if let commitClass = parameter(request, "class") {
            guard let value = CommitClass(rawValue: commitClass) else { throw APIError(.badRequest, "class: ai, human or bot") }
            scope.classes = [value]
        }
        var limit = 100
        if let text = parameter(request, "limit") {
            guard let value = Int(text), (1...1000).contains(value) else { throw APIError(.badRequest, "limit: 1 to 1000") }
            limit = value
        }
        // The API is pseudonymous, always: people as stable pseudonyms, evidence withheld.
        let page = try await collector.census.commitPage(scope, limit: limit, cursor: parameter(request, "cursor"), anonymize: true)
        struct Page: Encodable {
            var commits: [CommitLine]
            var nextCursor: String?
            enum CodingKeys: String, CodingKey { case commits, nextCursor = "next_cursor" }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(commits, forKey: .commits)
                try c.encode(nextCursor, forKey: .nextCursor)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(Page(commits: page.commits, nextCursor: page.nextCursor))
        return Self.json(String(decoding: body, as: UTF8.self))
    }

    // MARK: - Dashboard

    func dashboard(_ request: Request) async throws -> (body: String, contentType: String) {
        let (scope, teams) = try await scope(request)
        let census = await collector.census
        let report = try census.report(scope, options: try await options(request))
        let repositories = try census.repositories()
        let h = Sanitize.html
        func select(_ name: String, _ choices: [(String, String)]) -> String {
            let current = parameter(request, name) ?? ""
            return "<select name=\"\(name)\">" + choices.map { value, label in
                "<option value=\"\(h(value))\"\(value == current ? " selected" : "")>\(h(label))</option>"
            }.joined() + "</select>"
        }
        var controls = "<section><form class=\"filters\" method=\"get\" action=\"/\">"
        // Two repositories named alike (x/repo, y/repo) are told apart by path.
        let names = Dictionary(grouping: repositories, by: \.name)
        let choices = repositories.map { ("\($0.id)", (names[$0.name]?.count ?? 0) > 1 ? $0.path : $0.name) }
        controls += "<label>Repository" + select("repo", [("", "All repositories")] + choices) + "</label>"
        if !teams.isEmpty {
            // Teams below the minimum group are offered, but say they are withheld.
            var everyoneScope = scope
            everyoneScope.team = nil
            let everyone = scope.team == nil ? report : try census.report(everyoneScope, options: try await options(request))
            let small = Set(everyone.byTeam.filter(\.suppressed).map(\.team))
            controls += "<label>Team" + select("team", [("", "Everyone")] + teams.keys.sorted().map {
                ($0, small.contains($0) ? "\($0) (withheld: fewer than \(report.scope.minGroup) people)" : $0)
            }) + "</label>"
        }
        controls += "<label>Period" + select("since", [("", "All time"), ("30d", "Last 30 days"), ("90d", "Last 90 days"), ("1y", "Last year")]) + "</label>"
        controls += "<label>Trend by" + select("interval", [("month", "Month"), ("week", "Week")]) + "</label>"
        controls += "<button type=\"submit\">Show</button></form></section>\n"
        var appendix = "<section><h2>Repositories</h2><table><tr><th>repository</th><th class=\"n\">commits</th><th>last scan</th><th>by</th>"
            + "<th>AI adopted</th><th>last error</th></tr>"
        for repository in repositories {
            appendix += "<tr><td title=\"\(h(repository.path))\">\(h(repository.name))</td><td class=\"n\">\(repository.commits)</td>"
            appendix += "<td>\(h(repository.lastScanAt ?? "never"))</td><td>\(h(repository.collector ?? ""))</td>"
            let adopted = repository.adoptedAt.map { "\($0.prefix(10)) (\((repository.adoptionFiles ?? []).joined(separator: ", ")))" } ?? "—"
            appendix += "<td>\(h(adopted))</td><td class=\"error\">\(h(repository.lastError ?? ""))</td></tr>"
        }
        appendix += "</table></section>\n"
        return (ReportFormat.dashboard(report, controls: controls, appendix: appendix), "text/html; charset=utf-8")
    }

    /// The dashboard's answer for a team below the minimum group.
    static func withheldPage(_ message: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>CommitCensus: withheld</title></head>"
            + "<body><h1>Withheld</h1><p>\(Sanitize.html(message))</p><p><a href=\"/\">Back to everyone</a></p></body></html>\n"
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
