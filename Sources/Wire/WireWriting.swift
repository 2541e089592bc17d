import NIOCore

/// Builds a message payload from the primitive encodings:
/// - unsigned integers as LEB128 varints (7 bits a byte, low group first);
/// - signed integers zigzag-mapped, then as varints;
/// - Double as 8 bytes IEEE-754 little-endian; Bool as one byte 0/1;
/// - strings and byte strings as a varint length and the bytes (strings in UTF-8);
/// - a record (an element of a list) as a varint byte length and its fields, so a newer peer
///   can append fields to it and an older one skips them;
/// - a list as a varint count and its elements.
///
/// It writes into a plain byte array: appending to a local array costs far less per byte than
/// going through ByteBuffer's shared storage, and payloads are copied into the frame once.
public struct WireWriter {
    public var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable
    public mutating func writeVarint<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        writeVarint(UInt64(value))
    }

    @inlinable
    public mutating func writeZigZag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inlinable
    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    @inlinable
    public mutating func writeDouble(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func writeLengthPrefixedString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    @inlinable
    public mutating func writeLengthPrefixedBytes(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a varint byte length followed by what `body` writes. One byte is reserved for the
    /// length; the rare record of 128 bytes or more is moved up to make room for a longer one.
    @inlinable
    public mutating func writeRecord(_ body: (inout WireWriter) -> Void) {
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthIndex - 1
        if length < 0x80 {
            bytes[lengthIndex] = UInt8(length)
            return
        }
        var prefix = WireWriter(capacity: 10)
        prefix.writeVarint(UInt64(length))
        bytes.replaceSubrange(lengthIndex..<(lengthIndex + 1), with: prefix.bytes)
    }

    @inlinable
    public mutating func writeList<Element: WireRecord>(_ elements: [Element]) {
        writeVarint(UInt64(elements.count))
        for element in elements {
            writeRecord { element.encode(to: &$0) }
        }
    }

    @inlinable
    public mutating func writeVarintList<T: FixedWidthInteger & UnsignedInteger>(_ values: [T]) {
        writeVarint(UInt64(values.count))
        for value in values { writeVarint(UInt64(value)) }
    }
}
