import NIOCore

/// The primitive encodings every message is built from:
/// - unsigned integers as LEB128 varints (7 bits a byte, low group first);
/// - signed integers zigzag-mapped, then as varints;
/// - Double as 8 bytes IEEE-754 little-endian; Bool as one byte 0/1;
/// - strings and byte strings as a varint length and the bytes (strings in UTF-8);
/// - a record (an element of a list) as a varint byte length and its fields, so a newer peer
///   can append fields to it and an older one skips them;
/// - a list as a varint count and its elements.
extension ByteBuffer {
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        writeInteger(UInt8(truncatingIfNeeded: value))
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
        writeInteger(value ? UInt8(1) : 0)
    }

    @inlinable
    public mutating func writeDouble(_ value: Double) {
        writeInteger(value.bitPattern, endianness: .little)
    }

    @inlinable
    public mutating func writeLengthPrefixedString(_ value: String) {
        writeVarint(UInt64(value.utf8.count))
        writeString(value)
    }

    @inlinable
    public mutating func writeLengthPrefixedBytes(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        writeBytes(value)
    }

    /// Writes a varint byte length followed by what `body` writes. One byte is reserved for the
    /// length; the rare record of 128 bytes or more is moved up to make room for a longer one.
    @inlinable
    public mutating func writeRecord(_ body: (inout ByteBuffer) -> Void) {
        let lengthIndex = writerIndex
        writeInteger(UInt8(0))
        let bodyIndex = writerIndex
        body(&self)
        let length = writerIndex - bodyIndex
        if length < 0x80 {
            setInteger(UInt8(length), at: lengthIndex)
            return
        }
        let bodyBytes = getBytes(at: bodyIndex, length: length) ?? []
        moveWriterIndex(to: lengthIndex)
        writeVarint(UInt64(length))
        writeBytes(bodyBytes)
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
