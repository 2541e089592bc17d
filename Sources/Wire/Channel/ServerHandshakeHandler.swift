import Logging
import NIOCore

/// Runs `ServerHandshake` on a freshly accepted connection. Until it succeeds, every inbound
/// message goes to the handshake and nothing reaches the handlers behind it; a failure (wrong
/// proof, wrong order, no Hello within the timeout, an undecodable frame) closes the connection.
/// On success it sends the Welcome, starts the connection's sealing, fires
/// `WireEvent.authenticated` and leaves the pipeline.
public final class ServerHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = Message
    public typealias InboundOut = Message
    public typealias OutboundOut = Message

    private var machine: ServerHandshake
    private let timeout: TimeAmount
    private let logger: Logger
    private let onAuthenticated: EventLoopPromise<PeerSession>?
    private let sealing: ConnectionSealing
    private var timer: Scheduled<Void>?
    private var done = false

    init(
        machine: ServerHandshake,
        timeout: TimeAmount,
        logger: Logger,
        sealing: ConnectionSealing,
        onAuthenticated: EventLoopPromise<PeerSession>? = nil
    ) {
        self.sealing = sealing
        self.machine = machine
        self.timeout = timeout
        self.logger = logger
        self.onAuthenticated = onAuthenticated
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let seconds = Double(timeout.nanoseconds) / 1e9
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            loopBoundSelf.value.fail(
                context: loopBoundContext.value, error: .handshakeTimeout(seconds: seconds), refusal: nil)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if !done {
            onAuthenticated?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch machine.receive(unwrapInboundIn(data)) {
        case .send(let reply):
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        case .complete(let welcome, let session, let keys):
            done = true
            timer?.cancel()
            // The Welcome is the last frame in clear; the peer's next frame is already sealed.
            context.writeAndFlush(wrapOutboundOut(welcome), promise: nil)
            sealing.start(with: keys)
            onAuthenticated?.succeed(session)
            context.fireUserInboundEventTriggered(WireEvent.authenticated(session))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .reject(let refusal, let error):
            fail(context: context, error: error, refusal: refusal)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !done else { return context.fireErrorCaught(error) }
        let wireError = error as? WireError
        fail(context: context, error: wireError ?? .authenticationFailed("\(error)"), refusal: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            timer?.cancel()
            onAuthenticated?.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, error: WireError, refusal: Message?) {
        guard !done else { return }
        done = true
        timer?.cancel()
        let peer = context.remoteAddress.map { "\($0)" } ?? "unknown peer"
        logger.warning("handshake failed, closing connection", metadata: ["peer": "\(peer)", "error": "\(error)"])
        onAuthenticated?.fail(error)
        if let refusal {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(refusal)).whenComplete { _ in
                loopBoundContext.value.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }
}
