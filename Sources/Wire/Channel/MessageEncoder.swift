import NIOCore

/// `Message` → bytes: one frame each, compressed when that pays, and sealed once the
/// connection's handshake has made the keys.
public struct MessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Message

    public let limits: WireLimits
    private let sealing: ConnectionSealing

    /// An encoder of frames in clear only: for raw test peers.
    public init(limits: WireLimits = .default) {
        self.init(sealing: ConnectionSealing(limits: limits), limits: limits)
    }

    init(sealing: ConnectionSealing, limits: WireLimits) {
        self.limits = limits
        self.sealing = sealing
    }

    public func encode(data: Message, out: inout ByteBuffer) throws {
        try sealing.encode(data, into: &out)
    }
}
