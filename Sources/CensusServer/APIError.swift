import Foundation
import Hummingbird
import NIOCore

/// An answer that is not the one asked for: a status and the API's documented
/// error body, `{"error": "…"}`. Routes and middleware throw it, and
/// Hummingbird's router turns it into the response (`HTTPResponseError`).
///
/// Hummingbird's own `HTTPError` writes `{"error": {"message": "…"}}`; clients
/// of /api/v1 read `error` as a string, so censusd keeps its shape.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = String(decoding: (try? JSONEncoder().encode(["error": message])) ?? Data("{}".utf8), as: UTF8.self)
        var response = CensusHTTP.json(body, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
