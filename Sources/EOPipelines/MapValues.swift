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
        let cast = Self.caster(parameters.dtype)
        var bytes = [UInt8]()
        bytes.reserveCapacity(frames * picked.count * pixels * parameters.dtype.byteCount)
        let scale = parameters.scaleFactor
        for frame in 0..<frames {
            for channel in picked {
                let base = frame * pixels * channels + channel
                for pixel in 0..<pixels {
                    cast(Self.value(feature, at: base + pixel * channels, scale: scale), &bytes)
                }
            }
        }
        self.bytes = bytes
    }

    /// One element after the scale, kept in the precision NumPy computes it in.
    enum Value {
        case single(Float)
        case double(Double)
        case integer(Int64)
        case unsigned(UInt64)
    }

    static func value(_ feature: NpyArray, at index: Int, scale: Double?) -> Value {
        let raw: Value
        switch feature {
        case .float16(let array):
            let x = array.storage[index]
            // float16 * Python float stays float16 too.
            return .single(Float(scale.map { x * Float16($0) + 0 } ?? x))
        case .float32(let array):
            let x = array.storage[index]
            // float32 * Python float stays float32 (NumPy 2's weak scalars); `+ 0` turns -0 into 0.
            return scale.map { .single(x * Float($0) + 0) } ?? .single(x)
        case .float64(let array):
            let x = array.storage[index]
            return scale.map { .double(x * $0 + 0) } ?? .double(x)
        case .bool(let array): raw = .integer(array.storage[index] ? 1 : 0)
        case .uint8(let array): raw = .integer(Int64(array.storage[index]))
        case .int8(let array): raw = .integer(Int64(array.storage[index]))
        case .uint16(let array): raw = .integer(Int64(array.storage[index]))
        case .int16(let array): raw = .integer(Int64(array.storage[index]))
        case .uint32(let array): raw = .integer(Int64(array.storage[index]))
        case .int32(let array): raw = .integer(Int64(array.storage[index]))
        case .uint64(let array): raw = .unsigned(array.storage[index])
        case .int64(let array): raw = .integer(array.storage[index])
        }
        guard let scale else { return raw }
        // An integer array times a float is float64.
        switch raw {
        case .integer(let x): return .double(Double(x) * scale + 0)
        case .unsigned(let x): return .double(Double(x) * scale + 0)
        default: return raw
        }
    }

    /// Appends one value in the map's type.
    static func caster(_ dtype: RasterDataType) -> (Value, inout [UInt8]) -> Void {
        switch dtype {
        case .float32:
            return { value, bytes in
                let x: Float
                switch value {
                case .single(let v): x = v
                case .double(let v): x = Float(v)
                case .integer(let v): x = Float(v)
                case .unsigned(let v): x = Float(v)
                }
                withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 }
            }
        case .uint8:
            return { value, bytes in bytes.append(UInt8(truncatingIfNeeded: integer(value))) }
        case .int16:
            return { value, bytes in
                withUnsafeBytes(of: Int16(truncatingIfNeeded: integer(value)).littleEndian) { bytes += $0 }
            }
        case .uint16:
            return { value, bytes in
                withUnsafeBytes(of: UInt16(truncatingIfNeeded: integer(value)).littleEndian) { bytes += $0 }
            }
        }
    }

    /// The integer NumPy's cast starts from: floats truncated into Int32 (x86-64's conversion,
    /// whose answer for NaN and out-of-range values is Int32.min), integers as they are.
    static func integer(_ value: Value) -> Int64 {
        switch value {
        case .single(let v): truncated(Double(v))
        case .double(let v): truncated(v)
        case .integer(let v): v
        case .unsigned(let v): Int64(truncatingIfNeeded: v)
        }
    }

    private static func truncated(_ value: Double) -> Int64 {
        guard value > -2_147_483_649, value < 2_147_483_648 else { return Int64(Int32.min) }
        return Int64(value.rounded(.towardZero))
    }
}
