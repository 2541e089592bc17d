import EOData

extension Kernels {
    /// The max-NDVI composite of a T×H×W×C Float32 stack: for every pixel, all C bands of the
    /// observation whose NDVI, (x[nir] − x[red]) / (x[nir] + x[red]), is largest among its valid
    /// ones (mask set, NDVI not NaN); on a tie the earliest; a pixel without one is NaN in every
    /// band. Result H×W×C.
    package static func maxNDVIComposite(
        _ stack: NDArray<Float>, nir: Int, red: Int, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try maxNDVI(stack, nir: nir, red: red, valid: nil as NDArray<Bool>?, threads: threads)
    }

    /// The same where only observations with the T×H×W×1 mask set count.
    package static func maxNDVIComposite<M: MaskElement>(
        _ stack: NDArray<Float>, nir: Int, red: Int, valid: NDArray<M>, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try maxNDVI(stack, nir: nir, red: red, valid: valid, threads: threads)
    }

    private static func maxNDVI<M: MaskElement>(
        _ stack: NDArray<Float>, nir: Int, red: Int, valid: NDArray<M>?, threads: Int
    ) throws(KernelError) -> NDArray<Float> {
        let shape = try StackShape(stack.shape, "max-NDVI composite")
        try shape.checkChannel(nir, "max-NDVI composite: NIR")
        try shape.checkChannel(red, "max-NDVI composite: red")
        if let valid { try shape.checkMask(valid.shape, "max-NDVI composite: validity mask") }
        let count = shape.valuesPerTime
        let storage = kernelOutput(count: count) { (out: UnsafeMutablePointer<Float>) in
            let outStart = out
            let run = { (mask: UnsafePointer<UInt8>?) in
                stack.storage.withUnsafeBufferPointer { x in
                    let kernel = MaxNDVIKernel(x: x.start, valid: mask, out: outStart, shape: shape, nir: nir, red: red)
                    RowChunks.run(rows: shape.height, threads: threads) { rows in
                        kernel.run(pixels: (rows.lowerBound * shape.width)..<(rows.upperBound * shape.width))
                    }
                }
            }
            if let valid { valid.withMaskBytes { run($0) } } else { run(nil) }
        }
        return NDArray(shape: [shape.height, shape.width, shape.channels], storage: storage)
    }
}

/// For a block of pixels: the best NDVI and its time so far, frame after frame; then each
/// pixel's bands copied from its best time (still in cache: the block is small).
private struct MaxNDVIKernel {
    static let block = 1024

    let x: UnsafePointer<Float>
    let valid: UnsafePointer<UInt8>?
    let out: UnsafeMutablePointer<Float>
    let shape: StackShape
    let nir: Int
    let red: Int

    func run(pixels: Range<Int>) {
        let (channels, nir, red) = (shape.channels, nir, red)
        let best = UnsafeMutablePointer<Float>.allocate(capacity: Self.block)
        let bestTime = UnsafeMutablePointer<Int32>.allocate(capacity: Self.block)
        defer {
            best.deallocate()
            bestTime.deallocate()
        }
        var p0 = pixels.lowerBound
        while p0 < pixels.upperBound {
            let count = min(Self.block, pixels.upperBound - p0)
            best.initialize(repeating: 0, count: count)
            bestTime.initialize(repeating: -1, count: count)
            for t in 0..<shape.times {
                let x = self.x + t * shape.valuesPerTime + p0 * channels
                let time = Int32(t)
                // Straight-line lane code (see Branchless.swift), so these vectorise.
                @inline(__always) func consider(_ p: Int, _ set: UInt32) {
                    let a = x[p * channels + nir]
                    let b = x[p * channels + red]
                    let ndvi = (a - b) / (a + b)
                    // Strictly greater: a tie keeps the earlier observation.
                    let better = laneMask(bestTime[p] < 0) | laneMask(ndvi > best[p])
                    let take = laneMask(ndvi == ndvi) & set & better
                    best[p] = choose(take, ndvi, best[p])
                    bestTime[p] = choose(take, time, bestTime[p])
                }
                if let valid = self.valid.map({ $0 + t * shape.pixelsPerTime + p0 }) {
                    for p in 0..<count { consider(p, laneMask(valid[p] != 0)) }
                } else {
                    for p in 0..<count { consider(p, ~0) }
                }
            }
            let out = self.out + p0 * channels
            for p in 0..<count {
                let t = Int(bestTime[p])
                if t < 0 {
                    for c in 0..<channels { out[p * channels + c] = .nan }
                } else {
                    let source = x + t * shape.valuesPerTime + (p0 + p) * channels
                    for c in 0..<channels { out[p * channels + c] = source[c] }
                }
            }
            p0 += count
        }
    }
}
