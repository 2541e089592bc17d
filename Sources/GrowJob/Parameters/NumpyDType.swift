/// An array dtype as eo-grow's configs give it (`"dtype": "float32"`), which eo-grow hands to
/// `numpy.dtype`: the names and one-character codes numpy accepts for the types an EOPatch holds.
package enum NumpyDType: String, Sendable, CaseIterable, Codable {
    case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float16, float32, float64

    /// Spellings numpy takes for each type (byte order `<`, `=` or `|` allowed in front of codes).
    private static let spellings: [String: NumpyDType] = [
        "bool": .bool, "bool_": .bool, "?": .bool, "b1": .bool,
        "uint8": .uint8, "u1": .uint8, "B": .uint8, "ubyte": .uint8,
        "int8": .int8, "i1": .int8, "b": .int8, "byte": .int8,
        "uint16": .uint16, "u2": .uint16, "H": .uint16, "ushort": .uint16,
        "int16": .int16, "i2": .int16, "h": .int16, "short": .int16,
        "uint32": .uint32, "u4": .uint32, "I": .uint32, "uintc": .uint32,
        "int32": .int32, "i4": .int32, "i": .int32, "intc": .int32,
        "uint64": .uint64, "u8": .uint64, "uint": .uint64, "L": .uint64, "Q": .uint64,
        "int64": .int64, "i8": .int64, "int": .int64, "l": .int64, "q": .int64, "int_": .int64,
        "float16": .float16, "f2": .float16, "e": .float16, "half": .float16,
        "float32": .float32, "f4": .float32, "f": .float32, "single": .float32,
        "float64": .float64, "f8": .float64, "d": .float64, "double": .float64, "float": .float64,
    ]

    /// nil for what numpy would not take, or a type grow cannot write (complex, strings, dates).
    package init?(numpyName text: String) {
        var name = Substring(text)
        if let first = name.first, "<=|".contains(first), name.count > 1 { name = name.dropFirst() }
        guard let type = Self.spellings[String(name)] else { return nil }
        self = type
    }

    package var isFloat: Bool { self == .float16 || self == .float32 || self == .float64 }
    package var isInteger: Bool { !isFloat && self != .bool }
}
