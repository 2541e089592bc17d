import EOData

extension Kernels {
    /// Fills the invalid values of a T×H×W×C Float32 stack by linear interpolation in time,
    /// each pixel and channel on its own (eo-learn's LinearInterpolationTask, i.e. `np.interp`
    /// over the valid observations): an invalid value (mask not set, or NaN) becomes the
    /// interpolation between the nearest valid observations before and after it at the
    /// `times` (days or seconds, one per frame, non-decreasing); before the first valid one it
    /// takes the first's value, after the last the last's; a series without a valid value stays
    /// NaN. Valid values are kept as they are. Computed in Float64 like `np.interp`:
    /// `(f₁ − f₀) / (t₁ − t₀) · (t − t₀) + f₀`, rounded to Float32. Result T×H×W×C.
    package static func interpolateInvalid<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>, times: [Double], threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try interpolate(stack, valid: valid, times: times, threads: threads)
    }

    /// The same where only NaNs are invalid.
    package static func interpolateNaN(
        _ stack: NDArray<Float>, times: [Double], threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try interpolate(stack, valid: nil as NDArray<Bool>?, times: times, threads: threads)
    }

    private static func interpolate<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>?, times: [Double], threads: Int
    ) throws(KernelError) -> NDArray<Float> {
        let shape = try StackShape(stack.shape, "interpolation")
        if let valid { try shape.checkMask(valid.shape, "interpolation: validity mask") }
        guard times.count == shape.times else {
            throw KernelError("interpolation: \(times.count) timestamps for \(shape.times) time frames")
        }
        for index in times.indices.dropFirst() where !(times[index - 1] <= times[index]) {
            throw KernelError(
                "interpolation: timestamps must be finite and non-decreasing, got \(times[index - 1]) before \(times[index])"
            )
        }
        if let bad = times.first(where: { !$0.isFinite }) {
            throw KernelError("interpolation: timestamp \(bad) is not a finite number")
        }
        let count = stack.count
        let storage = kernelOutput(count: count) { (out: UnsafeMutablePointer<Float>) in
            let outStart = out
            let run = { (mask: UnsafePointer<UInt8>?) in
                stack.storage.withUnsafeBufferPointer { x in
                    times.withUnsafeBufferPointer { times in
                        let kernel = InterpolationKernel(
                            x: x.start, valid: mask, times: times.start, out: outStart, shape: shape)
                        let rowValues = shape.width * shape.channels
                        RowChunks.run(rows: shape.height, threads: threads) { rows in
                            kernel.run(values: (rows.lowerBound * rowValues)..<(rows.upperBound * rowValues))
                        }
                    }
                }
            }
            if let valid { valid.withMaskBytes { run($0) } } else { run(nil) }
        }
        return NDArray(shape: stack.shape, storage: storage)
    }
}

/// For a block of pixel-channels: a forward pass over time records, for every frame, the last
/// valid value and its time before it; a backward pass carries the next valid value and time
/// and writes every frame. Everything is selects on whole lanes, so both passes vectorise.
private struct InterpolationKernel {
    static let block = 128

    let x: UnsafePointer<Float>
    let valid: UnsafePointer<UInt8>?
    let times: UnsafePointer<Double>
    let out: UnsafeMutablePointer<Float>
    let shape: StackShape

    func run(values: Range<Int>) {
        let frames = shape.times
        let channels = shape.channels
        let blockLanes = max(1, Self.block / channels) * channels
        // Per frame and lane: the observation (NaN when invalid), the last valid value before
        // it and that value's time (NaN when there is none). Values before and after are kept
        // as Float64, so the backward pass works on Float64 lanes only (no lane-width shuffles).
        let current = UnsafeMutablePointer<Float>.allocate(capacity: frames * blockLanes)
        let previous = UnsafeMutablePointer<Double>.allocate(capacity: frames * blockLanes)
        let previousTime = UnsafeMutablePointer<Double>.allocate(capacity: frames * blockLanes)
        let carryValue = UnsafeMutablePointer<Double>.allocate(capacity: blockLanes)
        let carryTime = UnsafeMutablePointer<Double>.allocate(capacity: blockLanes)
        let maskLanes = LaneMask(channels: channels, lanes: blockLanes)
        defer {
            current.deallocate()
            previous.deallocate()
            previousTime.deallocate()
            carryValue.deallocate()
            carryTime.deallocate()
            maskLanes.deallocate()
        }
        var q = values.lowerBound
        while q < values.upperBound {
            let lanes = min(blockLanes, values.upperBound - q)
            carryValue.initialize(repeating: .nan, count: lanes)
            carryTime.initialize(repeating: .nan, count: lanes)
            // Straight-line lane code throughout (see Branchless.swift), so the loops vectorise.
            for t in 0..<frames {
                let x = self.x + t * shape.valuesPerTime + q
                let current = current + t * blockLanes
                let previous = previous + t * blockLanes
                let previousTime = previousTime + t * blockLanes
                let time = times[t]
                if let valid {
                    let valid = maskLanes.bytes(valid + t * shape.pixelsPerTime, q: q, lanes: lanes)
                    for lane in 0..<lanes {
                        current[lane] = choose(laneMask(valid[lane] != 0), x[lane], .nan)
                    }
                } else {
                    current.update(from: x, count: lanes)
                }
                for lane in 0..<lanes {
                    let value = Double(current[lane])
                    let ok = laneMask64(value == value)
                    previous[lane] = carryValue[lane]
                    previousTime[lane] = carryTime[lane]
                    carryValue[lane] = choose(ok, value, carryValue[lane])
                    carryTime[lane] = choose(ok, time, carryTime[lane])
                }
            }
            carryValue.update(repeating: .nan, count: lanes)
            carryTime.update(repeating: .nan, count: lanes)
            for t in stride(from: frames - 1, through: 0, by: -1) {
                let current = current + t * blockLanes
                let previous = previous + t * blockLanes
                let previousTime = previousTime + t * blockLanes
                let out = self.out + t * shape.valuesPerTime + q
                let time = times[t]
                for lane in 0..<lanes {
                    let value = Double(current[lane])
                    let before = previous[lane]
                    let beforeTime = previousTime[lane]
                    let after = carryValue[lane]
                    let afterTime = carryTime[lane]
                    // np.interp's formula; equal times (duplicate timestamps) take the earlier.
                    let slope = (after - before) / (afterTime - beforeTime)
                    let between = choose(
                        laneMask64(afterTime == beforeTime), before, slope * (time - beforeTime) + before)
                    // No value after: the one before; none before: the one after (NaN if none).
                    let filled = choose(
                        laneMask64(beforeTime == beforeTime),
                        choose(laneMask64(afterTime == afterTime), between, before),
                        after)
                    let ok = laneMask64(value == value)
                    out[lane] = Float(choose(ok, value, filled))
                    carryValue[lane] = choose(ok, value, after)
                    carryTime[lane] = choose(ok, time, afterTime)
                }
            }
            q += lanes
        }
    }
}
