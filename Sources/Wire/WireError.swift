/// Everything that can go wrong on the wire, one case per distinct cause, so a log line or a test
/// can tell them apart. None of these is a crash: the connection that produced one is closed.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    // Frames
    case badMagic(UInt16)
    case unsupportedFrameVersion(UInt8)
    case unknownFlags(UInt8)
    case frameTooLarge(length: UInt32, limit: Int)
    case lengthMismatch(wire: UInt32, raw: UInt32)
    case corruptCompressedPayload
    case decompressedSizeMismatch(expected: UInt32, actual: Int)
    case truncatedFrame(have: Int)
    case sealedLengthMismatch(wire: UInt32, raw: UInt32)

    // Sealing (frames after the handshake)
    /// A frame in clear after the handshake, when every frame must be sealed.
    case unsealedFrame(type: UInt16)
    /// A sealed frame before the handshake has made the keys to open it.
    case sealedFrameBeforeKeys(type: UInt16)
    /// The frame due (number `frame`) does not open: altered in transit, or sealed with another key.
    case frameFailedToOpen(frame: UInt64)
    /// A copy of frame `copyOf` arrived where frame `expected` was due.
    case replayedFrame(copyOf: UInt64, expected: UInt64)
    /// Frame `got` arrived where frame `expected` was due: frames were dropped or reordered.
    case frameOutOfOrder(got: UInt64, expected: UInt64)
    /// This direction's key has sealed (or opened) as much as it may; a new connection has new keys.
    case sealingKeyExhausted(frames: UInt64, bytes: UInt64)

    // Messages
    case unknownMessageType(UInt16)
    case truncatedMessage(String)
    case malformedVarint(String)
    case invalidUTF8(String)
    case valueOutOfRange(String)

    // Handshake
    case unexpectedMessage(expected: String, got: String)
    case authenticationFailed(String)
    case noCommonProtocolVersion(ours: ClosedRange<UInt16>, theirs: ClosedRange<UInt16>)
    case handshakeTimeout(seconds: Double)
    case refusedByPeer(RefusalReason, String)

    public var description: String {
        switch self {
        case .badMagic(let magic):
            return "bad frame magic 0x\(String(magic, radix: 16)) (expected 0x4757 'GW'): not a grow peer"
        case .unsupportedFrameVersion(let version):
            return "unsupported frame version \(version) (this build speaks \(FrameHeader.version))"
        case .unknownFlags(let flags):
            return "frame has unknown flag bits 0x\(String(flags, radix: 16))"
        case .frameTooLarge(let length, let limit):
            return "frame of \(length) bytes is over the \(limit)-byte limit"
        case .lengthMismatch(let wire, let raw):
            return "uncompressed frame declares wire length \(wire) but raw length \(raw)"
        case .corruptCompressedPayload:
            return "LZ4 payload is corrupt"
        case .decompressedSizeMismatch(let expected, let actual):
            return "LZ4 payload decompressed to \(actual) bytes, header said \(expected)"
        case .truncatedFrame(let have):
            return "connection ended inside a frame (\(have) bytes of it received)"
        case .sealedLengthMismatch(let wire, let raw):
            return "sealed frame declares wire length \(wire) (payload and 16-byte tag) but raw length \(raw)"
        case .unsealedFrame(let type):
            return "frame of type \(type) arrived in clear after the handshake (every frame must be sealed)"
        case .sealedFrameBeforeKeys(let type):
            return "sealed frame of type \(type) arrived before the handshake made the session keys"
        case .frameFailedToOpen(let frame):
            return "sealed frame \(frame) failed to open: altered in transit or sealed with another key"
        case .replayedFrame(let copy, let expected):
            return "sealed frame replayed: a copy of frame \(copy) arrived where frame \(expected) was due"
        case .frameOutOfOrder(let got, let expected):
            return
                "sealed frame out of order: frame \(got) arrived where frame \(expected) was due (frames dropped or reordered)"
        case .sealingKeyExhausted(let frames, let bytes):
            return "session key used up (\(frames) frames, \(bytes) bytes); a new connection gets new keys"
        case .unknownMessageType(let type):
            return "unknown message type \(type)"
        case .truncatedMessage(let what):
            return "message ends early while reading \(what)"
        case .malformedVarint(let what):
            return "malformed varint in \(what)"
        case .invalidUTF8(let what):
            return "invalid UTF-8 in \(what)"
        case .valueOutOfRange(let what):
            return "value out of range: \(what)"
        case .unexpectedMessage(let expected, let got):
            return "expected \(expected), got \(got)"
        case .authenticationFailed(let why):
            return "authentication failed: \(why)"
        case .noCommonProtocolVersion(let ours, let theirs):
            return
                "no common protocol version (ours \(ours.lowerBound)-\(ours.upperBound), peer \(theirs.lowerBound)-\(theirs.upperBound))"
        case .handshakeTimeout(let seconds):
            return "handshake not completed within \(seconds) s"
        case .refusedByPeer(let reason, let text):
            return "refused by peer (\(reason)): \(text)"
        }
    }
}
