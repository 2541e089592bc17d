import EOData
import GrowJob

/// What eo-grow's export writes for one patch, pixel for pixel: the chosen channels
/// (`band_indices`, negative ones from the end), multiplied by `scale_factor` in NumPy's dtype
/// (float16 and float32 stay, integers become float64), then cast to the map's type as NumPy's
/// `astype` casts on x86-64 (floats truncated toward zero through a 32-bit integer, NaN and
/// out-of-range values giving its minimum; integers wrapped). Band-sequential, time-major for
/// temporal features (T1B1, T1B2, ..., T2B1, ...), as eo-learn's ExportToTiffTask orders them.
struct MapValues: Equatable {
    /// Little-endian values of `dtype`, band after band, each H×W row-major.
    var bytes: [UInt8]
    var frames: Int
    var bandsPerFrame: Int
    var height: Int
    var width: Int

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(_ feature: NpyArray, temporal: Bool, parameters: ExportMapsParameters) throws(Problem) {
        let shape = feature.shape
        guard shape.count == (temporal ? 4 : 3) else {
            throw Problem(description: "has shape \(shape); expected \(temporal ? "T×H×W×C" : "H×W×C")")
        }
        frames = temporal ? shape[0] : 1
        height = shape[shape.count - 3]
        width = shape[shape.count - 2]
        let channels = shape[shape.count - 1]
        var picked = Array(0..<channels)
        if let indices = parameters.bandIndices {
            picked = []
            for index in indices {
                guard index >= -channels, index < channels else {
                    throw Problem(description: "has \(channels) channels; band_indices names \(index)")
                }
                picked.append(index < 0 ? channels + index : index)
            }
        }
        bandsPerFrame = picked.count
        let pixels = height * width
        var bytes = [UInt8]()
        bytes.reserveCapacity(frames * picked.count * pixels * parameters.dtype.byteCount)
        for frame in 0..<frames {
            for channel in picked {
                let band = Self.band(feature, start: frame * pixels * channels + channel, step: channels, count: pixels)
                Self.append(Self.scaled(band, by: parameters.scaleFactor), as: parameters.dtype, to: &bytes)
            }
        }
        self.bytes = bytes
    }

    /// One band's values, in the precision NumPy computes the scale in.
    enum Band {
        case half([Float16])
        case single([Float])
        case double([Double])
        case integer([Int64])
        case unsigned([UInt64])
    }

    static func band(_ feature: NpyArray, start: Int, step: Int, count: Int) -> Band {
        func pick<T>(_ values: [T]) -> [T] { (0..<count).map { values[start + $0 * step] } }
        switch feature {
        case .float16(let array): return .half(pick(array.storage))
        case .float32(let array): return .single(pick(array.storage))
        case .float64(let array): return .double(pick(array.storage))
        case .bool(let array): return .integer(pick(array.storage).map { $0 ? 1 : 0 })
        case .uint8(let array): return .integer(pick(array.storage).map(Int64.init))
        case .int8(let array): return .integer(pick(array.storage).map(Int64.init))
        case .uint16(let array): return .integer(pick(array.storage).map(Int64.init))
        case .int16(let array): return .integer(pick(array.storage).map(Int64.init))
        case .uint32(let array): return .integer(pick(array.storage).map(Int64.init))
        case .int32(let array): return .integer(pick(array.storage).map(Int64.init))
        case .uint64(let array): return .unsigned(pick(array.storage))
        case .int64(let array): return .integer(pick(array.storage))
        }
    }

    /// `band * scale + 0` as NumPy 2 computes it: a Python float keeps a float16 or float32
    /// array's type (the scale rounded to it), integers become float64; `+ 0` turns -0 into 0.
    static func scaled(_ band: Band, by scale: Double?) -> Band {
        guard let scale else { return band }
        switch band {
        case .half(let values):
            let factor = Float16(scale)
            return .half(values.map { $0 * factor + 0 })
        case .single(let values):
            let factor = Float(scale)
            return .single(values.map { $0 * factor + 0 })
        case .double(let values): return .double(values.map { $0 * scale + 0 })
        case .integer(let values): return .double(values.map { Double($0) * scale + 0 })
        case .unsigned(let values): return .double(values.map { Double($0) * scale + 0 })
        }
    }

    /// Appends the band in the map's type, little-endian.
    static func append(_ band: Band, as dtype: RasterDataType, to bytes: inout [UInt8]) {
        if dtype == .float32 {
            let values: [Float]
            switch band {
            case .half(let v): values = v.map { Float($0) }
            case .single(let v): values = v
            case .double(let v): values = v.map { Float($0) }
            case .integer(let v): values = v.map { Float($0) }
            case .unsigned(let v): values = v.map { Float($0) }
            }
            values.withUnsafeBytes { bytes += $0 }
            return
        }
        let integers: [Int64]
        switch band {
        case .half(let v): integers = v.map { truncated(Double($0)) }
        case .single(let v): integers = v.map { truncated(Double($0)) }
        case .double(let v): integers = v.map(truncated)
        case .integer(let v): integers = v
        case .unsigned(let v): integers = v.map { Int64(truncatingIfNeeded: $0) }
        }
        switch dtype {
        case .uint8: bytes += integers.map { UInt8(truncatingIfNeeded: $0) }
        case .int16: integers.map { Int16(truncatingIfNeeded: $0) }.withUnsafeBytes { bytes += $0 }
        case .uint16: integers.map { UInt16(truncatingIfNeeded: $0) }.withUnsafeBytes { bytes += $0 }
        case .float32: break
        }
    }

    /// A float as x86-64 converts it to a 32-bit integer (truncating toward zero; NaN and values
    /// out of range give Int32.min), which NumPy's casts to 8- and 16-bit types start from.
    private static func truncated(_ value: Double) -> Int64 {
        guard value > -2_147_483_649, value < 2_147_483_648 else { return Int64(Int32.min) }
        return Int64(value.rounded(.towardZero))
    }
}
