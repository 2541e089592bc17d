import NIOCore

/// Frames to bytes and back, with no network code: the NIO handlers and the fuzzer both call this.
public enum FrameCodec {
    /// Takes one whole frame off the front of `buffer`, or returns nil (consuming nothing) when
    /// the frame has not fully arrived. Works for any split of the byte stream. This is the
    /// decoder before the handshake has made keys: a sealed frame is an error.
    public static func decode(
        from buffer: inout ByteBuffer,
        limits: WireLimits = .default,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(WireError) -> Frame? {
        guard let header = try FrameHeader.peek(in: buffer, maxFrameSize: limits.maxFrameSize) else { return nil }
        guard !header.isSealed else { throw .sealedFrameBeforeKeys(type: header.type) }
        let total = FrameHeader.size + Int(header.wireLength)
        guard buffer.readableBytes >= total else { return nil }
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        // readSlice cannot fail here: the length was checked just above.
        guard let wire = buffer.readSlice(length: Int(header.wireLength)) else { return nil }
        return try frame(header, payload: wire, allocator: allocator)
    }

    /// The same after the handshake: every frame must be sealed, and is opened by `opener`
    /// (which checks that it is the frame due) before anything of it is decoded.
    public static func decode(
        from buffer: inout ByteBuffer,
        opener: inout FrameOpener,
        limits: WireLimits = .default,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(WireError) -> Frame? {
        guard let header = try FrameHeader.peek(in: buffer, maxFrameSize: limits.maxFrameSize) else { return nil }
        guard header.isSealed else { throw .unsealedFrame(type: header.type) }
        let total = FrameHeader.size + Int(header.wireLength)
        guard buffer.readableBytes >= total else { return nil }
        let length = try opener.openFrame(in: &buffer, wireLength: Int(header.wireLength))
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        // readSlice cannot fail: the whole frame is there (checked above).
        guard let payload = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: AESGCMKey.tagSize)
        return try frame(header, payload: payload, allocator: allocator)
    }

    /// The frame of a payload as it came off the wire (or out of the opener).
    private static func frame(_ header: FrameHeader, payload: ByteBuffer, allocator: ByteBufferAllocator)
        throws(WireError) -> Frame
    {
        if header.isCompressed {
            let raw = try LZ4Block.decompress(
                payload.readableBytesView, rawLength: Int(header.rawLength), allocator: allocator)
            return Frame(type: header.type, payload: raw)
        }
        return Frame(type: header.type, payload: payload)
    }

    /// Appends a frame whose payload `writePayload` writes straight into `buffer` (no copy for
    /// small payloads). Payloads of at least `limits.compressionThreshold` bytes are LZ4-compressed
    /// in place when that saves enough; otherwise they go raw.
    public static func encode(
        type: UInt16,
        into buffer: inout ByteBuffer,
        limits: WireLimits = .default,
        writePayload: (inout ByteBuffer) -> Void
    ) throws(WireError) {
        let headerIndex = buffer.writerIndex
        buffer.writeRepeatingByte(0, count: FrameHeader.size)
        let payloadIndex = buffer.writerIndex
        writePayload(&buffer)
        let rawLength = buffer.writerIndex - payloadIndex
        guard rawLength <= limits.maxFrameSize else {
            // Never send what the peer must refuse: roll the buffer back and tell the caller.
            buffer.moveWriterIndex(to: headerIndex)
            throw .frameTooLarge(length: UInt32(clamping: rawLength), limit: limits.maxFrameSize)
        }
        var header = FrameHeader(flags: 0, type: type, wireLength: UInt32(rawLength), rawLength: UInt32(rawLength))
        if rawLength >= limits.compressionThreshold {
            let payloadOffset = payloadIndex - buffer.readerIndex
            let limit = limits.compressionLimit(rawLength: rawLength)
            var compressed = ByteBufferAllocator().buffer(capacity: limit)
            let paid = buffer.withUnsafeReadableBytes { all in
                let payload = UnsafeRawBufferPointer(rebasing: all[payloadOffset...])
                guard worthCompressing(payload, limits: limits) else { return false }
                return LZ4Block.compress(payload, appendingTo: &compressed, limit: limit)
            }
            if paid {
                buffer.moveWriterIndex(to: payloadIndex)
                buffer.writeBuffer(&compressed)
                header.flags |= FrameHeader.compressedFlag
                header.wireLength = UInt32(buffer.writerIndex - payloadIndex)
            }
        }
        header.write(at: headerIndex, in: &buffer)
    }

    /// Appends a sealed frame: the payload is written and compressed as by `encode`, then
    /// `sealer` seals it. When the sealer refuses, the buffer is rolled back and the error thrown.
    public static func encode(
        type: UInt16,
        into buffer: inout ByteBuffer,
        sealer: inout FrameSealer,
        limits: WireLimits = .default,
        writePayload: (inout ByteBuffer) -> Void
    ) throws(WireError) {
        let headerIndex = buffer.writerIndex
        try encode(type: type, into: &buffer, limits: limits, writePayload: writePayload)
        do {
            try sealer.sealFrame(at: headerIndex, in: &buffer)
        } catch {
            buffer.moveWriterIndex(to: headerIndex)
            throw error
        }
    }

    /// Appends a frame carrying an already-encoded payload.
    public static func encode(
        type: UInt16,
        payload: ByteBuffer,
        into buffer: inout ByteBuffer,
        limits: WireLimits = .default
    ) throws(WireError) {
        try encode(type: type, into: &buffer, limits: limits) { out in
            var copy = payload
            out.writeBuffer(&copy)
        }
    }

    /// For large payloads, compresses a slice from the middle first: if even that does not pay,
    /// the whole payload would not either, and trying would cost more than sending it.
    private static func worthCompressing(_ payload: UnsafeRawBufferPointer, limits: WireLimits) -> Bool {
        guard payload.count >= limits.probeThreshold, limits.probeSize < payload.count else { return true }
        let start = (payload.count - limits.probeSize) / 2
        let probe = UnsafeRawBufferPointer(rebasing: payload[start..<(start + limits.probeSize)])
        var scratch = ByteBufferAllocator().buffer(capacity: limits.probeSize)
        return LZ4Block.compress(probe, appendingTo: &scratch, limit: limits.compressionLimit(rawLength: probe.count))
    }
}
