import NIOCore

/// The sealing state of one connection: nothing until the handshake has made the session keys,
/// then the opener of inbound frames and the sealer of outbound ones. The connection's frame
/// decoder and encoder share it, and its handshake handler starts it; all three run on the
/// channel's event loop, so it needs no lock.
final class ConnectionSealing {
    private let limits: WireLimits
    private var opener: FrameOpener?
    private var sealer: FrameSealer?

    init(limits: WireLimits) {
        self.limits = limits
    }

    /// From now on every frame is sealed both ways. The handshake handler calls this right
    /// after the last frame in clear (Welcome) has been written or read, on the same turn of the
    /// event loop, so no frame can slip between the two regimes.
    func start(with keys: SessionKeys) {
        #if GROW_UNSEALED_BENCH_BUILD
            // Only `scripts/bench` builds grow with this flag, to measure in one run what sealing
            // costs; no other build can leave a connection in clear.
            return
        #else
            opener = FrameOpener(key: keys.opening, limits: limits)
            sealer = FrameSealer(key: keys.sealing, limits: limits)
        #endif
    }

    func decode(from buffer: inout ByteBuffer, allocator: ByteBufferAllocator) throws(WireError) -> Frame? {
        if opener != nil {
            return try FrameCodec.decode(from: &buffer, opener: &opener!, limits: limits, allocator: allocator)
        }
        return try FrameCodec.decode(from: &buffer, limits: limits, allocator: allocator)
    }

    func encode(_ message: Message, into buffer: inout ByteBuffer) throws(WireError) {
        if sealer != nil {
            try message.encodeFrame(into: &buffer, sealer: &sealer!, limits: limits)
        } else {
            try message.encodeFrame(into: &buffer, limits: limits)
        }
    }
}
