import NIOCore

/// Bytes → `Message`, as a NIO `ByteToMessageDecoder` over `FrameCodec`. Any error closes the
/// connection (the pipeline's error handling does that); nothing is allocated beyond the limit.
public struct MessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Message

    public let limits: WireLimits

    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try FrameCodec.decode(from: &buffer, limits: limits, allocator: context.channel.allocator)
        else {
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
