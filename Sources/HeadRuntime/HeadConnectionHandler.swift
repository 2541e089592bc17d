import Logging
import NIOCore
import Wire

/// Sits behind the handshake on every connection the head accepts and hands authenticated
/// messages to the head's state. It sees nothing before `WireEvent.authenticated`.
final class HeadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Message

    private let state: HeadState
    private var connection: PeerConnection?

    init(state: HeadState) {
        self.state = state
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .authenticated(let session) = event as? WireEvent {
            let connection = PeerConnection(channel: context.channel, session: session)
            self.connection = connection
            state.connected(connection)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        state.received(unwrapInboundIn(data), from: connection)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection {
            self.connection = nil
            state.disconnected(connection)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let peer = connection?.session.name ?? "unauthenticated peer"
        state.logger.warning("closing connection after error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
