/// How an object of `size` bytes is cut into parts: S3 allows at most 10,000 parts of at least
/// 5 MiB (the last may be smaller), so the part size grows for very large objects.
struct MultipartPlan: Equatable {
    static let minimumPartSize: UInt64 = 5 << 20
    static let maximumParts: UInt64 = 10_000

    let size: UInt64
    let partSize: UInt64

    init(size: UInt64, preferredPartSize: UInt64) {
        self.size = size
        let needed = (size + Self.maximumParts - 1) / Self.maximumParts
        let mebibyte: UInt64 = 1 << 20
        let roundedUp = (needed + mebibyte - 1) / mebibyte * mebibyte
        partSize = max(preferredPartSize, Self.minimumPartSize, roundedUp)
    }

    var count: Int { size == 0 ? 1 : Int((size + partSize - 1) / partSize) }

    /// Byte range of part `index` (0-based; S3's part number is index + 1).
    func range(of index: Int) -> Range<UInt64> {
        let start = UInt64(index) * partSize
        return start..<min(start + partSize, size)
    }
}
