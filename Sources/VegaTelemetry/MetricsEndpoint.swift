#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// Why the metrics endpoint could not be configured or started.
public enum MetricsEndpointError: Error, Equatable, CustomStringConvertible {
    /// ``MetricsEndpoint/start()`` was called on a running endpoint.
    case alreadyRunning(port: Int)
    /// Binding `host:port` failed (`reason` is the system's message).
    case bindFailed(host: String, port: Int, reason: String)
    /// The port is outside 0…65535.
    case invalidPort(Int)
    /// The environment variable meant to hold the bearer token is unset.
    case tokenVariableUnset(String)
    /// The environment variable meant to hold the bearer token is empty or has whitespace.
    case tokenVariableInvalid(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let p): "metrics endpoint: already running on port \(p)"
        case .bindFailed(let h, let p, let r): "metrics endpoint: cannot listen on \(h):\(p): \(r)"
        case .invalidPort(let p): "metrics endpoint: port \(p) is outside 0…65535 (0 picks a free port)"
        case .tokenVariableUnset(let v): "metrics endpoint: bearer token variable \(v) is not set"
        case .tokenVariableInvalid(let v): "metrics endpoint: bearer token variable \(v) is empty or contains whitespace"
        }
    }
}

/// Serves a Prometheus registry over HTTP/1.1 (SwiftNIO): `GET /metrics` answers the Prometheus
/// text format (version 0.0.4); other paths get 404, other methods 405 (with `Allow: GET, HEAD`).
///
/// With a bearer token configured, every request must carry `Authorization: Bearer <token>`
/// (compared in constant time); a missing or wrong one gets 401 with `WWW-Authenticate: Bearer`.
/// The endpoint owns a one-thread event loop group, created by ``start()`` and shut down by
/// ``stop()``; stop it before dropping it (a running endpoint's `deinit` only logs the leak).
public final class MetricsEndpoint: Sendable {
    /// Where to listen and whom to answer.
    public struct Configuration: Sendable {
        /// The address to bind (default loopback: scrape through a tunnel or a sidecar).
        public var host: String
        /// The port; 0 picks a free one (``MetricsEndpoint/port`` reports it). Default 9464.
        public var port: Int
        /// When set, requests must carry `Authorization: Bearer <token>`.
        public var bearerToken: String?

        public init(host: String = "127.0.0.1", port: Int = 9464, bearerToken: String? = nil) {
            self.host = host
            self.port = port
            self.bearerToken = bearerToken
        }

        /// Reads the bearer token from environment variable `variable` (keep tokens out of
        /// configuration files). - Throws: ``MetricsEndpointError`` when unset, empty or spaced.
        public static func bearerToken(fromEnvironment variable: String) throws(MetricsEndpointError) -> String {
            guard let raw = getenv(variable) else { throw .tokenVariableUnset(variable) }
            let token = String(cString: raw)
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace }) else { throw .tokenVariableInvalid(variable) }
            return token
        }
    }

    /// The registry served.
    public let registry: PrometheusCollectorRegistry
    public let configuration: Configuration
    let logger: Logger

    struct Running: @unchecked Sendable {
        // @unchecked: MultiThreadedEventLoopGroup and Channel are Sendable; kept together under a mutex.
        var group: MultiThreadedEventLoopGroup
        var channel: any Channel
        var port: Int
    }

    let running = Mutex<Running?>(nil)

    public init(registry: PrometheusCollectorRegistry, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "vega.telemetry.endpoint")) {
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        if let r = running.withLock({ $0 }) {
            logger.error("metrics endpoint dropped while running on port \(r.port): call stop() first")
        }
    }

    /// The bound port while running (the real one when configured with 0), else `nil`.
    public var port: Int? { running.withLock { $0?.port } }

    /// Binds and starts serving; returns the bound port.
    /// - Throws: ``MetricsEndpointError`` (`alreadyRunning`, `invalidPort`, `bindFailed`).
    @discardableResult
    public func start() async throws(MetricsEndpointError) -> Int {
        if let p = port { throw .alreadyRunning(port: p) }
        guard (0...65_535).contains(configuration.port) else { throw .invalidPort(configuration.port) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let registry = self.registry
        let token = configuration.bearerToken.map { Array($0.utf8) }
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        MetricsHTTPHandler(registry: registry, token: token, logger: logger))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw .bindFailed(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        let bound = channel.localAddress?.port ?? configuration.port
        let lost = running.withLock { r -> Bool in
            if r != nil { return true }
            r = Running(group: group, channel: channel, port: bound)
            return false
        }
        if lost {  // another start() won the race
            try? await channel.close()
            try? await group.shutdownGracefully()
            throw .alreadyRunning(port: port ?? bound)
        }
        logger.info("metrics endpoint listening", metadata: ["host": "\(configuration.host)", "port": "\(bound)",
                                                            "auth": "\(configuration.bearerToken == nil ? "none" : "bearer")"])
        return bound
    }

    /// Stops listening, closes the connections and shuts the event loop group down. Does nothing
    /// when not running.
    public func stop() async {
        guard let r = running.withLock({ r -> Running? in defer { r = nil }; return r }) else { return }
        try? await r.channel.close()
        do {
            try await r.group.shutdownGracefully()
        } catch {
            logger.error("metrics endpoint: event loop shutdown failed: \(error)")
        }
    }
}

/// One connection's HTTP handling: routes, authenticates, renders the registry.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    let token: [UInt8]?
    let logger: Logger
    var head: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, token: [UInt8]?, logger: Logger) {
        self.registry = registry
        self.token = token
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break  // a scrape has no body; ignore whatever is sent
        case .end:
            guard let h = head else { return }
            head = nil
            respond(to: h, context: context)
        }
    }

    func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        if let token, !Self.authorised(request.headers, token: token) {
            logger.debug("metrics endpoint: unauthorised request", metadata: ["uri": "\(request.uri)"])
            send(.unauthorized, "unauthorised: send Authorization: Bearer <token>\n", extra: [("WWW-Authenticate", "Bearer")],
                 request: request, context: context)
            return
        }
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard path == "/metrics" else {
            send(.notFound, "not found: metrics are at /metrics\n", request: request, context: context)
            return
        }
        guard request.method == .GET || request.method == .HEAD else {
            send(.methodNotAllowed, "method \(request.method.rawValue) not allowed: use GET\n", extra: [("Allow", "GET, HEAD")],
                 request: request, context: context)
            return
        }
        let body = registry.emitToBuffer()
        send(.ok, body, contentType: "text/plain; version=0.0.4; charset=utf-8", request: request, context: context)
    }

    func send(_ status: HTTPResponseStatus, _ text: String, extra: [(String, String)] = [], request: HTTPRequestHead,
              context: ChannelHandlerContext) {
        send(status, Array(text.utf8), contentType: "text/plain; charset=utf-8", extra: extra, request: request, context: context)
    }

    func send(_ status: HTTPResponseStatus, _ body: [UInt8], contentType: String, extra: [(String, String)] = [],
              request: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.count)")])
        for (k, v) in extra { headers.add(name: k, value: v) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// `Authorization: Bearer <token>`, the token compared in constant time.
    static func authorised(_ headers: HTTPHeaders, token: [UInt8]) -> Bool {
        guard let value = headers["Authorization"].first else { return false }
        let prefix = "bearer "
        guard value.count > prefix.count, value.lowercased().hasPrefix(prefix) else { return false }
        let given = Array(value.utf8.dropFirst(prefix.utf8.count))
        var diff = UInt8(given.count == token.count ? 0 : 1)
        for i in 0..<token.count { diff |= token[i] ^ (i < given.count ? given[i] : 0) }
        return diff == 0
    }
}
