/// The validity mask of a T×H×W×1 mask as seen by kernels that run over pixel-channels
/// ("lanes": flat indices into an H×W×C frame): one byte per lane. With one channel that is the
/// mask itself; with several, each pixel's byte is repeated per channel into a scratch buffer,
/// so the kernel's inner loop reads lanes alike whatever C is.
struct LaneMask {
    private let scratch: UnsafeMutablePointer<UInt8>?
    let channels: Int

    /// `lanes`: the most lanes one call of `bytes` covers.
    init(channels: Int, lanes: Int) {
        self.channels = channels
        scratch = channels == 1 ? nil : UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, lanes))
    }

    func deallocate() {
        scratch?.deallocate()
    }

    /// The bytes for lanes `q..<q+lanes` of one frame whose pixel mask starts at `frame`;
    /// `q` and `lanes` hold whole pixels.
    @inline(__always)
    func bytes(_ frame: UnsafePointer<UInt8>, q: Int, lanes: Int) -> UnsafePointer<UInt8> {
        guard let scratch else { return frame + q }
        let mask = frame + q / channels
        for pixel in 0..<(lanes / channels) {
            let byte = mask[pixel]
            for c in 0..<channels { scratch[pixel * channels + c] = byte }
        }
        return UnsafePointer(scratch)
    }
}
