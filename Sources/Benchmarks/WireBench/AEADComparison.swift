import CBoringAEAD
import Crypto
import Foundation

/// The two AEADs grow could seal frames with, on this machine: AES-256-GCM and
/// ChaCha20-Poly1305, each through swift-crypto's API (a new context and fresh buffers per
/// call) and through BoringSSL with a context kept for the connection (what Wire does), on a
/// small frame's payload and on a 1 MiB raster. Every figure is one seal plus one open.
enum AEADComparison {
    struct Figure {
        var name: String
        var smallNanoseconds: Double
        var mebibyteGBps: Double
    }

    static func run(raster: [UInt8], smallSize: Int) throws -> [Figure] {
        let small = [UInt8](raster.prefix(smallSize))
        let header = [UInt8](repeating: 0x47, count: 16)
        let key = SymmetricKey(size: .bits256)
        let keyBytes = key.withUnsafeBytes { Array($0) }
        // A counter as the nonce, as Wire does (no random nonce to draw per call).
        var counter: UInt64 = 0
        func nonce() -> [UInt8] {
            counter += 1
            return withUnsafeBytes(of: counter.littleEndian) { Array($0) } + [0, 0, 0, 0]
        }
        let aesGCM: ([UInt8]) throws -> Int = { message in
            let box = try AES.GCM.seal(message, using: key, nonce: AES.GCM.Nonce(data: nonce()), authenticating: header)
            return try AES.GCM.open(box, using: key, authenticating: header).count
        }
        let chaChaPoly: ([UInt8]) throws -> Int = { message in
            let box = try ChaChaPoly.seal(
                message, using: key, nonce: ChaChaPoly.Nonce(data: nonce()), authenticating: header)
            return try ChaChaPoly.open(box, using: key, authenticating: header).count
        }
        var figures: [Figure] = []
        for (name, swiftCrypto, boring) in [
            ("AES-256-GCM", aesGCM, CCryptoBoringSSL_EVP_aead_aes_256_gcm()!),
            ("ChaCha20-Poly1305", chaChaPoly, CCryptoBoringSSL_EVP_aead_chacha20_poly1305()!),
        ] {
            let apiSmall = try perOperation(count: 200_000) { try swiftCrypto(small) }
            let apiLarge = try perOperation(count: 100) { try swiftCrypto(raster) }
            figures.append(
                Figure(
                    name: "\(name), swift-crypto API", smallNanoseconds: apiSmall,
                    mebibyteGBps: Double(raster.count) / apiLarge))
            let context = KeptContext(boring, key: keyBytes)
            let keptSmall = perOperation(count: 1_000_000) { context.sealAndOpen(small, header) }
            let keptLarge = perOperation(count: 100) { context.sealAndOpen(raster, header) }
            figures.append(
                Figure(
                    name: "\(name), BoringSSL context kept", smallNanoseconds: keptSmall,
                    mebibyteGBps: Double(raster.count) / keptLarge))
        }
        return figures
    }

    /// One BoringSSL context, sealing into and opening from buffers it keeps.
    private final class KeptContext {
        let context: OpaquePointer
        var sealed = [UInt8](repeating: 0, count: (1 << 20) + 16)
        var opened = [UInt8](repeating: 0, count: 1 << 20)
        var counter: UInt64 = 0

        init(_ aead: OpaquePointer, key: [UInt8]) {
            context = CCryptoBoringSSL_EVP_AEAD_CTX_new(aead, key, key.count, 16)!
        }

        deinit { CCryptoBoringSSL_EVP_AEAD_CTX_free(context) }

        func sealAndOpen(_ message: [UInt8], _ header: [UInt8]) -> Int {
            counter += 1
            var nonce = [UInt8](repeating: 0, count: 12)
            withUnsafeBytes(of: counter.littleEndian) { for i in 0..<8 { nonce[i] = $0[i] } }
            var sealedLength = 0
            var openedLength = 0
            let ok =
                CCryptoBoringSSL_EVP_AEAD_CTX_seal(
                    context, &sealed, &sealedLength, sealed.count, nonce, 12, message, message.count, header, 16) == 1
                && CCryptoBoringSSL_EVP_AEAD_CTX_open(
                    context, &opened, &openedLength, opened.count, nonce, 12, sealed, sealedLength, header, 16) == 1
            precondition(ok && openedLength == message.count)
            return openedLength
        }
    }

    /// Nanoseconds per call of `body`, best of 5 rounds of `count`.
    private static func perOperation(count: Int, _ body: () throws -> Int) rethrows -> Double {
        var fastest = Double.infinity
        var sink = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { sink &+= try body() }
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count))
        }
        keep(sink)
        return fastest
    }

    /// Opaque to the optimizer, so the measured work is not thrown away.
    @inline(never) private static func keep(_ value: Int) {}
}
