import Foundation
import Hummingbird
import NIOCore

/// The request context of censusd's routes: Hummingbird's basic context plus
/// the client's address, which the rate limit counts by.
public struct CensusRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Bounds what one client can ask of censusd, before any route runs:
/// - a request body over `maxBodyBytes` is refused with 413 (no route reads
///   more than a few bytes; a large body is only a way to hold memory);
/// - a target (path and query) over `maxTargetBytes` with 414;
/// - more than `rate` requests a second from one address, beyond a burst of
///   twice that, with 429 and `Retry-After`. Health checks are not counted, so
///   an orchestrator never sees a healthy daemon as down.
public struct RequestLimits: RouterMiddleware {
    public typealias Context = CensusRequestContext

    public static let maxBodyBytes = 64 << 10
    public static let maxTargetBytes = 8 << 10

    let buckets: TokenBuckets?

    public init(rate: Int) {
        buckets = rate > 0 ? TokenBuckets(rate: Double(rate), burst: Double(rate * 2)) : nil
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.string.utf8.count > Self.maxTargetBytes {
            throw APIError(.uriTooLong, "the request target is longer than \(Self.maxTargetBytes) bytes")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxBodyBytes {
            throw APIError(.contentTooLarge, "the request body is larger than \(Self.maxBodyBytes) bytes")
        }
        let path = request.uri.path
        if let buckets, path != "/healthz" && path != "/readyz" {
            let client = context.remoteAddress?.ipAddress ?? "unknown"
            if !buckets.take(client) {
                throw APIError(.tooManyRequests, "too many requests from \(client); slow down", headers: [.retryAfter: "1"])
            }
        }
        var request = request
        // A body without a length (chunked) is read up to the bound, no further.
        if request.headers[.contentLength] == nil, request.headers[.transferEncoding] != nil {
            do {
                let body = try await request.body.collect(upTo: Self.maxBodyBytes)
                request.body = .init(buffer: body)
            } catch {
                throw APIError(.contentTooLarge, "the request body is larger than \(Self.maxBodyBytes) bytes")
            }
        }
        return try await next(request, context)
    }
}

/// One token bucket per client: `rate` tokens a second up to `burst`.
/// Clients idle for a minute are forgotten, so the table cannot grow without end.
final class TokenBuckets: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, updated: TimeInterval)] = [:]
    private var lastSweep: TimeInterval = 0
    let rate: Double
    let burst: Double

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    func take(_ client: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Bool {
        lock.withLock {
            if now - lastSweep > 60 {
                buckets = buckets.filter { now - $0.value.updated < 60 }
                lastSweep = now
            }
            var bucket = buckets[client] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[client] = bucket
            return allowed
        }
    }
}
