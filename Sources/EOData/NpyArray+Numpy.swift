import GrowJob

/// numpy's rules where eo-grow's pipelines rely on them, so grow's outputs match eo-grow's to the
/// bit: `astype` (unsafe casting), `concatenate(..., dtype=)` (same-kind casting), and the
/// element-wise arithmetic of the normalized difference index in the array's own dtype.
extension NpyArray {
    /// The values as Float64 (exact for every type but 64-bit integers beyond 2^53).
    private var doubles: [Double] { float64().storage }

    /// numpy's `astype(type)`: floats to integers truncate toward zero (NaN and out-of-range values
    /// as x86's conversion gives them, then wrapped), integers wrap, anything non-zero is `True`.
    package func converted(to type: NpyType) -> NpyArray {
        guard type != self.type else { return self }
        let shape = self.shape
        func integers<T: FixedWidthInteger & NpyElement>(_: T.Type) -> NpyArray {
            let values: [T]
            switch self {
            case .float16, .float32, .float64:
                // x86-64 converts to 32 bits for the types that fit in them, to 64 bits otherwise.
                values =
                    T.bitWidth <= 16 || T.self == Int32.self
                    ? doubles.map { T(truncatingIfNeeded: Self.truncated32($0)) }
                    : doubles.map { T(truncatingIfNeeded: Self.truncated($0)) }
            case .bool(let array): values = array.storage.map { $0 ? 1 : 0 }
            case .uint64(let array): values = array.storage.map { T(truncatingIfNeeded: $0) }
            default: values = doubles.map { T(truncatingIfNeeded: Int64($0)) }
            }
            return NpyArray(NDArray(shape: shape, storage: values))
        }
        switch type {
        case .bool: return .bool(nonZero())
        case .uint8: return integers(UInt8.self)
        case .int8: return integers(Int8.self)
        case .uint16: return integers(UInt16.self)
        case .int16: return integers(Int16.self)
        case .uint32: return integers(UInt32.self)
        case .int32: return integers(Int32.self)
        case .uint64: return integers(UInt64.self)
        case .int64: return integers(Int64.self)
        case .float16: return .float16(NDArray(shape: shape, storage: doubles.map { Float16($0) }))
        case .float32: return .float32(float32())
        case .float64: return .float64(float64())
        }
    }

    /// The same into 32 bits: NaN and values outside Int32 give Int32.min.
    private static func truncated32(_ value: Double) -> Int32 {
        guard value.isFinite, value > -2_147_483_649, value < 2_147_483_648 else { return .min }
        return Int32(value)
    }

    /// C's float-to-integer conversion on x86-64: NaN and values outside Int64 give Int64.min.
    private static func truncated(_ value: Double) -> Int64 {
        guard value.isFinite, value > -9.223_372_036_854_775_808e18, value < 9.223_372_036_854_775_808e18 else {
            return .min
        }
        return Int64(value)
    }

    /// Whether numpy's `same_kind` casting allows `from` → `to` (bool < integers < floats; any
    /// size within a kind).
    package static func isSameKindCast(from: NpyType, to: NpyType) -> Bool {
        func rank(_ type: NpyType) -> Int {
            switch type {
            case .bool: 0
            case .uint8, .uint16, .uint32, .uint64, .int8, .int16, .int32, .int64: 1
            case .float16, .float32, .float64: 2
            }
        }
        return rank(from) <= rank(to)
    }

    /// numpy's `concatenate(arrays, axis=-1, dtype=type)`: the arrays side by side along their
    /// last axis, every leading axis equal, each cast to `type`.
    package static func concatenateChannels(_ arrays: [NpyArray], as type: NpyType) -> NpyArray {
        let converted = arrays.map { $0.converted(to: type) }
        func join<T: NpyElement>(_: T.Type) -> NpyArray {
            NpyArray(concatenateLastAxis(converted.map { $0.array(of: T.self)! }))
        }
        switch type {
        case .bool: return join(Bool.self)
        case .uint8: return join(UInt8.self)
        case .int8: return join(Int8.self)
        case .uint16: return join(UInt16.self)
        case .int16: return join(Int16.self)
        case .uint32: return join(UInt32.self)
        case .int32: return join(Int32.self)
        case .uint64: return join(UInt64.self)
        case .int64: return join(Int64.self)
        case .float16: return join(Float16.self)
        case .float32: return join(Float.self)
        case .float64: return join(Double.self)
        }
    }

    private static func concatenateLastAxis<T>(_ arrays: [NDArray<T>]) -> NDArray<T> {
        let widths = arrays.map { $0.shape.last ?? 1 }
        let total = widths.reduce(0, +)
        let pixels = widths[0] == 0 ? 0 : arrays[0].count / widths[0]
        let storage = [T](unsafeUninitializedCapacity: pixels * total) { out, initialized in
            guard let start = out.baseAddress else { return }
            var offset = 0
            for (array, width) in zip(arrays, widths) {
                array.storage.withUnsafeBufferPointer { input in
                    guard let source = input.baseAddress else { return }
                    // One part's channels into their columns of every pixel.
                    for pixel in 0..<pixels {
                        (start + pixel * total + offset).initialize(from: source + pixel * width, count: width)
                    }
                }
                offset += width
            }
            initialized = pixels * total
        }
        var shape = arrays[0].shape
        shape[shape.count - 1] = total
        return NDArray(shape: shape, storage: storage)
    }

    /// eo-learn's normalized difference index `(a - b) / (a + b)` of channels `a` and `b` (negative
    /// positions count from the end), shaped like the array with one channel. As in numpy, the
    /// difference and the sum are taken in the array's dtype (integers wrap around) and the
    /// division gives float32 for float32 arrays, float64 otherwise; non-finite results are NaN.
    /// nil for a boolean array (numpy refuses to subtract booleans).
    package func normalizedDifference(_ a: Int, _ b: Int) -> NpyArray? {
        switch self {
        case .bool: return nil
        case .float16(let array):
            return .float16(Self.indexOf(array, a, b) { x, y in (x - y) / (x + y) })
        case .float32(let array):
            return .float32(Self.indexOf(array, a, b) { x, y in (x - y) / (x + y) })
        case .float64(let array):
            return .float64(Self.indexOf(array, a, b) { x, y in (x - y) / (x + y) })
        case .uint8(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .int8(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .uint16(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .int16(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .uint32(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .int32(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .uint64(let array): return .float64(Self.wrappingIndex(array, a, b))
        case .int64(let array): return .float64(Self.wrappingIndex(array, a, b))
        }
    }

    private static func wrappingIndex<T: FixedWidthInteger>(_ array: NDArray<T>, _ a: Int, _ b: Int) -> NDArray<Double>
    {
        indexOf(array, a, b) { x, y in Double(x &- y) / Double(x &+ y) }
    }

    private static func indexOf<T, R: BinaryFloatingPoint>(
        _ array: NDArray<T>, _ a: Int, _ b: Int, _ formula: (T, T) -> R
    ) -> NDArray<R> {
        let channels = array.shape.last ?? 1
        let (first, second) = (a < 0 ? a + channels : a, b < 0 ? b + channels : b)
        let pixels = channels == 0 ? 0 : array.count / channels
        var storage = [R](repeating: 0, count: pixels)
        array.storage.withUnsafeBufferPointer { input in
            for pixel in 0..<pixels {
                let value = formula(input[pixel * channels + first], input[pixel * channels + second])
                storage[pixel] = value.isFinite ? value : .nan
            }
        }
        var shape = array.shape
        shape[shape.count - 1] = 1
        return NDArray(shape: shape, storage: storage)
    }
}

extension NpyType {
    /// The type numpy gives to an eo-grow `dtype`.
    package init(_ dtype: NumpyDType) {
        switch dtype {
        case .bool: self = .bool
        case .uint8: self = .uint8
        case .int8: self = .int8
        case .uint16: self = .uint16
        case .int16: self = .int16
        case .uint32: self = .uint32
        case .int32: self = .int32
        case .uint64: self = .uint64
        case .int64: self = .int64
        case .float16: self = .float16
        case .float32: self = .float32
        case .float64: self = .float64
        }
    }
}

extension NpyArray {
    /// The frames (positions on axis 0) kept, in order: numpy's `array[indices]`.
    package func frames(_ indices: [Int]) -> NpyArray {
        func pick<T: NpyElement>(_ array: NDArray<T>) -> NpyArray {
            let frame = array.shape.dropFirst().reduce(1, *)
            var storage: [T] = []
            storage.reserveCapacity(indices.count * frame)
            for index in indices { storage.append(contentsOf: array.storage[index * frame..<(index + 1) * frame]) }
            return NpyArray(NDArray(shape: [indices.count] + array.shape.dropFirst(), storage: storage))
        }
        switch self {
        case .bool(let array): return pick(array)
        case .uint8(let array): return pick(array)
        case .int8(let array): return pick(array)
        case .uint16(let array): return pick(array)
        case .int16(let array): return pick(array)
        case .uint32(let array): return pick(array)
        case .int32(let array): return pick(array)
        case .uint64(let array): return pick(array)
        case .int64(let array): return pick(array)
        case .float16(let array): return pick(array)
        case .float32(let array): return pick(array)
        case .float64(let array): return pick(array)
        }
    }
}

extension NpyArray {
    /// The same values under another shape of the same size (numpy's `reshape` of a C-ordered array).
    package func reshaped(_ shape: [Int]) -> NpyArray {
        func reshape<T: NpyElement>(_ array: NDArray<T>) -> NpyArray {
            NpyArray(NDArray(shape: shape, storage: array.storage))
        }
        switch self {
        case .bool(let array): return reshape(array)
        case .uint8(let array): return reshape(array)
        case .int8(let array): return reshape(array)
        case .uint16(let array): return reshape(array)
        case .int16(let array): return reshape(array)
        case .uint32(let array): return reshape(array)
        case .int32(let array): return reshape(array)
        case .uint64(let array): return reshape(array)
        case .int64(let array): return reshape(array)
        case .float16(let array): return reshape(array)
        case .float32(let array): return reshape(array)
        case .float64(let array): return reshape(array)
        }
    }
}
