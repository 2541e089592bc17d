/// FNV-1a, 64 bit: a fast, stable hash (the same on every machine and run), for noticing that a
/// file changed and for deriving per-tile seeds. Not for security.
package enum FNV1a {
    package static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
