import Hummingbird

/// The API's error body for requests no route answers: 404 for a path censusd
/// does not serve, 405 with `Allow` for a method its route does not take.
/// Hummingbird's router answers both with an empty 404.
struct UnknownRoutes<Context: RequestContext>: RouterMiddleware {
    let routes: [String: HTTPRequest.Method]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let method = routes[request.uri.path] else {
                throw APIError(.notFound, "no such route (see the README's API section)")
            }
            throw APIError(.methodNotAllowed, "\(request.uri.path) takes \(method.rawValue) only", headers: [.allow: method.rawValue])
        }
    }
}
