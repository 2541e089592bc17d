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
    /// (the caller has made room for it).
    func seal(
        inPlace text: UnsafeMutableRawPointer, count: Int, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer
    ) -> Bool {
        let bytes = text.assumingMemoryBound(to: UInt8.self)
        var written = 0
        let status = CCryptoBoringSSL_EVP_AEAD_CTX_seal(
            context, bytes, &written, count + Self.tagSize, nonce.baseAddress?.assumingMemoryBound(to: UInt8.self),
            nonce.count, bytes, count, associatedData.baseAddress?.assumingMemoryBound(to: UInt8.self),
            associatedData.count)
        return status == 1 && written == count + Self.tagSize
    }

    /// Decrypts `sealed` (ciphertext, then the tag) into `output`, which has room for
    /// `sealed.count - 16` bytes. False when the tag does not match: then `output` holds nothing
    /// to use.
    func open(
        _ sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer
    ) -> Bool {
        guard sealed.count >= Self.tagSize else { return false }
        var written = 0
        let status = CCryptoBoringSSL_EVP_AEAD_CTX_open(
            context, output.assumingMemoryBound(to: UInt8.self), &written, sealed.count - Self.tagSize,
            nonce.baseAddress?.assumingMemoryBound(to: UInt8.self), nonce.count,
            sealed.baseAddress?.assumingMemoryBound(to: UInt8.self), sealed.count,
            associatedData.baseAddress?.assumingMemoryBound(to: UInt8.self), associatedData.count)
        return status == 1 && written == sealed.count - Self.tagSize
    }

    /// The nonce of frame number `counter`: the counter as 8 bytes little-endian, then 4 zero
    /// bytes. Each direction has its own key, so a counter is never used twice under one key.
    static func withNonce<T>(_ counter: UInt64, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        var nonce: (UInt64, UInt32) = (counter.littleEndian, 0)
        return withUnsafeBytes(of: &nonce) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(nonceSize))) }
    }
}
