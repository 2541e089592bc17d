import EOData

/// What masks are stored as: Bool (eo-learn's boolean masks) or UInt8 (cloud masks, dataMask).
/// Both are one byte, nonzero meaning set (a Bool is stored as 0 or 1), so kernels read either
/// as bytes.
package protocol MaskElement: Sendable, Equatable {}

extension Bool: MaskElement {}
extension UInt8: MaskElement {}

extension NDArray where Element: MaskElement {
    /// The mask's bytes (a Bool is stored as 0 or 1).
    @inline(__always)
    func withMaskBytes<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in try body(raw.assumingMemoryBound(to: UInt8.self).start) }
    }
}
