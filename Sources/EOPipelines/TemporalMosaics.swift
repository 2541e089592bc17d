import EOData
import EOKernels
import Foundation
import GrowJob

/// eo-grow's temporal mosaics: the period from the first day's midnight to the midnight after
/// the last day is cut into `count` equal intervals (Python's `timedelta` arithmetic, to the
/// microsecond); a frame belongs to the interval whose end it does not pass (the first interval
/// also takes earlier frames, the last one later frames); each mosaic is stamped with its
/// interval's centre.
struct TemporalMosaics {
    /// Interval edges in microseconds since 1970.
    let edges: [Int64]

    init(_ specification: MosaickingSpecification) {
        let start = Self.microseconds(specification.start)
        let end = Self.microseconds(specification.end) + 86_400_000_000
        let step = Self.divide(end - start, Int64(specification.count))
        edges = (0..<specification.count).map { start + step * Int64($0) } + [end]
    }

    var centres: [Date] {
        zip(edges, edges.dropFirst()).map { low, high in
            Date(timeIntervalSince1970: Double(low + Self.divide(high - low, 2)) / 1e6)
        }
    }

    /// The frames of mosaic `index` (0-based).
    func frames(of index: Int, _ timestamps: [Date]) -> [Int] {
        let times = timestamps.map(Self.microseconds)
        let last = edges.count - 2
        return times.indices.filter { frame in
            let time = times[frame]
            if index == 0 { return time <= edges[1] }
            if index == last { return time > edges[index] }
            return time > edges[index] && time <= edges[index + 1]
        }
    }

    /// Each interval's per-pixel median of the valid observations (NaN where none), as float32;
    /// float64 when some interval has no frame at all (numpy's NaN fill of such an interval is
    /// float64 and lifts the whole stack).
    func median(_ bands: NpyArray, valid: NDArray<Bool>, timestamps: [Date]) throws -> NpyArray {
        let values = bands.float32()
        let shape = Array(values.shape.dropFirst())
        let intervals = frameLists(timestamps)
        var mosaics: [NDArray<Float>] = []
        for frames in intervals {
            guard !frames.isEmpty else {
                mosaics.append(NDArray(shape: shape, repeating: .nan))
                continue
            }
            let stack = NpyArray(values).frames(frames).array(of: Float.self)!
            let mask = NpyArray(valid).frames(frames).array(of: Bool.self)!
            mosaics.append(try Kernels.nanMedian(stack, valid: mask))
        }
        return stacked(mosaics, emptyIntervals: intervals.contains { $0.isEmpty })
    }

    /// Each interval's observation with the largest index (ignoring NaN and invalid pixels; the
    /// first on ties), as float32; NaN where the index is NaN throughout.
    func maxNDI(_ bands: NpyArray, ndi: NpyArray, valid: NDArray<Bool>, timestamps: [Date]) -> NpyArray {
        let values = bands.float32()
        let index = ndi.float64()
        let (height, width, channels) = (values.shape[1], values.shape[2], values.shape[3])
        let pixels = height * width
        let intervals = frameLists(timestamps)
        var mosaics: [NDArray<Float>] = []
        for frames in intervals {
            var out = NDArray<Float>(shape: [height, width, channels], repeating: .nan)
            for pixel in 0..<pixels {
                var best: (frame: Int, value: Double)?
                for frame in frames where valid.storage[frame * pixels + pixel] {
                    let value = index.storage[frame * pixels + pixel]
                    if !value.isNaN, best == nil || value > best!.value { best = (frame, value) }
                }
                guard let best else { continue }
                for channel in 0..<channels {
                    out.storage[pixel * channels + channel] =
                        values.storage[(best.frame * pixels + pixel) * channels + channel]
                }
            }
            mosaics.append(out)
        }
        return stacked(mosaics, emptyIntervals: intervals.contains { $0.isEmpty })
    }

    /// The mosaics stacked: float64 when some interval had no frame (numpy fills it with float64 NaN).
    private func stacked(_ mosaics: [NDArray<Float>], emptyIntervals: Bool) -> NpyArray {
        let stack = NDArray(shape: [mosaics.count] + mosaics[0].shape, storage: mosaics.flatMap(\.storage))
        return emptyIntervals ? .float64(NpyArray(stack).float64()) : .float32(stack)
    }

    /// The frames of every mosaic, in order.
    private func frameLists(_ timestamps: [Date]) -> [[Int]] {
        (0..<edges.count - 1).map { frames(of: $0, timestamps) }
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1e6).rounded()) }

    /// Python's `timedelta / int`: the quotient rounded half to even, in microseconds.
    static func divide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        let twice = 2 * abs(remainder)
        if twice > divisor || (twice == divisor && quotient % 2 != 0) { return quotient + (value < 0 ? -1 : 1) }
        return quotient
    }
}
