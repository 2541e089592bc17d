import Crypto
import NIOCore

/// Opens the sealed frames that arrive on a connection, in order: frame n must open under the
/// peer's direction key with nonce n. A frame that does not is never decoded; the opener says
/// why (see `diagnose`) and opens nothing more, and the connection is closed.
///
/// Noncopyable, like `FrameSealer`: the frame count belongs to one stream of bytes.
public struct FrameOpener: ~Copyable, Sendable {
    private let key: AESGCMKey
    private let maxFrames: UInt64
    /// The number of the frame due next.
    public private(set) var nextFrame: UInt64 = 0
    private var failure: WireError?

    /// How far behind and ahead of the frame due a failed frame is tried, to tell a replay or
    /// a gap from tampering; and up to what size (the tries cost nothing on a healthy stream).
    static let diagnosisWindow: UInt64 = 16
    static let diagnosisMaxBytes = 64 << 10

    public init(key: SymmetricKey, limits: WireLimits = .default) {
        self.key = AESGCMKey(key)
        maxFrames = limits.sealedFramesPerKey
    }

    /// Opens one frame: `header` is its 16 header bytes as received (they are the associated
    /// data, so any change to them fails too), `sealed` the ciphertext and tag after it. Returns
    /// the payload as sent before sealing (an LZ4 block if the header says compressed).
    public mutating func open(
        header: UnsafeRawBufferPointer, sealed: UnsafeRawBufferPointer, allocator: ByteBufferAllocator
    ) throws(WireError) -> ByteBuffer {
        if let failure { throw failure }
        guard nextFrame < maxFrames, nextFrame < UInt64.max else {
            throw remember(.sealingKeyExhausted(frames: nextFrame, bytes: 0))
        }
        let length = sealed.count - AESGCMKey.tagSize
        guard length >= 0 else { throw remember(.frameFailedToOpen(frame: nextFrame)) }
        var payload = allocator.buffer(capacity: max(length, 1))
        let key = self.key
        var valid = false
        _ = AESGCMKey.withNonce(nextFrame) { nonce in
            payload.writeWithUnsafeMutableBytes(minimumWritableBytes: max(length, 1)) { output in
                valid = key.open(sealed, into: output.baseAddress!, nonce: nonce, associatedData: header)
                return valid ? length : 0
            }
        }
        guard valid else { throw remember(diagnose(header: header, sealed: sealed)) }
        nextFrame += 1
        return payload
    }

    private mutating func remember(_ error: WireError) -> WireError {
        failure = error
        return error
    }

    /// Why frame `nextFrame` did not open: it opens as an earlier frame (a replay), as a later one
    /// (frames in between were dropped, or two were swapped), or not at all (changed in transit,
    /// or sealed under another key).
    private func diagnose(header: UnsafeRawBufferPointer, sealed: UnsafeRawBufferPointer) -> WireError {
        let due = nextFrame
        guard sealed.count <= Self.diagnosisMaxBytes, sealed.count >= AESGCMKey.tagSize else {
            return .frameFailedToOpen(frame: due)
        }
        let key = self.key
        func opens(as frame: UInt64) -> Bool {
            AESGCMKey.withNonce(frame) { nonce in
                withUnsafeTemporaryAllocation(byteCount: max(sealed.count, 1), alignment: 8) { scratch in
                    key.open(sealed, into: scratch.baseAddress!, nonce: nonce, associatedData: header)
                }
            }
        }
        for back in stride(from: 1, through: min(Self.diagnosisWindow, due), by: 1) where opens(as: due - back) {
            return .replayedFrame(copyOf: due - back, expected: due)
        }
        for ahead in 1...Self.diagnosisWindow where due <= UInt64.max - ahead && opens(as: due + ahead) {
            return .frameOutOfOrder(got: due + ahead, expected: due)
        }
        return .frameFailedToOpen(frame: due)
    }
}
