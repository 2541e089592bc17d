import Foundation

/// A small JSON writer into bytes: numbers without a detour through String, strings escaped.
/// The stream and the map snapshots are written with it (they can hold millions of numbers).
package struct JSONBytes {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Raw text (JSON punctuation, literals), not escaped.
    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = 0x30 + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    package mutating func append(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            append(UInt64(value.magnitude))
        } else {
            append(UInt64(value))
        }
    }

    /// A number with up to three decimals (rates, loads, seconds).
    package mutating func append(_ value: Double) {
        guard value.isFinite else { return append("null") }
        let text = String(format: "%.3f", value)
        bytes.append(contentsOf: text.utf8)
    }

    /// A quoted, escaped string.
    package mutating func append(string: String) {
        bytes.append(0x22)
        for byte in string.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x3C: bytes.append(contentsOf: Array("\\u003c".utf8))  // no </script> in a page
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// A key and its colon: `"key":`.
    package mutating func key(_ name: StaticString) {
        append("\"")
        append(name)
        append("\":")
    }

    package var string: String { String(decoding: bytes, as: UTF8.self) }
}
