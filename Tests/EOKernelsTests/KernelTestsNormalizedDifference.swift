import EOData
import EOKernels
import GrowBase
import GrowTestSupport
import XCTest

/// Normalized difference indices against numpy's `(a.astype(f4) - b.astype(f4)) / (a.astype(f4) + b.astype(f4))`,
/// bit for bit, for every band type, with 0/0 and x/0 among the inputs.
final class KernelTestsNormalizedDifference: XCTestCase {
    /// Small values often, so equal pairs (0/0 when both are 0) and a = −b (x/0) occur.
    private func values<T: BandElement>(_ count: Int, seed: UInt64, _ make: (Int64) -> T) -> [T] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let roll = random.next() % 8
            if roll < 3 { return make(Int64(random.next() % 3) - (T.self == Int16.self ? 1 : 0)) }
            return make(Int64(bitPattern: random.next()))
        }
    }

    private func checkPlanar<T: BandElement>(
        _ type: T.Type, dtype: String, shape: [Int], make: (Int64) -> T, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let numpy = try NumpyKernelReference(self)
        let count = shape.reduce(1, *)
        let a = NDArray(shape: shape, storage: values(count, seed: 1, make))
        let b = NDArray(shape: shape, storage: values(count, seed: 2, make))
        try numpy.write("a.raw", a.storage)
        try numpy.write("b.raw", b.storage)
        try numpy.run(
            """
            a = load('a.raw', '\(dtype)', \(shape))
            b = load('b.raw', '\(dtype)', \(shape))
            with np.errstate(divide='ignore', invalid='ignore'):
                out = (a.astype(np.float32) - b.astype(np.float32)) / (a.astype(np.float32) + b.astype(np.float32))
            assert out.dtype == np.float32
            save('out.raw', out, 'f4')
            """)
        let expected = try numpy.read("out.raw", as: Float.self, count: count)
        let single = try Kernels.normalizedDifference(a, b)
        XCTAssertEqual(single.shape, shape, file: file, line: line)
        assertSameFloats(single.storage, expected, "\(T.self) on 1 thread", file: file, line: line)
        assertSameFloats(
            try Kernels.normalizedDifference(a, b, threads: 3).storage, expected, "\(T.self) on 3 threads", file: file,
            line: line)
        var into = NDArray<Float>(shape: shape, repeating: 7)
        try Kernels.normalizedDifference(a, b, into: &into, threads: 2)
        assertSameFloats(into.storage, expected, "\(T.self) into an array", file: file, line: line)
        XCTAssertTrue(expected.contains { $0.isNaN }, "the inputs should hold a 0/0", file: file, line: line)
        XCTAssertTrue(
            expected.contains { $0.isInfinite } || T.self != Int16.self, "the inputs should hold an x/0", file: file,
            line: line)
    }

    func testPlanarBandsOfEveryTypeMatchNumpy() throws {
        // 130×301 is several blocks, so 3 threads really split the work.
        let shape = [130, 301]
        try checkPlanar(UInt8.self, dtype: "u1", shape: shape) { UInt8(truncatingIfNeeded: $0) }
        try checkPlanar(UInt16.self, dtype: "u2", shape: shape) { UInt16(truncatingIfNeeded: $0) }
        try checkPlanar(Int16.self, dtype: "i2", shape: shape) { Int16(truncatingIfNeeded: $0) }
        try checkPlanar(Float.self, dtype: "f4", shape: shape) { raw in
            switch raw & 15 {
            case 0: .nan
            case 1: .infinity
            case 2: -.infinity
            case 3: -0.0
            case 4: .leastNonzeroMagnitude
            case 5...7: Float(raw % 3)
            default: Float(raw % 100_000) / 977 - 50
            }
        }
    }

    func testChannelsOfAStackMatchNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        let shape = [3, 17, 19, 5]
        let count = shape.reduce(1, *)
        let stack = NDArray(shape: shape, storage: values(count, seed: 3) { UInt16(truncatingIfNeeded: $0) })
        let signed = NDArray(shape: shape, storage: values(count, seed: 4) { Int16(truncatingIfNeeded: $0) })
        try numpy.write("stack.raw", stack.storage)
        try numpy.write("signed.raw", signed.storage)
        try numpy.run(
            """
            def nd(x, a, b):
                with np.errstate(divide='ignore', invalid='ignore'):
                    return (x[..., a].astype(np.float32) - x[..., b].astype(np.float32)) / (x[..., a].astype(np.float32) + x[..., b].astype(np.float32))
            stack = load('stack.raw', 'u2', \(shape))
            signed = load('signed.raw', 'i2', \(shape))
            save('ndvi.raw', nd(stack, 3, 2)[..., None], 'f4')
            save('ndwi.raw', nd(stack, 1, 3)[..., None], 'f4')
            save('same.raw', nd(stack, 4, 4)[..., None], 'f4')
            save('signed.out', nd(signed, 0, 4)[..., None], 'f4')
            """)
        let pixels = count / 5
        let ndvi = try Kernels.normalizedDifference(stack, channels: 3, 2)
        XCTAssertEqual(ndvi.shape, [3, 17, 19, 1])
        assertSameFloats(ndvi.storage, try numpy.read("ndvi.raw", as: Float.self, count: pixels), "NDVI (3, 2)")
        assertSameFloats(
            try Kernels.normalizedDifference(stack, channels: 1, 3, threads: 4).storage,
            try numpy.read("ndwi.raw", as: Float.self, count: pixels), "NDWI (1, 3) on 4 threads")
        // A channel against itself: 0/0 (NaN) or 0 everywhere.
        assertSameFloats(
            try Kernels.normalizedDifference(stack, channels: 4, 4).storage,
            try numpy.read("same.raw", as: Float.self, count: pixels), "(4, 4)")
        assertSameFloats(
            try Kernels.normalizedDifference(signed, channels: 0, 4).storage,
            try numpy.read("signed.out", as: Float.self, count: pixels), "Int16 (0, 4)")
    }

    func testMismatchedInputsAreErrorsThatSayWhatWasExpected() {
        let a = NDArray<UInt16>(shape: [4, 5], repeating: 1)
        let b = NDArray<UInt16>(shape: [5, 4], repeating: 1)
        XCTAssertThrowsError(try Kernels.normalizedDifference(a, b)) { error in
            XCTAssertEqual("\(error)", "normalized difference: the bands' shapes differ ([4, 5] and [5, 4])")
        }
        let stack = NDArray<UInt16>(shape: [2, 3, 3, 4], repeating: 1)
        XCTAssertThrowsError(try Kernels.normalizedDifference(stack, channels: 4, 0)) { error in
            XCTAssertEqual("\(error)", "normalized difference: channel 4 does not exist (the data has 4 channels)")
        }
        XCTAssertThrowsError(try Kernels.normalizedDifference(a, channels: 0, 1)) { error in
            XCTAssertEqual(
                "\(error)", "normalized difference: expected a T×H×W×C array (4 dimensions), got shape [4, 5]")
        }
    }
}
