import NIOCore

/// Runs `ClientHandshake` on a new outbound connection: sends Hello when the connection is up,
/// answers the Challenge, checks the head's Welcome. Then it starts the connection's sealing,
/// completes `promise` with the session and leaves the pipeline; or it fails the promise and
/// closes the connection.
public final class ClientHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = Message
    public typealias InboundOut = Message
    public typealias OutboundOut = Message

    private var machine: ClientHandshake
    private let promise: EventLoopPromise<PeerSession>
    private let sealing: ConnectionSealing
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var done = false

    init(
        machine: ClientHandshake, timeout: TimeAmount, sealing: ConnectionSealing,
        promise: EventLoopPromise<PeerSession>
    ) {
        self.sealing = sealing
        self.machine = machine
        self.timeout = timeout
        self.promise = promise
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let seconds = Double(timeout.nanoseconds) / 1e9
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            loopBoundSelf.value.fail(context: loopBoundContext.value, error: .handshakeTimeout(seconds: seconds))
        }
        if context.channel.isActive { sendHello(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        sendHello(context: context)
        context.fireChannelActive()
    }

    private var helloSent = false
    private func sendHello(context: ChannelHandlerContext) {
        guard !helloSent else { return }
        helloSent = true
        context.writeAndFlush(wrapOutboundOut(.hello(machine.hello)), promise: nil)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if !done { promise.fail(ChannelError.ioOnClosedChannel) }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch machine.receive(unwrapInboundIn(data)) {
        case .send(let reply):
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        case .complete(let session, let keys):
            done = true
            timer?.cancel()
            // Frames the head sends right behind its Welcome are decoded with these keys.
            sealing.start(with: keys)
            promise.succeed(session)
            context.fireUserInboundEventTriggered(WireEvent.authenticated(session))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .fail(let error):
            fail(context: context, error: error)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !done else { return context.fireErrorCaught(error) }
        fail(context: context, error: error as? WireError ?? .authenticationFailed("\(error)"))
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            timer?.cancel()
            promise.fail(HandshakeClosed())
        }
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, error: WireError) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.fail(error)
        context.close(promise: nil)
    }
}

/// The head closed the connection in the middle of the handshake without saying why.
public struct HandshakeClosed: Error, CustomStringConvertible {
    public var description: String {
        "the head closed the connection during the handshake (is this a grow head, and is the cluster token right?)"
    }
}
