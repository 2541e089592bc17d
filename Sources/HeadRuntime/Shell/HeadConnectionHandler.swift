import NIOCore
import Wire

/// Sits behind the handshake on every connection the head accepts and hands authenticated
/// messages to the shell. It sees nothing before `WireEvent.authenticated`.
final class HeadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Message

    private let shell: HeadShell
    private var connection: ConnectionID?
    private var peer = "unauthenticated peer"

    init(shell: HeadShell) {
        self.shell = shell
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .authenticated(let session) = event as? WireEvent {
            peer = session.name
            connection = shell.connected(context.channel, session: session)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        shell.handle(.received(unwrapInboundIn(data), from: connection))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection {
            self.connection = nil
            shell.disconnected(connection)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is WireError { shell.metrics?.framesRejected.increment() }
        shell.logger.warning("closing connection after error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
