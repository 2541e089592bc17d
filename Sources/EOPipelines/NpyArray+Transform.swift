import EOData

/// Work on an `NpyArray` that keeps its element type, written once for every type.
protocol NDArrayTransform {
    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element>
}

extension NpyArray {
    /// The array after `transform`, still of its own element type.
    func transformed(_ transform: some NDArrayTransform) throws -> NpyArray {
        switch self {
        case .bool(let array): .bool(try transform.apply(array))
        case .uint8(let array): .uint8(try transform.apply(array))
        case .int8(let array): .int8(try transform.apply(array))
        case .uint16(let array): .uint16(try transform.apply(array))
        case .int16(let array): .int16(try transform.apply(array))
        case .uint32(let array): .uint32(try transform.apply(array))
        case .int32(let array): .int32(try transform.apply(array))
        case .uint64(let array): .uint64(try transform.apply(array))
        case .int64(let array): .int64(try transform.apply(array))
        case .float16(let array): .float16(try transform.apply(array))
        case .float32(let array): .float32(try transform.apply(array))
        case .float64(let array): .float64(try transform.apply(array))
        }
    }

    /// Every element as an integer, as NumPy compares a mask's values with integer labels
    /// (bool as 0/1; floats truncated, which masks do not hold).
    func integers() -> NDArray<Int64> {
        switch self {
        case .bool(let array): NDArray(shape: array.shape, storage: array.storage.map { $0 ? 1 : 0 })
        case .uint8(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .int8(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .uint16(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .int16(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .uint32(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .int32(let array): NDArray(shape: array.shape, storage: array.storage.map(Int64.init))
        case .uint64(let array):
            NDArray(shape: array.shape, storage: array.storage.map { Int64(truncatingIfNeeded: $0) })
        case .int64(let array): array
        case .float16(let array):
            NDArray(shape: array.shape, storage: array.storage.map { $0.isFinite ? Int64($0) : Int64.min })
        case .float32(let array):
            NDArray(shape: array.shape, storage: array.storage.map { $0.isFinite ? Int64($0) : Int64.min })
        case .float64(let array):
            NDArray(shape: array.shape, storage: array.storage.map { $0.isFinite ? Int64($0) : Int64.min })
        }
    }
}
