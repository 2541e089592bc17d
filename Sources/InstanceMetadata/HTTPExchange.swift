import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP answer: the status and the body.
package struct HTTPReply: Sendable, Equatable {
    package var status: Int
    package var body: String
}

/// Why an HTTP exchange with the metadata service failed.
package enum HTTPExchangeError: Error, Equatable, CustomStringConvertible {
    case timedOut
    case closedEarly
    case tooLarge

    package var description: String {
        switch self {
        case .timedOut: return "no answer in time"
        case .closedEarly: return "the connection closed before the answer was complete"
        case .tooLarge: return "the answer is larger than the metadata service sends"
        }
    }
}

/// One plain HTTP/1.1 request on its own connection, as the instance metadata service wants
/// them (a link-local address, small answers, no TLS). NIO's HTTP codec, nothing heavier.
package enum HTTPExchange {
    /// Metadata answers are a few hundred bytes; anything past this is not the service.
    static let maximumBody = 64 * 1024

    package static func send(
        method: HTTPMethod, host: String, port: Int, path: String, headers: [(String, String)],
        timeout: TimeAmount, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> HTTPReply {
        let promise = group.next().makePromise(of: HTTPReply.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ReplyCollector(promise: promise))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            promise.fail(error)  // NIO insists every promise is completed
            throw error
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(HTTPExchangeError.timedOut)
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "0")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        return try await promise.futureResult.get()
    }
}

/// Gathers one response and fulfils the promise with it.
final class ReplyCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPReply>
    private var status = 0
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<HTTPReply>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= HTTPExchange.maximumBody else {
                promise.fail(HTTPExchangeError.tooLarge)
                context.close(promise: nil)
                return
            }
            body.writeBuffer(&part)
        case .end:
            promise.succeed(HTTPReply(status: status, body: String(buffer: body)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPExchangeError.closedEarly)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
