import NIOCore

/// The fixed 16-byte header in front of every frame (all integers little-endian):
///
///     offset 0  magic 'G' 'W'   2 bytes
///     offset 2  version         u8   (1)
///     offset 3  flags           u8   (bit 0: payload is an LZ4 block; bit 1: sealed)
///     offset 4  message type    u16
///     offset 6  reserved        u16  (0; ignored by readers)
///     offset 8  wire length     u32  (payload bytes that follow the header; sealed: with the tag)
///     offset 12 raw length      u32  (payload bytes after opening and decompression)
public struct FrameHeader: Equatable, Sendable {
    public static let size = 16
    public static let magic: UInt16 = 0x5747  // "GW" read as little-endian u16
    public static let version: UInt8 = 1
    public static let compressedFlag: UInt8 = 0x01
    /// The payload is AES-256-GCM ciphertext followed by its 16-byte tag (every frame after the
    /// handshake; see `FrameSealer`).
    public static let sealedFlag: UInt8 = 0x02
    static let knownFlags: UInt8 = compressedFlag | sealedFlag

    public var flags: UInt8
    public var type: UInt16
    public var wireLength: UInt32
    public var rawLength: UInt32

    public var isCompressed: Bool { flags & Self.compressedFlag != 0 }
    public var isSealed: Bool { flags & Self.sealedFlag != 0 }

    /// Bytes of payload on the wire, without a sealed frame's tag.
    var payloadWireLength: Int { Int(wireLength) - (isSealed ? AESGCMKey.tagSize : 0) }

    public init(flags: UInt8, type: UInt16, wireLength: UInt32, rawLength: UInt32) {
        self.flags = flags
        self.type = type
        self.wireLength = wireLength
        self.rawLength = rawLength
    }

    /// Reads and validates a header at the buffer's reader index without consuming it.
    /// Returns nil while fewer than 16 bytes are there. Every check that bounds an allocation
    /// happens here, before the payload has arrived.
    /// The magic and the version are checked as soon as their bytes are in, so a stray client
    /// (an HTTP request, a Redis PING) is turned away at once, not after a handshake timeout.
    static func peek(in buffer: ByteBuffer, maxFrameSize: Int) throws(WireError) -> FrameHeader? {
        guard buffer.readableBytes >= size else {
            try checkPrefix(of: buffer)
            return nil
        }
        let (magic, version, flags, type, wireLength, rawLength) = buffer.withUnsafeReadableBytes { bytes in
            (
                UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self)),
                bytes[2],
                bytes[3],
                UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self)),
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
            )
        }
        guard magic == Self.magic else { throw .badMagic(magic) }
        guard version == Self.version else { throw .unsupportedFrameVersion(version) }
        guard flags & ~Self.knownFlags == 0 else { throw .unknownFlags(flags) }
        let header = FrameHeader(flags: flags, type: type, wireLength: wireLength, rawLength: rawLength)
        // A sealed frame's wire length counts its tag too.
        let tag = header.isSealed ? AESGCMKey.tagSize : 0
        guard Int(wireLength) <= maxFrameSize + tag else {
            throw .frameTooLarge(length: wireLength, limit: maxFrameSize + tag)
        }
        guard Int(rawLength) <= maxFrameSize else { throw .frameTooLarge(length: rawLength, limit: maxFrameSize) }
        if header.isSealed && Int(wireLength) < tag {
            throw .sealedLengthMismatch(wire: wireLength, raw: rawLength)
        }
        if !header.isCompressed && header.payloadWireLength != Int(rawLength) {
            if header.isSealed { throw .sealedLengthMismatch(wire: wireLength, raw: rawLength) }
            throw .lengthMismatch(wire: wireLength, raw: rawLength)
        }
        return header
    }

    private static func checkPrefix(of buffer: ByteBuffer) throws(WireError) {
        let prefix = buffer.readableBytesView.prefix(3)
        let expected: [UInt8] = [UInt8(truncatingIfNeeded: magic), UInt8(truncatingIfNeeded: magic >> 8), version]
        for (offset, byte) in prefix.enumerated() where byte != expected[offset] {
            if offset == 2 { throw .unsupportedFrameVersion(byte) }
            let first = prefix.first ?? 0
            let second = prefix.dropFirst().first ?? 0
            throw .badMagic(UInt16(first) | UInt16(second) << 8)
        }
    }

    func write(at index: Int, in buffer: inout ByteBuffer) {
        var bytes = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt16.self)
            raw[2] = Self.version
            raw[3] = flags
            raw.storeBytes(of: type.littleEndian, toByteOffset: 4, as: UInt16.self)
            raw.storeBytes(of: wireLength.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: rawLength.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
        withUnsafeBytes(of: &bytes) { _ = buffer.setBytes($0, at: index) }
    }
}
