import Logging
import NIOCore

/// Puts the protocol's handlers on a channel: frame decoding and encoding, then the handshake.
/// Handlers added after these see only authenticated traffic.
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
        try pipeline.addHandler(ByteToMessageHandler(MessageDecoder(limits: limits)))
        try pipeline.addHandler(MessageToByteHandler(MessageEncoder(limits: limits)))
        try pipeline.addHandler(
            ServerHandshakeHandler(
                machine: handshake, timeout: timeout, logger: logger, onAuthenticated: onAuthenticated)
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
        try pipeline.addHandler(ByteToMessageHandler(MessageDecoder(limits: limits)))
        try pipeline.addHandler(MessageToByteHandler(MessageEncoder(limits: limits)))
        try pipeline.addHandler(ClientHandshakeHandler(machine: handshake, timeout: timeout, promise: promise))
    }
}
