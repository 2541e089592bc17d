/// One EOPatch feature as read from (or written to) an `.npy` file: an `NDArray` of whichever
/// element type the file holds. Pipelines switch on it, take the exact type with
/// `array(of:)`, or convert with `float32()` / `float64()` / `nonZero()`.
package enum NpyArray: Sendable, Equatable {
    case bool(NDArray<Bool>)
    case uint8(NDArray<UInt8>)
    case int8(NDArray<Int8>)
    case uint16(NDArray<UInt16>)
    case int16(NDArray<Int16>)
    case uint32(NDArray<UInt32>)
    case int32(NDArray<Int32>)
    case uint64(NDArray<UInt64>)
    case int64(NDArray<Int64>)
    case float16(NDArray<Float16>)
    case float32(NDArray<Float>)
    case float64(NDArray<Double>)

    /// Wraps a typed array: `NpyArray(NDArray<Float>(shape: [2, 3], repeating: 0))`.
    package init<Element: NpyElement>(_ array: NDArray<Element>) {
        self = Element.wrap(array)
    }

    package var type: NpyType {
        switch self {
        case .bool: .bool
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float16: .float16
        case .float32: .float32
        case .float64: .float64
        }
    }

    package var shape: [Int] {
        switch self {
        case .bool(let array): array.shape
        case .uint8(let array): array.shape
        case .int8(let array): array.shape
        case .uint16(let array): array.shape
        case .int16(let array): array.shape
        case .uint32(let array): array.shape
        case .int32(let array): array.shape
        case .uint64(let array): array.shape
        case .int64(let array): array.shape
        case .float16(let array): array.shape
        case .float32(let array): array.shape
        case .float64(let array): array.shape
        }
    }

    package var count: Int { shape.reduce(1, *) }

    /// The array when it holds exactly `Element`, else nil (no conversion).
    package func array<Element: NpyElement>(of _: Element.Type = Element.self) -> NDArray<Element>? {
        Element.unwrap(self)
    }

    /// Every element as Float (integers and Float64 rounded to the nearest Float, true → 1).
    package func float32() -> NDArray<Float> {
        switch self {
        case .float32(let array): array
        case .bool(let array): NDArray(shape: array.shape, storage: array.storage.map { $0 ? 1 : 0 })
        case .uint8(let array): Self.convert(array, Float.init)
        case .int8(let array): Self.convert(array, Float.init)
        case .uint16(let array): Self.convert(array, Float.init)
        case .int16(let array): Self.convert(array, Float.init)
        case .uint32(let array): Self.convert(array, Float.init)
        case .int32(let array): Self.convert(array, Float.init)
        case .uint64(let array): Self.convert(array, Float.init)
        case .int64(let array): Self.convert(array, Float.init)
        case .float16(let array): Self.convert(array, Float.init)
        case .float64(let array): Self.convert(array, Float.init)
        }
    }

    /// Every element as Double (exact for everything but 64-bit integers above 2^53).
    package func float64() -> NDArray<Double> {
        switch self {
        case .float64(let array): array
        case .bool(let array): NDArray(shape: array.shape, storage: array.storage.map { $0 ? 1 : 0 })
        case .uint8(let array): Self.convert(array, Double.init)
        case .int8(let array): Self.convert(array, Double.init)
        case .uint16(let array): Self.convert(array, Double.init)
        case .int16(let array): Self.convert(array, Double.init)
        case .uint32(let array): Self.convert(array, Double.init)
        case .int32(let array): Self.convert(array, Double.init)
        case .uint64(let array): Self.convert(array, Double.init)
        case .int64(let array): Self.convert(array, Double.init)
        case .float16(let array): Self.convert(array, Double.init)
        case .float32(let array): Self.convert(array, Double.init)
        }
    }

    /// A mask: true where the element is not zero (NaN counts as not zero, as in NumPy's `astype(bool)`).
    package func nonZero() -> NDArray<Bool> {
        switch self {
        case .bool(let array): array
        case .uint8(let array): Self.convert(array) { $0 != 0 }
        case .int8(let array): Self.convert(array) { $0 != 0 }
        case .uint16(let array): Self.convert(array) { $0 != 0 }
        case .int16(let array): Self.convert(array) { $0 != 0 }
        case .uint32(let array): Self.convert(array) { $0 != 0 }
        case .int32(let array): Self.convert(array) { $0 != 0 }
        case .uint64(let array): Self.convert(array) { $0 != 0 }
        case .int64(let array): Self.convert(array) { $0 != 0 }
        case .float16(let array): Self.convert(array) { $0 != 0 }
        case .float32(let array): Self.convert(array) { $0 != 0 }
        case .float64(let array): Self.convert(array) { $0 != 0 }
        }
    }

    private static func convert<From, To>(_ array: NDArray<From>, _ transform: (From) -> To) -> NDArray<To> {
        NDArray(shape: array.shape, storage: array.storage.map(transform))
    }
}

/// The Swift element types an `NpyArray` can hold.
package protocol NpyElement: Sendable {
    static var npyType: NpyType { get }
    static func wrap(_ array: NDArray<Self>) -> NpyArray
    static func unwrap(_ value: NpyArray) -> NDArray<Self>?
}

extension Bool: NpyElement {
    package static var npyType: NpyType { .bool }
    package static func wrap(_ array: NDArray<Bool>) -> NpyArray { .bool(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Bool>? {
        if case .bool(let array) = value { array } else { nil }
    }
}

extension UInt8: NpyElement {
    package static var npyType: NpyType { .uint8 }
    package static func wrap(_ array: NDArray<UInt8>) -> NpyArray { .uint8(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<UInt8>? {
        if case .uint8(let array) = value { array } else { nil }
    }
}

extension Int8: NpyElement {
    package static var npyType: NpyType { .int8 }
    package static func wrap(_ array: NDArray<Int8>) -> NpyArray { .int8(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Int8>? {
        if case .int8(let array) = value { array } else { nil }
    }
}

extension UInt16: NpyElement {
    package static var npyType: NpyType { .uint16 }
    package static func wrap(_ array: NDArray<UInt16>) -> NpyArray { .uint16(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<UInt16>? {
        if case .uint16(let array) = value { array } else { nil }
    }
}

extension Int16: NpyElement {
    package static var npyType: NpyType { .int16 }
    package static func wrap(_ array: NDArray<Int16>) -> NpyArray { .int16(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Int16>? {
        if case .int16(let array) = value { array } else { nil }
    }
}

extension UInt32: NpyElement {
    package static var npyType: NpyType { .uint32 }
    package static func wrap(_ array: NDArray<UInt32>) -> NpyArray { .uint32(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<UInt32>? {
        if case .uint32(let array) = value { array } else { nil }
    }
}

extension Int32: NpyElement {
    package static var npyType: NpyType { .int32 }
    package static func wrap(_ array: NDArray<Int32>) -> NpyArray { .int32(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Int32>? {
        if case .int32(let array) = value { array } else { nil }
    }
}

extension UInt64: NpyElement {
    package static var npyType: NpyType { .uint64 }
    package static func wrap(_ array: NDArray<UInt64>) -> NpyArray { .uint64(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<UInt64>? {
        if case .uint64(let array) = value { array } else { nil }
    }
}

extension Int64: NpyElement {
    package static var npyType: NpyType { .int64 }
    package static func wrap(_ array: NDArray<Int64>) -> NpyArray { .int64(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Int64>? {
        if case .int64(let array) = value { array } else { nil }
    }
}

extension Float: NpyElement {
    package static var npyType: NpyType { .float32 }
    package static func wrap(_ array: NDArray<Float>) -> NpyArray { .float32(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Float>? {
        if case .float32(let array) = value { array } else { nil }
    }
}

extension Double: NpyElement {
    package static var npyType: NpyType { .float64 }
    package static func wrap(_ array: NDArray<Double>) -> NpyArray { .float64(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Double>? {
        if case .float64(let array) = value { array } else { nil }
    }
}

extension Float16: NpyElement {
    package static var npyType: NpyType { .float16 }
    package static func wrap(_ array: NDArray<Float16>) -> NpyArray { .float16(array) }
    package static func unwrap(_ value: NpyArray) -> NDArray<Float16>? {
        if case .float16(let array) = value { array } else { nil }
    }
}
