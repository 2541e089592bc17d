import CBoringAEAD
import Crypto

/// AES-256-GCM under one key, with BoringSSL's key schedule computed once for the life of the
/// key instead of once per frame (CBoringAEAD's header says why this is not swift-crypto's
/// `AES.GCM`). Sealing and opening only read the context, so a key may be shared.
final class AESGCMKey: @unchecked Sendable {
    static let keySize = 32
    static let nonceSize = 12
    static let tagSize = 16

    private let context: OpaquePointer

    init(_ key: SymmetricKey) {
        precondition(key.bitCount == Self.keySize * 8, "AES-256-GCM takes a 256-bit key")
        let made = key.withUnsafeBytes { bytes in
            CCryptoBoringSSL_EVP_AEAD_CTX_new(
                CCryptoBoringSSL_EVP_aead_aes_256_gcm(), bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                bytes.count, Self.tagSize)
        }
        // Fails only when memory runs out, which nothing here can recover from either.
        guard let made else { fatalError("BoringSSL could not set up an AES-256-GCM key") }
        context = made
    }

    deinit {
        CCryptoBoringSSL_EVP_AEAD_CTX_free(context)
    }

    /// Encrypts `count` bytes at `text` in place and writes the 16-byte tag right after them
    /// (the caller has made room for it), with frame number `frame` as the nonce.
    func seal(inPlace text: UnsafeMutableRawPointer, count: Int, frame: UInt64, header: UnsafeRawPointer) -> Bool {
        let bytes = text.assumingMemoryBound(to: UInt8.self)
        var written = 0
        let status = Self.withNonce(frame) { nonce in
            CCryptoBoringSSL_EVP_AEAD_CTX_seal(
                context, bytes, &written, count + Self.tagSize, nonce, Self.nonceSize, bytes, count,
                header.assumingMemoryBound(to: UInt8.self), FrameHeader.size)
        }
        return status == 1 && written == count + Self.tagSize
    }

    /// Decrypts `count` bytes (ciphertext, then the tag) at `sealed` into `output`, which has room
    /// for `count - 16` bytes and may be `sealed` itself. False when the tag does not match: then
    /// `output` holds nothing to use (in place: the ciphertext is gone).
    func open(
        _ sealed: UnsafeRawPointer, count: Int, into output: UnsafeMutableRawPointer, frame: UInt64,
        header: UnsafeRawPointer
    ) -> Bool {
        guard count >= Self.tagSize else { return false }
        var written = 0
        let status = Self.withNonce(frame) { nonce in
            CCryptoBoringSSL_EVP_AEAD_CTX_open(
                context, output.assumingMemoryBound(to: UInt8.self), &written, count - Self.tagSize, nonce,
                Self.nonceSize, sealed.assumingMemoryBound(to: UInt8.self), count,
                header.assumingMemoryBound(to: UInt8.self), FrameHeader.size)
        }
        return status == 1 && written == count - Self.tagSize
    }

    /// The nonce of frame number `frame`: the number as 8 bytes little-endian, then 4 zero bytes.
    /// Each direction has its own key, so a number is never used twice under one key.
    private static func withNonce<T>(_ frame: UInt64, _ body: (UnsafePointer<UInt8>) -> T) -> T {
        var nonce: (UInt64, UInt32) = (frame.littleEndian, 0)
        return withUnsafeBytes(of: &nonce) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}
