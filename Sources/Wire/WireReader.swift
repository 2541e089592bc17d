import NIOCore

/// Reads the primitive encodings of `WireWriting.swift` from one message or record. Every read
/// checks the bytes that are left, so a lying length can never cause a large allocation.
public struct WireReader {
    public var buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    public var isAtEnd: Bool { buffer.readableBytes == 0 }

    public mutating func varint(_ what: @autoclosure () -> String) throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = buffer.readInteger(as: UInt8.self) else { throw .truncatedMessage(what()) }
            if shift == 63 && byte > 1 { throw .malformedVarint(what()) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint(what()) }
        }
    }

    public mutating func uint32(_ what: @autoclosure () -> String) throws(WireError) -> UInt32 {
        let value = try varint(what())
        guard let narrowed = UInt32(exactly: value) else { throw .valueOutOfRange(what()) }
        return narrowed
    }

    public mutating func uint16(_ what: @autoclosure () -> String) throws(WireError) -> UInt16 {
        let value = try varint(what())
        guard let narrowed = UInt16(exactly: value) else { throw .valueOutOfRange(what()) }
        return narrowed
    }

    public mutating func uint8(_ what: @autoclosure () -> String) throws(WireError) -> UInt8 {
        let value = try varint(what())
        guard let narrowed = UInt8(exactly: value) else { throw .valueOutOfRange(what()) }
        return narrowed
    }

    public mutating func zigZag(_ what: @autoclosure () -> String) throws(WireError) -> Int64 {
        let raw = try varint(what())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func bool(_ what: @autoclosure () -> String) throws(WireError) -> Bool {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw .truncatedMessage(what()) }
        guard byte <= 1 else { throw .valueOutOfRange(what()) }
        return byte == 1
    }

    public mutating func double(_ what: @autoclosure () -> String) throws(WireError) -> Double {
        guard let bits = buffer.readInteger(endianness: .little, as: UInt64.self) else {
            throw .truncatedMessage(what())
        }
        return Double(bitPattern: bits)
    }

    private mutating func length(_ what: @autoclosure () -> String) throws(WireError) -> Int {
        let length = try varint(what())
        guard length <= UInt64(buffer.readableBytes) else { throw .truncatedMessage(what()) }
        return Int(length)
    }

    public mutating func string(_ what: @autoclosure () -> String) throws(WireError) -> String {
        let count = try length(what())
        guard let slice = buffer.readSlice(length: count) else { throw .truncatedMessage(what()) }
        guard let text = slice.readableBytesView.withContiguousStorageIfAvailable({ String(validating: $0, as: UTF8.self) }) ?? String(validating: Array(slice.readableBytesView), as: UTF8.self)
        else { throw .invalidUTF8(what()) }
        return text
    }

    public mutating func bytes(_ what: @autoclosure () -> String) throws(WireError) -> [UInt8] {
        let count = try length(what())
        guard let bytes = buffer.readBytes(length: count) else { throw .truncatedMessage(what()) }
        return bytes
    }

    /// Reads one length-prefixed record. Fields the record has beyond what `decode` reads (a
    /// newer peer's additions) are skipped.
    public mutating func record<T>(_ what: @autoclosure () -> String, _ decode: (inout WireReader) throws(WireError) -> T) throws(WireError) -> T {
        let count = try length(what())
        guard let slice = buffer.readSlice(length: count) else { throw .truncatedMessage(what()) }
        var inner = WireReader(slice)
        return try decode(&inner)
    }

    public mutating func list<Element: WireRecord>(_ what: @autoclosure () -> String) throws(WireError) -> [Element] {
        let name = what()
        let count = try varint(name)
        // Every element takes at least one byte: a count beyond the bytes left is a lie.
        guard count <= UInt64(buffer.readableBytes) else { throw .truncatedMessage(name) }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            elements.append(try record(name) { (reader: inout WireReader) throws(WireError) in try Element(from: &reader) })
        }
        return elements
    }

    public mutating func varintList<T: FixedWidthInteger & UnsignedInteger>(_ what: @autoclosure () -> String, as: T.Type = T.self) throws(WireError) -> [T] {
        let name = what()
        let count = try varint(name)
        guard count <= UInt64(buffer.readableBytes) else { throw .truncatedMessage(name) }
        var values: [T] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            let raw = try varint(name)
            guard let value = T(exactly: raw) else { throw .valueOutOfRange(name) }
            values.append(value)
        }
        return values
    }
}
