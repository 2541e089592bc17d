import EOData
import GrowJob

/// How eo-grow's merge turns one patch's samples into rows, and joins the rows of all patches.
enum SampleRows {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// One patch's samples with the sample axis first: the axis eo-learn's sampling leaves at 1
    /// is dropped (T×N×1×C → T×N×C, N×1×C → N×C), then a temporal raster's time and sample axes
    /// swap (N×T×C). float64 becomes float32.
    static func samplesFirst(_ array: NpyArray, kind: FeatureType) throws(Problem) -> NpyArray {
        let rank = kind.rank ?? array.shape.count
        // NumPy's squeeze axis `ndim - 2`, negative counted from the end.
        let axis = rank - 2 >= 0 ? rank - 2 : array.shape.count + rank - 2
        guard array.shape.count == rank, array.shape.indices.contains(axis), array.shape[axis] == 1 else {
            throw Problem(
                description:
                    "has shape \(array.shape); expected \(rank) axes with 1 at axis \(axis) (samples of 1x1 pixels)")
        }
        var shape = array.shape
        shape.remove(at: axis)
        var result: NpyArray
        do {
            result = try array.transformed(Reshape(shape: shape))
            if kind == .data || kind == .mask { result = try result.transformed(SwapFirstAxes()) }
        } catch {
            throw Problem(description: "\(error)")
        }
        if case .float64(let doubles) = result {
            result = .float32(NDArray(shape: doubles.shape, storage: doubles.storage.map { Float($0) }))
        }
        return result
    }

    /// `np.concatenate(parts, axis=0)` for parts of one dtype and equal trailing axes.
    static func concatenate(_ parts: [NpyArray]) throws(Problem) -> NpyArray {
        guard let first = parts.first else { throw Problem(description: "nothing to join") }
        for part in parts where part.type != first.type || part.shape.dropFirst() != first.shape.dropFirst() {
            throw Problem(
                description:
                    "patches hold \(first.type.rawValue) \(first.shape) and \(part.type.rawValue) \(part.shape), which do not join"
            )
        }
        let rows = parts.reduce(0) { $0 + ($1.shape.first ?? 0) }
        do {
            return try first.transformed(Concatenate(parts: parts, rows: rows))
        } catch {
            throw Problem(description: "\(error)")
        }
    }
}
