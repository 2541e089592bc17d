import Logging
import NIOCore

/// Puts the protocol's handlers on a channel: frame decoding and encoding (sharing the
/// connection's sealing state), then the handshake, which starts the sealing when it succeeds.
/// Handlers added after these see only authenticated traffic, and every frame they send or
/// receive is sealed.
public enum WirePipeline {
    public static let defaultHandshakeTimeout = TimeAmount.seconds(10)

    /// For a connection the head accepted.
    public static func addServerHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        handshake: ServerHandshake,
        limits: WireLimits = .default,
        timeout: TimeAmount = defaultHandshakeTimeout,
        logger: Logger,
        onAuthenticated: EventLoopPromise<PeerSession>? = nil
    ) throws {
        let sealing = ConnectionSealing(limits: limits)
        try pipeline.addHandler(ByteToMessageHandler(MessageDecoder(sealing: sealing, limits: limits)))
        try pipeline.addHandler(MessageToByteHandler(MessageEncoder(sealing: sealing, limits: limits)))
        try pipeline.addHandler(
            ServerHandshakeHandler(
                machine: handshake, timeout: timeout, logger: logger, sealing: sealing,
                onAuthenticated: onAuthenticated)
        )
    }

    /// For a connection a worker or client opened; `promise` completes when the head is proven.
    public static func addClientHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        handshake: ClientHandshake,
        limits: WireLimits = .default,
        timeout: TimeAmount = defaultHandshakeTimeout,
        promise: EventLoopPromise<PeerSession>
    ) throws {
        let sealing = ConnectionSealing(limits: limits)
        try pipeline.addHandler(ByteToMessageHandler(MessageDecoder(sealing: sealing, limits: limits)))
        try pipeline.addHandler(MessageToByteHandler(MessageEncoder(sealing: sealing, limits: limits)))
        try pipeline.addHandler(
            ClientHandshakeHandler(machine: handshake, timeout: timeout, sealing: sealing, promise: promise))
    }
}
