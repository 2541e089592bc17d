/// The element types an `.npy` file may hold here: NumPy's bool, the fixed-width integers and
/// the two IEEE floats. Object, string, complex, half, datetime and structured dtypes are refused.
package enum NpyType: String, Sendable, CaseIterable {
    case bool
    case uint8
    case int8
    case uint16
    case int16
    case uint32
    case int32
    case uint64
    case int64
    case float16
    case float32
    case float64

    /// Bytes per element.
    package var itemSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .float16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        }
    }

    /// NumPy's type string as `np.save` writes it on a little-endian machine (`'<f4'`, `'|b1'`).
    package var descr: String {
        let code: String
        switch self {
        case .bool: code = "b1"
        case .uint8: code = "u1"
        case .int8: code = "i1"
        case .uint16: code = "u2"
        case .int16: code = "i2"
        case .uint32: code = "u4"
        case .int32: code = "i4"
        case .uint64: code = "u8"
        case .int64: code = "i8"
        case .float16: code = "f2"
        case .float32: code = "f4"
        case .float64: code = "f8"
        }
        return (itemSize == 1 ? "|" : "<") + code
    }

    /// The type and whether its bytes are big-endian, from a descr such as `'<u2'`, `'>f8'`,
    /// `'|u1'` or `'=i4'`; nil for anything this codec does not read.
    static func parse(descr: String) -> (type: NpyType, bigEndian: Bool)? {
        // The byte-order mark is optional ('?' and 'B' are what NumPy writes for some 1-byte types).
        let order = descr.first.flatMap { "<>|=".contains($0) ? $0 : nil }
        let code = order == nil ? Substring(descr) : descr.dropFirst()
        let type: NpyType
        switch code {
        case "b1", "?": type = .bool
        case "u1", "B": type = .uint8
        case "i1", "b": type = .int8
        case "u2": type = .uint16
        case "i2": type = .int16
        case "u4": type = .uint32
        case "i4": type = .int32
        case "u8": type = .uint64
        case "i8": type = .int64
        case "f2", "e": type = .float16
        case "f4": type = .float32
        case "f8": type = .float64
        default: return nil
        }
        // '=' is native order; every platform grow runs on is little-endian.
        return (type, order == ">" && type.itemSize > 1)
    }
}
