import EOData

// The array operations the sampling and merge pipelines apply to features of any dtype.

/// `array[..., rows, columns, :]` for the sampled grid: T×H×W×C → T×(N·h)×w×C, H×W×C → (N·h)×w×C.
struct GatherPixels: NDArrayTransform {
    let positions: SamplePositions
    let temporal: Bool

    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        let channels = array.shape.last ?? 1
        let frames = temporal ? array.shape[0] : 1
        let frameSize = array.count / max(frames, 1)
        var storage: [Element] = []
        storage.reserveCapacity(frames * positions.pixels.count * channels)
        for frame in 0..<frames {
            for pixel in positions.pixels {
                let start = frame * frameSize + pixel * channels
                storage.append(contentsOf: array.storage[start..<(start + channels)])
            }
        }
        let grid = [positions.gridHeight, positions.gridWidth, channels]
        return NDArray(shape: temporal ? [frames] + grid : grid, storage: storage)
    }
}

/// Sets the given pixels (every channel) of an H×W×C array to 0: the pixels erosion removed.
struct ZeroPixels: NDArrayTransform {
    let pixels: [Int]

    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        guard let zero = Element.zero else { return array }
        var result = array
        let channels = array.shape.last ?? 1
        for pixel in pixels {
            for channel in 0..<channels { result.storage[pixel * channels + channel] = zero }
        }
        return result
    }
}

extension NpyElement {
    /// The element type's zero (false for bool).
    static var zero: Self? {
        switch Self.self {
        case is Bool.Type: false as? Self
        case is UInt8.Type: UInt8(0) as? Self
        case is Int8.Type: Int8(0) as? Self
        case is UInt16.Type: UInt16(0) as? Self
        case is Int16.Type: Int16(0) as? Self
        case is UInt32.Type: UInt32(0) as? Self
        case is Int32.Type: Int32(0) as? Self
        case is UInt64.Type: UInt64(0) as? Self
        case is Int64.Type: Int64(0) as? Self
        case is Float16.Type: Float16(0) as? Self
        case is Float.Type: Float(0) as? Self
        case is Double.Type: Double(0) as? Self
        default: nil
        }
    }
}

/// The same elements under another shape.
struct Reshape: NDArrayTransform {
    let shape: [Int]
    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        array.reshaped(shape)
    }
}

/// A×B×rest → B×A×rest.
struct SwapFirstAxes: NDArrayTransform {
    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        let (outer, inner) = (array.shape[0], array.shape[1])
        let block = array.count / max(1, outer * inner)
        var storage: [Element] = []
        storage.reserveCapacity(array.count)
        for b in 0..<inner {
            for a in 0..<outer {
                let start = (a * inner + b) * block
                storage.append(contentsOf: array.storage[start..<(start + block)])
            }
        }
        return NDArray(shape: [inner, outer] + array.shape.dropFirst(2), storage: storage)
    }
}

/// The first part's type: every part's storage after the other's.
struct Concatenate: NDArrayTransform {
    let parts: [NpyArray]
    let rows: Int
    func apply<Element: NpyElement>(_ array: NDArray<Element>) throws -> NDArray<Element> {
        var storage: [Element] = []
        for part in parts { storage += part.array(of: Element.self)?.storage ?? [] }
        return NDArray(shape: [rows] + array.shape.dropFirst(), storage: storage)
    }
}
