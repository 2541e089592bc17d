import EOData

extension Kernels {
    /// (a − b) / (a + b) in Float32, element by element, for two bands of the same shape (e.g. two
    /// 10980×10980 UInt16 Sentinel-2 bands). Bit for bit numpy's
    /// `(a.astype(np.float32) - b.astype(np.float32)) / (a.astype(np.float32) + b.astype(np.float32))`:
    /// 0/0 is NaN, x/0 is ±inf.
    package static func normalizedDifference<T: BandElement>(
        _ a: NDArray<T>, _ b: NDArray<T>, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        try checkSameShape(a, b)
        let storage = kernelOutput(count: a.count) { (out: UnsafeMutablePointer<Float>) in
            planarNormalizedDifference(a, b, out, threads: threads)
        }
        return NDArray(shape: a.shape, storage: storage)
    }

    /// The same into an existing array of the bands' shape (a pipeline reusing its buffers; the
    /// benchmark, so it measures the kernel and not the kernel's first touch of fresh pages).
    package static func normalizedDifference<T: BandElement>(
        _ a: NDArray<T>, _ b: NDArray<T>, into out: inout NDArray<Float>, threads: Int = 1
    ) throws(KernelError) {
        try checkSameShape(a, b)
        guard out.shape == a.shape else {
            throw KernelError("normalized difference: output has shape \(out.shape), the bands \(a.shape)")
        }
        out.storage.withUnsafeMutableBufferPointer { out in
            planarNormalizedDifference(a, b, out.start, threads: threads)
        }
    }

    /// (x[…, a] − x[…, b]) / (x[…, a] + x[…, b]) for two channels of a T×H×W×C stack, as a
    /// T×H×W×1 Float32 feature: NDVI is (NIR, RED), NDWI (GREEN, NIR). Same arithmetic as above.
    package static func normalizedDifference<T: BandElement>(
        _ stack: NDArray<T>, channels a: Int, _ b: Int, threads: Int = 1
    ) throws(KernelError) -> NDArray<Float> {
        let shape = try StackShape(stack.shape, "normalized difference")
        try shape.checkChannel(a, "normalized difference")
        try shape.checkChannel(b, "normalized difference")
        let count = shape.times * shape.pixelsPerTime
        let storage = kernelOutput(count: count) { (out: UnsafeMutablePointer<Float>) in
            stack.storage.withUnsafeBytes { raw in
                T.bandKind.dispatch(
                    ChannelNormalizedDifference(
                        stack: raw.start, out: out, shape: shape,
                        a: a, b: b, threads: threads))
            }
        }
        return NDArray(shape: shape.maskShape, storage: storage)
    }

    private static func checkSameShape<T>(_ a: NDArray<T>, _ b: NDArray<T>) throws(KernelError) {
        guard a.shape == b.shape else {
            throw KernelError("normalized difference: the bands' shapes differ (\(a.shape) and \(b.shape))")
        }
    }

    private static func planarNormalizedDifference<T: BandElement>(
        _ a: NDArray<T>, _ b: NDArray<T>, _ out: UnsafeMutablePointer<Float>, threads: Int
    ) {
        a.storage.withUnsafeBytes { a in
            b.storage.withUnsafeBytes { b in
                T.bandKind.dispatch(
                    PlanarNormalizedDifference(
                        a: a.start, b: b.start,
                        out: out, count: a.count / MemoryLayout<T>.stride, threads: threads))
            }
        }
    }
}

/// The element-wise formula, one definition for both forms.
@inline(__always)
private func normalizedDifference(_ x: Float, _ y: Float) -> Float {
    (x - y) / (x + y)
}

private struct PlanarNormalizedDifference: BandTypeVisitor {
    /// Elements per unit of work handed to a thread: whole cache lines, a few pages.
    static let block = 1 << 14

    let a: UnsafeRawPointer
    let b: UnsafeRawPointer
    let out: UnsafeMutablePointer<Float>
    let count: Int
    let threads: Int

    func visit<S: Float32Convertible & BandElement>(_: S.Type) {
        let a = a.assumingMemoryBound(to: S.self)
        let b = b.assumingMemoryBound(to: S.self)
        let out = out
        let count = count
        let blocks = (count + Self.block - 1) / Self.block
        RowChunks.run(rows: blocks, threads: threads) { rows in
            let start = rows.lowerBound * Self.block
            let end = min(count, rows.upperBound * Self.block)
            let a = a + start
            let b = b + start
            let out = out + start
            for i in 0..<(end - start) {
                out[i] = normalizedDifference(a[i].float32, b[i].float32)
            }
        }
    }
}

private struct ChannelNormalizedDifference: BandTypeVisitor {
    let stack: UnsafeRawPointer
    let out: UnsafeMutablePointer<Float>
    let shape: StackShape
    let a: Int
    let b: Int
    let threads: Int

    func visit<S: Float32Convertible & BandElement>(_: S.Type) {
        let stack = stack.assumingMemoryBound(to: S.self)
        let (out, width, channels, a, b) = (out, shape.width, shape.channels, a, b)
        // Rows of all time frames: T·H rows of W pixels.
        RowChunks.run(rows: shape.times * shape.height, threads: threads) { rows in
            let first = rows.lowerBound * width
            let pixels = rows.count * width
            let x = stack + first * channels
            let out = out + first
            for p in 0..<pixels {
                out[p] = normalizedDifference(x[p * channels + a].float32, x[p * channels + b].float32)
            }
        }
    }
}
