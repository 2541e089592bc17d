import EOData

extension Kernels {
    /// The per-pixel, per-channel mean over time of a T×H×W×C Float32 stack, ignoring NaNs:
    /// numpy's `np.nanmean(x, axis=0)` (a Float32 sum in time order divided by the count; no
    /// valid value gives NaN). Result H×W×C.
    package static func nanMean(_ stack: NDArray<Float>, threads: Int = 1) throws(KernelError) -> NDArray<Float> {
        try temporalMean(stack, valid: nil as NDArray<Bool>?, threads: threads)
    }

    /// The same with a T×H×W×1 validity mask: an observation counts where the mask is set and
    /// the value is not NaN.
    package static func nanMean<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try temporalMean(stack, valid: valid, threads: threads)
    }

    private static func temporalMean<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>?, threads: Int
    ) throws(KernelError) -> NDArray<Float> {
        let shape = try StackShape(stack.shape, "nan-mean")
        if let valid { try shape.checkMask(valid.shape, "nan-mean: validity mask") }
        let count = shape.valuesPerTime
        let storage = kernelOutput(count: count) { (out: UnsafeMutablePointer<Float>) in
            let outStart = out
            let run = { (mask: UnsafePointer<UInt8>?) in
                stack.storage.withUnsafeBufferPointer { x in
                    let kernel = MeanKernel(x: x.start, valid: mask, out: outStart, shape: shape)
                    let rowValues = shape.width * shape.channels
                    RowChunks.run(rows: shape.height, threads: threads) { rows in
                        kernel.run(values: (rows.lowerBound * rowValues)..<(rows.upperBound * rowValues))
                    }
                }
            }
            if let valid { valid.withMaskBytes { run($0) } } else { run(nil) }
        }
        return NDArray(shape: [shape.height, shape.width, shape.channels], storage: storage)
    }
}

/// Sums and counts for a block of pixel-channels, one time frame after the other (each frame
/// read in a long contiguous run), then one division per value.
private struct MeanKernel {
    static let block = 4096

    let x: UnsafePointer<Float>
    let valid: UnsafePointer<UInt8>?
    let out: UnsafeMutablePointer<Float>
    let shape: StackShape

    func run(values: Range<Int>) {
        let channels = shape.channels
        let blockLanes = max(1, Self.block / channels) * channels
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: blockLanes)
        let counts = UnsafeMutablePointer<UInt32>.allocate(capacity: blockLanes)
        let maskLanes = LaneMask(channels: channels, lanes: blockLanes)
        defer {
            sums.deallocate()
            counts.deallocate()
            maskLanes.deallocate()
        }
        var q = values.lowerBound
        while q < values.upperBound {
            let lanes = min(blockLanes, values.upperBound - q)
            sums.initialize(repeating: 0, count: lanes)
            counts.initialize(repeating: 0, count: lanes)
            for t in 0..<shape.times {
                let x = self.x + t * shape.valuesPerTime + q
                // Straight-line lane code (see Branchless.swift), so these vectorise.
                if let valid {
                    let valid = maskLanes.bytes(valid + t * shape.pixelsPerTime, q: q, lanes: lanes)
                    for lane in 0..<lanes {
                        let value = x[lane]
                        let ok = laneMask(value == value) & laneMask(valid[lane] != 0)
                        sums[lane] += choose(ok, value, 0)
                        counts[lane] &+= ok & 1
                    }
                } else {
                    for lane in 0..<lanes {
                        let value = x[lane]
                        let ok = laneMask(value == value)
                        sums[lane] += choose(ok, value, 0)
                        counts[lane] &+= ok & 1
                    }
                }
            }
            // numpy divides the Float32 sum by an integer count in Float64, then rounds.
            let out = self.out + q
            for lane in 0..<lanes {
                let mean = Float(Double(sums[lane]) / Double(counts[lane]))
                out[lane] = choose(laneMask(counts[lane] == 0), .nan, mean)
            }
            q += lanes
        }
    }
}
