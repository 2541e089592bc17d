import NIOCore

/// Reads the primitive encodings of `WireWriter` from one message or record. Every read checks
/// the bytes that are left, so a lying length can never cause a large allocation or a read past
/// the end. It reads raw memory: create it only inside `withUnsafeReadableBytes` and never let it
/// outlive that call (`WireReader.read` does this for you).
public struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    public init(unsafeBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Runs `body` with a reader over the readable bytes of `buffer`.
    public static func read<T>(
        _ buffer: ByteBuffer,
        _ body: (inout WireReader) throws(WireError) -> T
    ) throws(WireError) -> T {
        let result: Result<T, WireError> = buffer.withUnsafeReadableBytes { raw in
            var reader = WireReader(unsafeBytes: raw)
            do throws(WireError) {
                return .success(try body(&reader))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public var isAtEnd: Bool { position == bytes.count }
    public var remaining: Int { bytes.count - position }

    public mutating func varint(_ what: @autoclosure () -> String) throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw .malformedVarint(what()) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint(what()) }
        }
        throw .truncatedMessage(what())
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
        guard position < bytes.count else { throw .truncatedMessage(what()) }
        let byte = bytes[position]
        position += 1
        guard byte <= 1 else { throw .valueOutOfRange(what()) }
        return byte == 1
    }

    public mutating func double(_ what: @autoclosure () -> String) throws(WireError) -> Double {
        guard remaining >= 8 else { throw .truncatedMessage(what()) }
        let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return Double(bitPattern: bits)
    }

    /// Takes a varint length and that many bytes.
    private mutating func lengthPrefixed(_ what: @autoclosure () -> String) throws(WireError) -> UnsafeRawBufferPointer
    {
        let length = try varint(what())
        guard length <= UInt64(remaining) else { throw .truncatedMessage(what()) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
        position += Int(length)
        return slice
    }

    public mutating func string(_ what: @autoclosure () -> String) throws(WireError) -> String {
        let raw = try lengthPrefixed(what())
        guard let text = String(validating: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw .invalidUTF8(what())
        }
        return text
    }

    public mutating func bytes(_ what: @autoclosure () -> String) throws(WireError) -> [UInt8] {
        Array(try lengthPrefixed(what()))
    }

    /// Reads one length-prefixed record. Fields the record has beyond what `decode` reads (a
    /// newer peer's additions) are skipped.
    public mutating func record<T>(
        _ what: @autoclosure () -> String,
        _ decode: (inout WireReader) throws(WireError) -> T
    ) throws(WireError) -> T {
        var inner = WireReader(unsafeBytes: try lengthPrefixed(what()))
        return try decode(&inner)
    }

    public mutating func list<Element: WireRecord>(_ what: @autoclosure () -> String) throws(WireError) -> [Element] {
        let count = try varint(what())
        // Every element takes at least one byte: a count beyond the bytes left is a lie.
        guard count <= UInt64(remaining) else { throw .truncatedMessage(what()) }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            var inner = WireReader(unsafeBytes: try lengthPrefixed(what()))
            elements.append(try Element(from: &inner))
        }
        return elements
    }

    public mutating func varintList<T: FixedWidthInteger & UnsignedInteger>(
        _ what: @autoclosure () -> String,
        as: T.Type = T.self
    ) throws(WireError) -> [T] {
        let count = try varint(what())
        guard count <= UInt64(remaining) else { throw .truncatedMessage(what()) }
        var values: [T] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            let raw = try varint(what())
            guard let value = T(exactly: raw) else { throw .valueOutOfRange(what()) }
            values.append(value)
        }
        return values
    }
}
