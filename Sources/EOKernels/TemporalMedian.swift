import EOData

extension Kernels {
    /// The per-pixel, per-channel median over time of a T×H×W×C Float32 stack, ignoring NaNs:
    /// numpy's `np.nanmedian(x, axis=0)` (an even count averages the two middle values, as
    /// `(low + high) / 2` in Float32; no valid value gives NaN). Result H×W×C.
    package static func nanMedian(_ stack: NDArray<Float>, threads: Int = 1) throws(KernelError) -> NDArray<Float> {
        try temporalMedian(stack, valid: nil as NDArray<Bool>?, threads: threads)
    }

    /// The same with a T×H×W×1 validity mask: an observation counts where the mask is set and
    /// the value is not NaN (numpy: `np.nanmedian(np.where(valid, x, np.nan), axis=0)`).
    package static func nanMedian<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try temporalMedian(stack, valid: valid, threads: threads)
    }

    private static func temporalMedian<M: MaskElement>(
        _ stack: NDArray<Float>, valid: NDArray<M>?, threads: Int
    ) throws(KernelError) -> NDArray<Float> {
        let shape = try StackShape(stack.shape, "nan-median")
        if let valid { try shape.checkMask(valid.shape, "nan-median: validity mask") }
        let middle = MedianKernel.middleWires(times: shape.times)
        let network = SortingNetwork(selecting: [middle.low, middle.high], of: shape.times)
        let count = shape.valuesPerTime
        let storage = kernelOutput(count: count) { (out: UnsafeMutablePointer<Float>) in
            let outStart = out
            let run = { (mask: UnsafePointer<UInt8>?) in
                stack.storage.withUnsafeBufferPointer { x in
                    network.steps.withUnsafeBufferPointer { steps in
                        let kernel = MedianKernel(
                            x: x.start, valid: mask, out: outStart, shape: shape, steps: steps, middle: middle)
                        let rowValues = shape.width * shape.channels
                        RowChunks.run(rows: shape.height, threads: threads) { rows in
                            kernel.run(values: (rows.lowerBound * rowValues)..<(rows.upperBound * rowValues))
                        }
                    }
                }
            }
            if let valid { valid.withMaskBytes { run($0) } } else { run(nil) }
        }
        return NDArray(shape: [shape.height, shape.width, shape.channels], storage: storage)
    }
}

/// The median over time of many pixel-channels at once. A lane with n valid of T observations
/// fills its m = T − n invalid ones alternately with +∞ and −∞ (⌈m/2⌉ and ⌊m/2⌋ of them), so
/// its valid values sit in the middle of the T sorted wires and its median is on the two
/// middle wires whatever n is; only the parity of n says whether one or both count. So one
/// network that selects the two middle wires serves every lane, 16 lanes per SIMD vector,
/// branch-free.
private struct MedianKernel {
    typealias Lanes = SIMD16<Float>
    typealias Counts = SIMD16<Int32>
    static let width = 16
    /// Lanes gathered per block: each time frame is read in 8 KiB runs (the prefetcher keeps up
    /// better than with short ones) and the T×2048 Float32 scratch stays in L2.
    static let block = 2048

    /// The two middle wires: for odd T, wires (T−3)/2 and (T−1)/2, the latter the median when
    /// n is odd; for even T, wires T/2−1 and T/2, the former the median when n is odd.
    static func middleWires(times: Int) -> (low: Int, high: Int) {
        times % 2 == 1 ? (max(0, (times - 3) / 2), (times - 1) / 2) : (max(0, times / 2 - 1), times / 2)
    }

    /// +∞ for a lane's 1st, 3rd, … invalid observation, −∞ for its 2nd, 4th, …: arithmetic
    /// rather than a choice, so the loops that call it stay branch-free and vectorise.
    @inline(__always)
    static func padding(invalidSoFar: Int32) -> Float {
        Float(bitPattern: 0x7f80_0000 | UInt32(truncatingIfNeeded: invalidSoFar) << 31)
    }

    let x: UnsafePointer<Float>
    let valid: UnsafePointer<UInt8>?
    let out: UnsafeMutablePointer<Float>
    let shape: StackShape
    let steps: UnsafeBufferPointer<SortingNetwork.Step>
    let middle: (low: Int, high: Int)

    /// `values`: flat indices into one H×W×C frame (and the output), whole pixels.
    func run(values: Range<Int>) {
        let times = shape.times
        guard times > 0 else {
            for q in values { out[q] = .nan }
            return
        }
        // Whole pixels per block, so a pixel's mask byte is read once per time.
        let blockLanes = max(1, Self.block / shape.channels) * shape.channels
        let groups = (blockLanes + Self.width - 1) / Self.width
        let wires = UnsafeMutablePointer<Lanes>.allocate(capacity: groups * times)
        let invalid = UnsafeMutablePointer<Int32>.allocate(capacity: groups * Self.width)
        let maskLanes = LaneMask(channels: shape.channels, lanes: blockLanes)
        defer {
            wires.deallocate()
            invalid.deallocate()
            maskLanes.deallocate()
        }
        var q = values.lowerBound
        while q < values.upperBound {
            let lanes = min(blockLanes, values.upperBound - q)
            gather(q, lanes, into: wires, invalid: invalid, maskLanes: maskLanes)
            for group in 0..<((lanes + Self.width - 1) / Self.width) {
                let median = select(wires + group * times, invalid: invalid + group * Self.width)
                let first = group * Self.width
                if first + Self.width <= lanes {
                    UnsafeMutableRawPointer(out + q + first).storeBytes(of: median, as: Lanes.self)
                } else {
                    for lane in 0..<(lanes - first) { out[q + first + lane] = median[lane] }
                }
            }
            q += lanes
        }
    }

    /// Fills wire t of every lane with its observation at time t (or its padding) and counts
    /// invalid ones. Scratch layout: group of 16 lanes, then wire, then lane, so the network
    /// for one group works on T adjacent vectors (in L1) while each time frame is still read
    /// in long runs. Lanes past `lanes` in the last group are padding (never stored).
    private func gather(
        _ q: Int, _ lanes: Int, into wires: UnsafeMutablePointer<Lanes>, invalid: UnsafeMutablePointer<Int32>,
        maskLanes: LaneMask
    ) {
        let times = shape.times
        let width = Self.width
        let groups = (lanes + width - 1) / width
        let scratch = UnsafeMutableRawPointer(wires).assumingMemoryBound(to: Float.self)
        invalid.initialize(repeating: 0, count: groups * width)
        for t in 0..<times {
            let frame = self.x + t * shape.valuesPerTime + q
            let mask = valid.map { maskLanes.bytes($0 + t * shape.pixelsPerTime, q: q, lanes: lanes) }
            for group in 0..<groups {
                let first = group * width
                let x = frame + first
                let out = scratch + (group * times + t) * width
                let invalid = invalid + first
                if first + width <= lanes {
                    // Straight-line lane code (see Branchless.swift), so this vectorises.
                    if let mask {
                        let valid = mask + first
                        for lane in 0..<width {
                            let value = x[lane]
                            let ok = laneMask(value == value) & laneMask(valid[lane] != 0)
                            out[lane] = choose(ok, value, Self.padding(invalidSoFar: invalid[lane]))
                            invalid[lane] &+= Int32(bitPattern: ~ok & 1)
                        }
                    } else {
                        for lane in 0..<width {
                            let value = x[lane]
                            let ok = laneMask(value == value)
                            out[lane] = choose(ok, value, Self.padding(invalidSoFar: invalid[lane]))
                            invalid[lane] &+= Int32(bitPattern: ~ok & 1)
                        }
                    }
                } else {
                    // The last, partial group of the block.
                    for lane in 0..<width {
                        var ok = false
                        var value = Float.nan
                        if first + lane < lanes {
                            value = x[lane]
                            ok = value == value && (mask.map { $0[first + lane] != 0 } ?? true)
                        }
                        out[lane] = ok ? value : Self.padding(invalidSoFar: invalid[lane])
                        invalid[lane] &+= ok ? 0 : 1
                    }
                }
            }
        }
    }

    /// Runs the network on one group's T wires and returns its 16 medians.
    @inline(__always)
    private func select(_ wires: UnsafeMutablePointer<Lanes>, invalid: UnsafeMutablePointer<Int32>) -> Lanes {
        for step in steps {
            // Written so that each line compiles to minps / maxps (no NaNs in valid lanes).
            let a = wires[Int(step.low)]
            let b = wires[Int(step.high)]
            switch step.keeps {
            case .both:
                wires[Int(step.low)] = a.replacing(with: b, where: b .< a)
                wires[Int(step.high)] = a.replacing(with: b, where: a .< b)
            case .low: wires[Int(step.low)] = a.replacing(with: b, where: b .< a)
            case .high: wires[Int(step.high)] = a.replacing(with: b, where: a .< b)
            }
        }
        let counts = Counts(repeating: Int32(shape.times)) &- UnsafeRawPointer(invalid).loadUnaligned(as: Counts.self)
        // Vector operands throughout: comparing with a scalar compiles to a per-lane loop.
        let one = Counts(repeating: 1)
        let oddCount = (counts & one) .== one
        var low = wires[middle.low]
        var high = wires[middle.high]
        // (low + high) / 2 as numpy computes it, also when both are the one median value.
        if shape.times % 2 == 1 {
            low.replace(with: high, where: oddCount)
        } else {
            high.replace(with: low, where: oddCount)
        }
        return ((low + high) * 0.5).replacing(with: Lanes(repeating: .nan), where: counts .== Counts())
    }
}
