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
    static let diagnosisMaxBytes = 4 << 10

    public init(key: SymmetricKey, limits: WireLimits = .default) {
        self.key = AESGCMKey(key)
        maxFrames = limits.sealedFramesPerKey
    }

    /// Opens, in place, the sealed frame at the reader index of `buffer` (all of it received):
    /// its header is the associated data, so a change there fails too. Afterwards the payload as
    /// sent before sealing (an LZ4 block if the header says compressed) is where the ciphertext
    /// was, and its length is returned; nothing is consumed.
    public mutating func openFrame(in buffer: inout ByteBuffer, wireLength: Int) throws(WireError) -> Int {
        if let failure { throw failure }
        guard nextFrame < maxFrames, nextFrame < UInt64.max else {
            throw remember(.sealingKeyExhausted(frames: nextFrame, bytes: 0))
        }
        guard buffer.readableBytes >= FrameHeader.size + wireLength else {
            throw .truncatedFrame(have: buffer.readableBytes)
        }
        let (key, frame) = (self.key, nextFrame)
        let outcome: WireError? = buffer.withUnsafeMutableReadableBytes { bytes in
            let header = UnsafeRawPointer(bytes.baseAddress!)
            let sealed = bytes.baseAddress! + FrameHeader.size
            guard wireLength <= Self.diagnosisMaxBytes else {
                let opened = key.open(sealed, count: wireLength, into: sealed, frame: frame, header: header)
                return opened ? nil : .frameFailedToOpen(frame: frame)
            }
            // Opening in place destroys a frame that fails, so a small one is copied first: the
            // copy tells a replay or a gap from tampering.
            return withUnsafeTemporaryAllocation(byteCount: max(wireLength, 1), alignment: 16) { copy in
                copy.baseAddress!.copyMemory(from: sealed, byteCount: wireLength)
                if key.open(sealed, count: wireLength, into: sealed, frame: frame, header: header) { return nil }
                return Self.diagnose(
                    UnsafeRawBufferPointer(rebasing: copy[0..<wireLength]), header: header, key: key, due: frame)
            }
        }
        if let outcome { throw remember(outcome) }
        nextFrame += 1
        return wireLength - AESGCMKey.tagSize
    }

    private mutating func remember(_ error: WireError) -> WireError {
        failure = error
        return error
    }

    /// Why frame `due` did not open: it opens as an earlier frame (a replay), as a later one
    /// (frames in between were dropped, or two were swapped), or not at all (changed in transit,
    /// or sealed under another key).
    private static func diagnose(
        _ sealed: UnsafeRawBufferPointer, header: UnsafeRawPointer, key: AESGCMKey, due: UInt64
    )
        -> WireError
    {
        guard sealed.count >= AESGCMKey.tagSize else { return .frameFailedToOpen(frame: due) }
        func opens(as frame: UInt64) -> Bool {
            withUnsafeTemporaryAllocation(byteCount: max(sealed.count, 1), alignment: 16) { scratch in
                key.open(
                    sealed.baseAddress!, count: sealed.count, into: scratch.baseAddress!, frame: frame, header: header)
            }
        }
        for back in stride(from: 1, through: min(diagnosisWindow, due), by: 1) where opens(as: due - back) {
            return .replayedFrame(copyOf: due - back, expected: due)
        }
        for ahead in 1...diagnosisWindow where due <= UInt64.max - ahead && opens(as: due + ahead) {
            return .frameOutOfOrder(got: due + ahead, expected: due)
        }
        return .frameFailedToOpen(frame: due)
    }
}
