/// The part of an `.npy` file before the data: magic `\x93NUMPY`, version, header length, and
/// a Python dict literal `{'descr': '<u2', 'fortran_order': False, 'shape': (4, 256, 256, 13), }`
/// padded with spaces to a 64-byte boundary and ended by `\n`.
///
/// Parsing is pure and bounded: sizes are checked for overflow here, and against the bytes
/// actually present by the codec, before anything is allocated.
struct NpyHeader: Equatable, Sendable {
    var type: NpyType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
    /// Elements (product of `shape`).
    var count: Int
    /// Bytes of data after the header.
    var byteCount: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Bytes of magic + version.
    static let preludeLength = 8
    /// Longest header dict read. NumPy itself refuses more than 10,000 bytes by default; the
    /// only headers that long are structured dtypes, which are refused anyway.
    static let maxDictLength = 1 << 20

    /// Checks the magic and version in the first 8 bytes; returns how many bytes the header
    /// length field takes (2 for version 1, 4 for versions 2 and 3) and whether the dict is UTF-8.
    static func parsePrelude(_ bytes: [UInt8], location: String) throws(EODataError) -> (lengthBytes: Int, utf8: Bool) {
        guard bytes.count == preludeLength, Array(bytes[0..<6]) == magic else {
            throw EODataError(location, "not a NumPy .npy file (bad magic; expected \\x93NUMPY)")
        }
        switch (bytes[6], bytes[7]) {
        case (1, 0): return (2, false)
        case (2, 0): return (4, false)
        case (3, 0): return (4, true)
        case (let major, let minor):
            throw EODataError(location, "unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
    }

    /// Little-endian header length from its 2- or 4-byte field, checked against `maxDictLength`.
    static func parseDictLength(_ bytes: [UInt8], location: String) throws(EODataError) -> Int {
        var length = 0
        for (position, byte) in bytes.enumerated() { length |= Int(byte) << (8 * position) }
        guard length <= maxDictLength else {
            throw EODataError(
                location, "malformed header: its length field says \(length) bytes (at most \(maxDictLength) accepted)")
        }
        return length
    }

    /// Parses the dict text and checks that the sizes it implies fit in memory arithmetic.
    static func parse(dict text: String, location: String) throws(EODataError) -> NpyHeader {
        var parser = DictParser(text: Array(text.unicodeScalars))
        let entries: [String: DictParser.Value]
        do throws(DictParser.Failure) {
            entries = try parser.parseDict()
        } catch {
            throw EODataError(location, "malformed header: \(error.message) in \(excerpt(text))")
        }
        let keys = Set(entries.keys)
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw EODataError(
                location,
                "malformed header: expected the keys 'descr', 'fortran_order' and 'shape', got \(keys.sorted().map { "'\($0)'" }.joined(separator: ", "))"
            )
        }
        let descr: String
        switch entries["descr"] {
        case .string(let value)?: descr = value
        case .list?: throw EODataError(location, "unsupported dtype: structured (record) arrays are not supported")
        default: throw EODataError(location, "malformed header: 'descr' must be a string such as '<f4'")
        }
        guard let (type, bigEndian) = NpyType.parse(descr: descr) else {
            let object = descr.hasSuffix("O") || descr.hasPrefix("|O")
            throw EODataError(
                location,
                object
                    ? "unsupported dtype '\(descr)': object arrays (pickled Python objects) are not supported"
                    : "unsupported dtype '\(descr)' (expected bool, u1/i1, u2/i2, u4/i4, u8/i8, f4 or f8)")
        }
        guard case .bool(let fortranOrder)? = entries["fortran_order"] else {
            throw EODataError(location, "malformed header: 'fortran_order' must be True or False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw EODataError(location, "malformed header: 'shape' must be a tuple of integers")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw EODataError(location, "malformed header: shape \(shape) is too large") }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: type.itemSize)
        guard !overflow else { throw EODataError(location, "malformed header: shape \(shape) is too large") }
        return NpyHeader(
            type: type, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: shape, count: count,
            byteCount: byteCount)
    }

    /// What `np.save` writes for a C-ordered little-endian array: version 1.0 (2.0 only when the
    /// dict does not fit 65,535 bytes), keys sorted, 21 - digits(shape[0]) spare spaces so the
    /// first axis can grow in place, padded so the data starts at a multiple of 64.
    static func encode(type: NpyType, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(type.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let text = Array(dict.utf8)
        func dictLength(lengthBytes: Int) -> Int {
            let unpadded = magic.count + 2 + lengthBytes + text.count + 1
            return text.count + (64 - unpadded % 64) + 1
        }
        let lengthBytes = dictLength(lengthBytes: 2) <= 65_535 ? 2 : 4
        let length = dictLength(lengthBytes: lengthBytes)
        var out = magic + (lengthBytes == 2 ? [1, 0] : [2, 0])
        out.reserveCapacity(magic.count + 2 + lengthBytes + length)
        for position in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: length >> (8 * position))) }
        out += text
        out += [UInt8](repeating: 0x20, count: length - text.count - 1)
        out.append(0x0A)
        return out
    }

    private static func excerpt(_ text: String) -> String {
        let trimmed = String(text.drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
        let short = trimmed.count > 80 ? String(trimmed.prefix(80)) + "..." : trimmed
        return "\"" + short.map { $0.isASCII && !$0.isNewline ? String($0) : "?" }.joined() + "\""
    }
}

/// Python's dict literal as far as `.npy` headers use it: string keys; string, True/False,
/// integer-tuple and (for structured dtypes, refused later) list values.
private struct DictParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
        case list
    }

    struct Failure: Error {
        var message: String
    }

    let text: [Unicode.Scalar]
    var position = 0

    init(text: [Unicode.Scalar]) {
        self.text = text
    }

    private var current: Unicode.Scalar? { position < text.count ? text[position] : nil }

    private mutating func skipSpace() {
        while let scalar = current, scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" {
            position += 1
        }
    }

    private mutating func expect(_ scalar: Unicode.Scalar) throws(Failure) {
        skipSpace()
        guard current == scalar else { throw Failure(message: "expected '\(scalar)' at character \(position + 1)") }
        position += 1
    }

    mutating func parseDict() throws(Failure) -> [String: Value] {
        try expect("{")
        var entries: [String: Value] = [:]
        while true {
            skipSpace()
            if current == "}" {
                position += 1
                break
            }
            let key = try parseString()
            try expect(":")
            let value = try parseValue()
            guard entries.updateValue(value, forKey: key) == nil else {
                throw Failure(message: "key '\(key)' appears twice")
            }
            skipSpace()
            if current == "," {
                position += 1
            } else if current != "}" {
                throw Failure(message: "expected ',' or '}' at character \(position + 1)")
            }
        }
        skipSpace()
        guard position == text.count else { throw Failure(message: "unexpected text after the dict") }
        return entries
    }

    private mutating func parseValue() throws(Failure) -> Value {
        skipSpace()
        switch current {
        case "'", "\"": return .string(try parseString())
        case "(": return .tuple(try parseTuple())
        case "[":
            // A structured dtype's field list: skip it to the matching bracket.
            var depth = 0
            while let scalar = current {
                position += 1
                if scalar == "[" { depth += 1 }
                if scalar == "]" {
                    depth -= 1
                    if depth == 0 { return .list }
                }
            }
            throw Failure(message: "unterminated list")
        default:
            if matchWord("True") { return .bool(true) }
            if matchWord("False") { return .bool(false) }
            throw Failure(message: "unexpected value at character \(position + 1)")
        }
    }

    private mutating func matchWord(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars else {
            return false
        }
        position += scalars.count
        return true
    }

    private mutating func parseString() throws(Failure) -> String {
        skipSpace()
        guard let quote = current, quote == "'" || quote == "\"" else {
            throw Failure(message: "expected a quoted string at character \(position + 1)")
        }
        position += 1
        var value = String.UnicodeScalarView()
        while let scalar = current, scalar != quote {
            // No escapes: NumPy's keys and type strings never contain them.
            if scalar == "\\" || scalar == "\n" { throw Failure(message: "unsupported character in a string") }
            value.append(scalar)
            position += 1
        }
        guard current == quote else { throw Failure(message: "unterminated string") }
        position += 1
        return String(value)
    }

    private mutating func parseTuple() throws(Failure) -> [Int] {
        try expect("(")
        var items: [Int] = []
        while true {
            skipSpace()
            if current == ")" {
                position += 1
                return items
            }
            items.append(try parseInteger())
            skipSpace()
            if current == "," {
                position += 1
            } else if current != ")" {
                throw Failure(message: "expected ',' or ')' in the shape at character \(position + 1)")
            }
        }
    }

    /// A non-negative decimal integer; Python 2's `L` suffix is accepted.
    private mutating func parseInteger() throws(Failure) -> Int {
        var value = 0
        var digits = 0
        while let scalar = current, ("0"..."9").contains(scalar) {
            let digit = Int(scalar.value) - 48
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(digit)
            guard !overflowTimes, !overflowSum else { throw Failure(message: "shape dimension too large") }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw Failure(message: "expected a non-negative integer at character \(position + 1)") }
        if current == "L" { position += 1 }
        return value
    }
}
