import NIOCore
import NIOPosix

/// An authenticated connection to a head, as an async stream of messages in and a writer out
/// (NIO applies backpressure both ways).
public struct WireConnection: Sendable {
    public let channel: NIOAsyncChannel<Message, Message>
    public let session: PeerSession

    /// Public so that code driving a peer over an in-memory channel (tests) can build one.
    public init(channel: NIOAsyncChannel<Message, Message>, session: PeerSession) {
        self.channel = channel
        self.session = session
    }
}

/// Opens connections to a head: TCP, then the handshake, then hands back the channel.
public enum WireClient {
    public static func connect(
        host: String,
        port: Int,
        token: ClusterToken,
        role: PeerRole,
        name: String,
        limits: WireLimits = .default,
        connectTimeout: TimeAmount = .seconds(5),
        handshakeTimeout: TimeAmount = WirePipeline.defaultHandshakeTimeout,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WireConnection {
        let handshake = ClientHandshake(token: token, role: role, name: name)
        let (channel, session) = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: PeerSession.self)
                    try WirePipeline.addClientHandlers(
                        to: channel.pipeline.syncOperations,
                        handshake: handshake,
                        limits: limits,
                        timeout: handshakeTimeout,
                        promise: promise
                    )
                    let asyncChannel = try NIOAsyncChannel<Message, Message>(wrappingChannelSynchronously: channel)
                    return (asyncChannel, promise.futureResult)
                }
            }
        do {
            return WireConnection(channel: channel, session: try await session.get())
        } catch {
            try? await channel.channel.close()
            throw error
        }
    }
}
