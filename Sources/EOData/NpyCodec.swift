/// NumPy's `.npy` format (versions 1.0, 2.0 and 3.0), plain or inside gzip (`.npy.gz`, as
/// eo-learn stores compressed features).
///
/// Reading checks every size in the header against the bytes actually there before allocating,
/// reads big-endian data by swapping bytes, and reads Fortran-ordered files (what `np.save`
/// writes for a transposed array) by transposing them into C order. Writing produces what
/// `np.save` writes: a version 1.0 header padded to 64 bytes, then the little-endian elements.
package enum NpyCodec {
    /// Decodes a whole `.npy` file; `location` names it in errors.
    package static func decode(_ bytes: [UInt8], location: String) throws(EODataError) -> NpyArray {
        var source = PlainSource(bytes: bytes)
        return try decode(from: &source, location: location)
    }

    /// Decodes a gzip-compressed `.npy` file, inflating straight into the output array.
    package static func decode(gzip compressed: [UInt8], location: String) throws(EODataError) -> NpyArray {
        guard compressed.count >= 2, compressed[0] == 0x1F, compressed[1] == 0x8B else {
            throw EODataError(location, "bad gzip data: not a gzip file (expected the bytes 1f 8b at its start)")
        }
        var source = try Inflater(compressed, location: location)
        return try decode(from: &source, location: location)
    }

    /// Decodes by file name: `.gz` means gzip.
    package static func decode(_ bytes: [UInt8], location: String, gzip: Bool) throws(EODataError) -> NpyArray {
        gzip ? try decode(gzip: bytes, location: location) : try decode(bytes, location: location)
    }

    /// The bytes `np.save` writes for the array.
    package static func encode(_ array: NpyArray) -> [UInt8] {
        let header = NpyHeader.encode(type: array.type, shape: array.shape)
        return withElementBytes(of: array) { raw in
            var out = [UInt8]()
            out.reserveCapacity(header.count + raw.count)
            out += header
            out += raw
            return out
        }
    }

    /// The `.npy` bytes inside gzip at `level` (eo-learn writes level 1), compressed straight
    /// from the array's storage, large arrays on several threads (`GzipWriter`).
    package static func encode(gzip array: NpyArray, level: Int32 = 1, location: String) throws(EODataError) -> [UInt8]
    {
        let header = NpyHeader.encode(type: array.type, shape: array.shape)
        return try header.withUnsafeBytes { head in
            Result { () throws(EODataError) in
                try withElementBytes(of: array) { (body) throws(EODataError) in
                    try GzipWriter.compress([head, body], level: level, location: location)
                }
            }
        }.get()
    }

    // MARK: - Reading

    static func decode<Source: NpySource>(from source: inout Source, location: String) throws(EODataError) -> NpyArray {
        let prelude = try source.read(count: NpyHeader.preludeLength)
        if prelude.count < NpyHeader.preludeLength {
            let start = Array(prelude.prefix(NpyHeader.magic.count))
            if start != Array(NpyHeader.magic.prefix(start.count)) || prelude.isEmpty {
                throw EODataError(location, "not a NumPy .npy file (bad magic; expected \\x93NUMPY)")
            }
            throw EODataError(location, "truncated file: \(prelude.count) bytes, it ends inside the .npy header")
        }
        let (lengthBytes, utf8) = try NpyHeader.parsePrelude(prelude, location: location)
        let lengthField = try source.read(count: lengthBytes)
        guard lengthField.count == lengthBytes else {
            throw EODataError(location, "truncated file: it ends inside the .npy header")
        }
        let dictLength = try NpyHeader.parseDictLength(lengthField, location: location)
        guard dictLength <= source.maxRemaining else {
            throw EODataError(
                location, "truncated file: the header length field says \(dictLength) bytes, fewer are left")
        }
        let dictBytes = try source.read(count: dictLength)
        guard dictBytes.count == dictLength else {
            throw EODataError(
                location, "truncated file: the header length field says \(dictLength) bytes, fewer are left")
        }
        let text: String
        if utf8 {
            guard let decoded = String(validating: dictBytes, as: UTF8.self) else {
                throw EODataError(location, "malformed header: a version 3.0 header that is not valid UTF-8")
            }
            text = decoded
        } else {
            // Versions 1.0 and 2.0 are Latin-1: every byte is the code point of the same value.
            text = String(String.UnicodeScalarView(dictBytes.map { Unicode.Scalar($0) }))
        }
        let header = try NpyHeader.parse(dict: text, location: location)
        let what = "shape \(header.shape) of '\(header.type.descr)' needs \(header.byteCount) bytes"
        if let exact = source.exactRemaining {
            if exact < header.byteCount {
                throw EODataError(location, "truncated data: \(what), only \(exact) follow the header")
            }
            if exact > header.byteCount {
                throw EODataError(location, "shape/data-size mismatch: \(what), but \(exact) follow the header")
            }
        } else if header.byteCount > source.maxRemaining {
            throw EODataError(location, "shape/data-size mismatch: \(what), more than the compressed file can hold")
        }

        // A Fortran-ordered array of shape S is a C-ordered one of shape reversed(S), transposed.
        let storedShape = header.fortranOrder ? Array(header.shape.reversed()) : header.shape
        var array = try readElements(header, shape: storedShape, from: &source, location: location)
        if try source.hasMore() {
            throw EODataError(location, "shape/data-size mismatch: \(what), but more data follows")
        }
        if header.fortranOrder, header.shape.count > 1 { array = reverseAxes(array) }
        return array
    }

    private static func readElements<Source: NpySource>(
        _ header: NpyHeader, shape: [Int], from source: inout Source, location: String
    ) throws(EODataError) -> NpyArray {
        let count = header.count
        let swap = header.bigEndian
        let short =
            "truncated data: shape \(header.shape) of '\(header.type.descr)' needs \(header.byteCount) bytes, the data ends sooner"
        func numbers<T: NpyElement>(_: T.Type) throws(EODataError) -> NDArray<T> {
            var failure: EODataError?
            let storage = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                do throws(EODataError) {
                    let filled = try source.read(into: raw)
                    guard filled == raw.count else { throw EODataError(location, short) }
                    if swap { swapBytes(raw, itemSize: MemoryLayout<T>.size) }
                    initialized = count
                } catch {
                    // Plain integers and floats: nothing to deinitialize.
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            return NDArray(shape: shape, storage: storage)
        }
        switch header.type {
        case .bool:
            // Any non-zero byte is true (NumPy's view); Swift's Bool must only ever hold 0 or 1.
            var storage = [Bool]()
            storage.reserveCapacity(count)
            var chunk = [UInt8](repeating: 0, count: min(count, 1 << 16))
            while storage.count < count {
                let want = min(chunk.count, count - storage.count)
                let filled = try chunk.withUnsafeMutableBytes { raw in
                    Result { () throws(EODataError) -> Int in
                        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]))
                    }
                }.get()
                guard filled == want else { throw EODataError(location, short) }
                storage.append(contentsOf: chunk[0..<want].lazy.map { $0 != 0 })
            }
            return .bool(NDArray(shape: shape, storage: storage))
        case .uint8: return .uint8(try numbers(UInt8.self))
        case .int8: return .int8(try numbers(Int8.self))
        case .uint16: return .uint16(try numbers(UInt16.self))
        case .int16: return .int16(try numbers(Int16.self))
        case .uint32: return .uint32(try numbers(UInt32.self))
        case .int32: return .int32(try numbers(Int32.self))
        case .uint64: return .uint64(try numbers(UInt64.self))
        case .int64: return .int64(try numbers(Int64.self))
        case .float16: return .float16(try numbers(Float16.self))
        case .float32: return .float32(try numbers(Float.self))
        case .float64: return .float64(try numbers(Double.self))
        }
    }

    private static func swapBytes(_ raw: UnsafeMutableRawBufferPointer, itemSize: Int) {
        guard itemSize > 1 else { return }
        var offset = 0
        while offset + itemSize <= raw.count {
            var low = offset
            var high = offset + itemSize - 1
            while low < high {
                raw.swapAt(low, high)
                low += 1
                high -= 1
            }
            offset += itemSize
        }
    }

    /// `array.transpose()` in NumPy's sense: axis k of the result is axis rank-1-k of the input.
    static func reverseAxes(_ value: NpyArray) -> NpyArray {
        func transpose<T>(_ array: NDArray<T>) -> NDArray<T> {
            let inShape = array.shape
            let outShape = Array(inShape.reversed())
            let inStrides = array.strides
            let rank = inShape.count
            // Moving one step along output axis k moves inStrides[rank-1-k] in the input.
            let steps = (0..<rank).map { inStrides[rank - 1 - $0] }
            var storage = [T]()
            storage.reserveCapacity(array.count)
            guard array.count > 0 else { return NDArray(shape: outShape, storage: []) }
            var index = [Int](repeating: 0, count: rank)
            var offset = 0
            for _ in 0..<array.count {
                storage.append(array.storage[offset])
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += steps[axis]
                    if index[axis] < outShape[axis] { break }
                    offset -= steps[axis] * outShape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
            return NDArray(shape: outShape, storage: storage)
        }
        switch value {
        case .bool(let array): return .bool(transpose(array))
        case .uint8(let array): return .uint8(transpose(array))
        case .int8(let array): return .int8(transpose(array))
        case .uint16(let array): return .uint16(transpose(array))
        case .int16(let array): return .int16(transpose(array))
        case .uint32(let array): return .uint32(transpose(array))
        case .int32(let array): return .int32(transpose(array))
        case .uint64(let array): return .uint64(transpose(array))
        case .int64(let array): return .int64(transpose(array))
        case .float16(let array): return .float16(transpose(array))
        case .float32(let array): return .float32(transpose(array))
        case .float64(let array): return .float64(transpose(array))
        }
    }

    // MARK: - Writing

    /// The elements' little-endian bytes, straight from the array's storage (grow runs on
    /// little-endian machines; Swift's Bool is one byte, 0 or 1, as NumPy's).
    private static func withElementBytes<R, E: Error>(
        of array: NpyArray, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        switch array {
        case .bool(let array): return try bytes(of: array.storage, body)
        case .uint8(let array): return try bytes(of: array.storage, body)
        case .int8(let array): return try bytes(of: array.storage, body)
        case .uint16(let array): return try bytes(of: array.storage, body)
        case .int16(let array): return try bytes(of: array.storage, body)
        case .uint32(let array): return try bytes(of: array.storage, body)
        case .int32(let array): return try bytes(of: array.storage, body)
        case .uint64(let array): return try bytes(of: array.storage, body)
        case .int64(let array): return try bytes(of: array.storage, body)
        case .float16(let array): return try bytes(of: array.storage, body)
        case .float32(let array): return try bytes(of: array.storage, body)
        case .float64(let array): return try bytes(of: array.storage, body)
        }
    }

    private static func bytes<T, R, E: Error>(
        of storage: [T], _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try storage.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }.get()
    }
}

#if _endian(big)
    #error("NpyCodec assumes a little-endian host (it copies element bytes as they are)")
#endif

/// Where the decoder pulls bytes from: the whole file in memory, or a gzip inflater.
protocol NpySource {
    /// Fills `buffer` unless the data ends first; returns the bytes written.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EODataError) -> Int
    /// The bytes left, when known exactly (plain files).
    var exactRemaining: Int? { get }
    /// An upper bound on the bytes left, to refuse a lying header before allocating.
    var maxRemaining: Int { get }
    mutating func hasMore() throws(EODataError) -> Bool
}

extension NpySource {
    /// Up to `count` bytes (fewer only at the end); `count` must already be bounded.
    mutating func read(count: Int) throws(EODataError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let filled = try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(EODataError) -> Int in try read(into: raw) }
        }.get()
        return filled == count ? bytes : Array(bytes[0..<filled])
    }
}

struct PlainSource: NpySource {
    let bytes: [UInt8]
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EODataError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count]))
        }
        offset += count
        return count
    }

    var exactRemaining: Int? { bytes.count - offset }
    var maxRemaining: Int { bytes.count - offset }
    func hasMore() -> Bool { offset < bytes.count }
}

extension Inflater: NpySource {
    var exactRemaining: Int? { nil }
    var maxRemaining: Int { maxOutput }
}
