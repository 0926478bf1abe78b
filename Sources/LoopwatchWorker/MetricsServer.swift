import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The tiny HTTP endpoint on `metrics.listen`: `/metrics` (Prometheus text), `/healthz` (the
/// loops are alive), `/readyz` (every assigned partition restored).
public struct MetricsServer: Service {
    let host: String
    let port: Int
    let metrics: WorkerMetrics
    let status: WorkerStatus
    let logger: Logger
    /// How stale the processing heartbeat may be before `/healthz` fails.
    let livenessLimit: Duration

    /// A server for `listen` (`host:port`).
    public init(
        listen: String, metrics: WorkerMetrics, status: WorkerStatus, logger: Logger,
        livenessLimit: Duration = .seconds(30)
    ) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw WorkerError(code: .badListenAddress, message: "metrics.listen: \"\(listen)\" is not host:port")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
        self.metrics = metrics
        self.status = status
        self.logger = logger
        self.livenessLimit = livenessLimit
    }

    public func run() async throws {
        let metrics = self.metrics
        let status = self.status
        let limit = self.livenessLimit
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(HTTPHandler(metrics: metrics, status: status, livenessLimit: limit))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info("metrics endpoint listening", metadata: ["listen": "\(host):\(port)"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    final class HTTPHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let metrics: WorkerMetrics
        let status: WorkerStatus
        let livenessLimit: Duration

        init(metrics: WorkerMetrics, status: WorkerStatus, livenessLimit: Duration) {
            self.metrics = metrics
            self.status = status
            self.livenessLimit = livenessLimit
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            var code = HTTPResponseStatus.ok
            var contentType = "text/plain; charset=utf-8"
            var body: [UInt8]
            switch path {
            case "/metrics":
                contentType = "text/plain; version=0.0.4; charset=utf-8"
                body = metrics.render()
            case "/healthz":
                let alive = status.isAlive(within: livenessLimit)
                code = alive ? .ok : .serviceUnavailable
                body = Array((alive ? "ok\n" : "processing loop stalled\n").utf8)
            case "/readyz":
                let ready = status.isReady
                code = ready ? .ok : .serviceUnavailable
                body = Array(((ready ? "ready: " : "not ready: ") + status.statusLine + "\n").utf8)
            default:
                code = .notFound
                body = Array("not found; try /metrics, /healthz or /readyz\n".utf8)
            }
            if head.method == .HEAD { body = [] }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Connection", value: "close")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: code, headers: headers))),
                promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let closing = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in closing.close(promise: nil) }
        }
    }
}
