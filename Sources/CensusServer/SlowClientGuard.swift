import Foundation
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// How long censusd waits for a client, and how many connections one client
/// may hold (`http.header_timeout`, `http.idle_timeout`,
/// `http.max_connections_per_client`).
public struct ConnectionLimits: Sendable {
    /// From a connection's start, or the end of its last response, until the
    /// next request's head has arrived: a client sending a byte a second, or
    /// nothing, is cut off here.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// From a request's head until its body has arrived.
    public var requestTimeout: TimeAmount = .seconds(30)
    /// Connections one address may hold open at once; more are closed at once.
    public var maxConnectionsPerClient = 32

    public init() {}
}

/// Counts the open connections of each client address, across the server.
final class ClientConnections: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    /// Takes a place for `client`; false when it already holds `limit`.
    func open(_ client: String, limit: Int) -> Bool {
        counts.withLockedValue { counts in
            let held = counts[client, default: 0]
            guard held < limit else { return false }
            counts[client] = held + 1
            return true
        }
    }

    func close(_ client: String) {
        counts.withLockedValue { counts in
            let held = counts[client, default: 0] - 1
            counts[client] = held > 0 ? held : nil
        }
    }
}

/// One connection's guard against slow and greedy clients: a deadline for
/// each request's head and body (an idle or trickling connection is closed),
/// and a cap on the connections a client address holds.
///
/// It sits after the HTTP decoder, so it sees request heads and ends, and
/// the ends of responses: no deadline runs while censusd itself is answering.
final class SlowClientGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let clients: ClientConnections
    private var client: String?
    private var started = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, clients: ClientConnections) {
        self.limits = limits
        self.clients = clients
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard clients.open(address, limit: limits.maxConnectionsPerClient) else {
            context.close(promise: nil)
            return
        }
        client = address
        arm(context, limits.headerTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, limits.requestTimeout)
        case .end: disarm()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context, limits.headerTimeout) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    /// Stops the deadline and gives the client's place back, once.
    private func release() {
        disarm()
        if let client { clients.close(client) }
        client = nil
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}


extension ConnectionLimits {
    /// Hummingbird's HTTP/1 server with these limits on every connection
    /// (one guard per connection, one count of clients per server).
    public var server: HTTPServerBuilder {
        let clients = ClientConnections()
        let limits = self
        return .http1(configuration: .init(additionalChannelHandlers: [SlowClientGuard(limits: limits, clients: clients)]))
    }
}
