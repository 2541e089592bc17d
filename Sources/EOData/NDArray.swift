/// A dense, C-ordered (row-major) n-dimensional array: what an EOPatch feature holds
/// (`data` features are T×H×W×C, `data_timeless` H×W×C, masks the same with Bool/UInt8).
/// The storage is one contiguous Swift array so kernels can run over it with raw pointers.
package struct NDArray<Element>: @unchecked Sendable {
    package private(set) var shape: [Int]
    package var storage: [Element]

    /// Fails (precondition) when `storage.count` is not the product of `shape`: callers build
    /// arrays from shapes they computed, never from unchecked input (the npy reader checks first).
    package init(shape: [Int], storage: [Element]) {
        precondition(
            shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == storage.count, "shape does not match storage")
        self.shape = shape
        self.storage = storage
    }

    package init(shape: [Int], repeating value: Element) {
        self.init(shape: shape, storage: Array(repeating: value, count: shape.reduce(1, *)))
    }

    package var count: Int { storage.count }
    package var rank: Int { shape.count }

    /// Row-major strides in elements.
    package var strides: [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    package subscript(indices: Int...) -> Element {
        get { storage[offset(indices)] }
        set { storage[offset(indices)] = newValue }
    }

    private func offset(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "wrong number of indices")
        var offset = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "index out of range")
            offset = offset * shape[axis] + index
        }
        return offset
    }

    /// The same elements under another shape with the same count.
    package func reshaped(_ newShape: [Int]) -> NDArray {
        NDArray(shape: newShape, storage: storage)
    }
}

extension NDArray: Equatable where Element: Equatable {}

extension NDArray {
    /// The given channels (last axis) in that order: `[0, 2]` of an H×W×C array is H×W×2.
    package func channels(_ picked: [Int]) -> NDArray {
        let width = shape.last ?? 1
        let pixels = count / Swift.max(width, 1)
        var result: [Element] = []
        result.reserveCapacity(pixels * picked.count)
        for pixel in 0..<pixels {
            for channel in picked { result.append(storage[pixel * width + channel]) }
        }
        return NDArray(shape: Array(shape.dropLast()) + [picked.count], storage: result)
    }
}
