import NIOCore

/// Bytes → `Message`, as a NIO `ByteToMessageDecoder` over `FrameCodec`. Any error closes the
/// connection (the pipeline's error handling does that); nothing is allocated beyond the limit.
/// On a connection set up by `WirePipeline`, frames after the handshake must be sealed and are
/// opened before they are decoded.
public struct MessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Message

    public let limits: WireLimits
    private let sealing: ConnectionSealing

    /// A decoder of frames in clear only (a sealed frame is an error): for raw test peers.
    public init(limits: WireLimits = .default) {
        self.init(sealing: ConnectionSealing(limits: limits), limits: limits)
    }

    init(sealing: ConnectionSealing, limits: WireLimits) {
        self.limits = limits
        self.sealing = sealing
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try sealing.decode(from: &buffer, allocator: context.channel.allocator) else {
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(try Message(frame: frame)))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let have = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: have)
            throw WireError.truncatedFrame(have: have)
        }
        return .needMoreData
    }
}
