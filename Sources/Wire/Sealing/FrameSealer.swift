import Crypto
import NIOCore

/// Seals the frames one side sends on a connection: AES-256-GCM under that direction's session
/// key, the frame's 16-byte header (sealed flag and final length already set) as associated
/// data, and the frame's number in this direction (0, 1, 2, …) as the nonce.
///
/// Noncopyable on purpose: two copies would seal two frames under the same nonce.
public struct FrameSealer: ~Copyable, Sendable {
    private let key: AESGCMKey
    private let maxFrames: UInt64
    private let maxBytes: UInt64
    /// The number of the next frame sealed, which is its nonce.
    public private(set) var nextFrame: UInt64 = 0
    private var sealedBytes: UInt64 = 0

    public init(key: SymmetricKey, limits: WireLimits = .default) {
        self.key = AESGCMKey(key)
        maxFrames = limits.sealedFramesPerKey
        maxBytes = limits.sealedBytesPerKey
    }

    /// Seals in place the frame that starts at `headerIndex` and runs to the end of `buffer`: a
    /// header and its payload (LZ4 or raw) as `FrameCodec` wrote them. Sets the sealed flag and
    /// the wire length, encrypts the payload and appends the tag. Throws, touching nothing, when
    /// the key has sealed all it may; the connection must then close.
    public mutating func sealFrame(at headerIndex: Int, in buffer: inout ByteBuffer) throws(WireError) {
        let payloadIndex = headerIndex + FrameHeader.size
        let payloadLength = buffer.writerIndex - payloadIndex
        let cost = UInt64(payloadLength + AESGCMKey.tagSize)
        // The last frame number is never used, so the counter cannot wrap even at the limit.
        guard nextFrame < maxFrames, nextFrame < UInt64.max, maxBytes - min(maxBytes, sealedBytes) >= cost else {
            throw .sealingKeyExhausted(frames: nextFrame, bytes: sealedBytes)
        }
        let flagsIndex = headerIndex + 3
        let lengthIndex = headerIndex + 8
        let flags = buffer.getInteger(at: flagsIndex, as: UInt8.self) ?? 0
        buffer.setInteger(flags | FrameHeader.sealedFlag, at: flagsIndex)
        buffer.setInteger(UInt32(payloadLength + AESGCMKey.tagSize), at: lengthIndex, endianness: .little)
        buffer.writeRepeatingByte(0, count: AESGCMKey.tagSize)  // room for the tag
        let headerOffset = headerIndex - buffer.readerIndex
        let (key, frame) = (self.key, nextFrame)
        let sealed = buffer.withUnsafeMutableReadableBytes { bytes in
            let start = bytes.baseAddress! + headerOffset
            return key.seal(inPlace: start + FrameHeader.size, count: payloadLength, frame: frame, header: start)
        }
        // BoringSSL fails only on bad arguments, which the lines above rule out.
        precondition(sealed, "AES-256-GCM refused to seal a frame")
        nextFrame += 1
        sealedBytes += cost
    }
}
