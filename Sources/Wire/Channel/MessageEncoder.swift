import NIOCore

/// `Message` → bytes: one frame each, compressed when that pays.
public struct MessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Message

    public let limits: WireLimits

    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    public func encode(data: Message, out: inout ByteBuffer) throws {
        try data.encodeFrame(into: &out, limits: limits)
    }
}
