import EOData
import GrowBase
import GrowTestSupport
import XCTest

@testable import EOKernels

/// Temporal composites (nan-median, nan-mean, max-NDVI) against numpy on the same random stacks:
/// T = 1, 2, odd and even T, several channels, ties, NaNs among valid observations, pixels with
/// no valid observation, and rows longer than one kernel block.
final class KernelTestsComposites: XCTestCase {
    struct Stack {
        var shape: [Int]
        var values: [Float]
        var valid: [Bool]
        var pixels: Int { shape[0] * shape[1] * shape[2] }
        var outputCount: Int { shape[1] * shape[2] * shape[3] }
    }

    static func stack(_ shape: [Int], seed: UInt64, ties: Bool = false) -> Stack {
        var random = SplitMix64(seed: seed)
        let count = shape.reduce(1, *)
        var values = (0..<count).map { _ -> Float in
            if random.next() % 20 == 0 { return .nan }
            if ties { return Float(random.next() % 4) }
            return Float(random.next() % 1_000_000) / 1_000_000 * (random.next() % 10 == 0 ? -1 : 1)
        }
        var valid = (0..<(shape[0] * shape[1] * shape[2])).map { _ in random.next() % 10 >= 3 }
        // Every 11th pixel has no valid observation; every 13th only NaNs where the mask is set.
        let frame = shape[1] * shape[2]
        for pixel in 0..<frame {
            for t in 0..<shape[0] {
                if pixel % 11 == 0 { valid[t * frame + pixel] = false }
                if pixel % 13 == 0 {
                    for c in 0..<shape[3] { values[(t * frame + pixel) * shape[3] + c] = .nan }
                }
            }
        }
        return Stack(shape: shape, values: values, valid: valid)
    }

    static let cases: [(shape: [Int], ties: Bool)] = [
        ([1, 5, 7, 1], false),
        ([2, 6, 9, 1], false),
        ([5, 9, 40, 1], false),
        ([12, 2, 2100, 1], false),  // rows of more than one 2048-lane block
        ([13, 4, 50, 3], false),
        ([8, 3, 37, 2], true),
        ([12, 5, 33, 4], true),
    ]

    /// Writes every case, runs `script` once with `cases` (a list of shapes) defined, returns the
    /// stacks.
    private func prepare(_ numpy: NumpyKernelReference, _ script: String) throws -> [Stack] {
        var stacks: [Stack] = []
        for (index, item) in Self.cases.enumerated() {
            let stack = Self.stack(item.shape, seed: UInt64(100 + index), ties: item.ties)
            try numpy.write("x\(index).raw", stack.values)
            try numpy.write("valid\(index).raw", stack.valid)
            stacks.append(stack)
        }
        try numpy.run(
            """
            import warnings
            warnings.simplefilter('ignore')
            cases = \(Self.cases.map(\.shape))
            def inputs(i):
                x = load(f'x{i}.raw', 'f4', cases[i])
                valid = load(f'valid{i}.raw', 'u1', cases[i][:3] + [1]).astype(bool)
                return x, valid

            """ + script)
        return stacks
    }

    func testNanMedianMatchesNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        let stacks = try prepare(
            numpy,
            """
            for i in range(len(cases)):
                x, valid = inputs(i)
                save(f'masked{i}.raw', np.nanmedian(np.where(valid, x, np.nan), axis=0), 'f4')
                save(f'nan{i}.raw', np.nanmedian(x, axis=0), 'f4')
            """)
        for (index, stack) in stacks.enumerated() {
            let x = NDArray(shape: stack.shape, storage: stack.values)
            let valid = NDArray(shape: [stack.shape[0], stack.shape[1], stack.shape[2], 1], storage: stack.valid)
            let expected = try numpy.read("masked\(index).raw", as: Float.self, count: stack.outputCount)
            let median = try Kernels.nanMedian(x, valid: valid)
            XCTAssertEqual(median.shape, Array(stack.shape.dropFirst()))
            assertCloseFloats(median.storage, expected, "median of \(stack.shape) with a mask")
            assertSameFloats(
                try Kernels.nanMedian(x, valid: valid, threads: 3).storage, median.storage, "3 threads, \(stack.shape)")
            assertCloseFloats(
                try Kernels.nanMedian(x).storage,
                try numpy.read("nan\(index).raw", as: Float.self, count: stack.outputCount),
                "median of \(stack.shape), NaNs only")
            XCTAssertTrue(expected.contains { $0.isNaN }, "some pixel should have no valid observation")
        }
    }

    func testNanMeanMatchesNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        let stacks = try prepare(
            numpy,
            """
            for i in range(len(cases)):
                x, valid = inputs(i)
                save(f'masked{i}.raw', np.nanmean(np.where(valid, x, np.nan), axis=0), 'f4')
                save(f'nan{i}.raw', np.nanmean(x, axis=0), 'f4')
            """)
        for (index, stack) in stacks.enumerated() {
            let x = NDArray(shape: stack.shape, storage: stack.values)
            let valid = NDArray(shape: [stack.shape[0], stack.shape[1], stack.shape[2], 1], storage: stack.valid)
            let mean = try Kernels.nanMean(x, valid: valid)
            XCTAssertEqual(mean.shape, Array(stack.shape.dropFirst()))
            assertCloseFloats(
                mean.storage, try numpy.read("masked\(index).raw", as: Float.self, count: stack.outputCount),
                "mean of \(stack.shape) with a mask")
            assertSameFloats(
                try Kernels.nanMean(x, valid: valid, threads: 3).storage, mean.storage, "3 threads, \(stack.shape)")
            assertCloseFloats(
                try Kernels.nanMean(x).storage,
                try numpy.read("nan\(index).raw", as: Float.self, count: stack.outputCount),
                "mean of \(stack.shape), NaNs only")
        }
    }

    func testMaxNDVICompositeMatchesNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        // NIR is the last channel, red the one before (one channel: NDVI of a band with itself,
        // 0 or NaN, so every valid observation ties and the earliest wins).
        let stacks = try prepare(
            numpy,
            """
            for i in range(len(cases)):
                x, valid = inputs(i)
                c = cases[i][3]
                nir, red = c - 1, max(0, c - 2)
                ndvi = (x[..., nir] - x[..., red]) / (x[..., nir] + x[..., red])
                ok = valid[..., 0] & ~np.isnan(ndvi)
                best = np.argmax(np.where(ok, ndvi, -np.inf), axis=0)  # the first of equal maxima
                out = np.take_along_axis(x, best[None, :, :, None], axis=0)[0]
                out[~ok.any(axis=0)] = np.nan
                save(f'masked{i}.raw', out, 'f4')
            """)
        for (index, stack) in stacks.enumerated() {
            let x = NDArray(shape: stack.shape, storage: stack.values)
            let valid = NDArray(shape: [stack.shape[0], stack.shape[1], stack.shape[2], 1], storage: stack.valid)
            let channels = stack.shape[3]
            let composite = try Kernels.maxNDVIComposite(x, nir: channels - 1, red: max(0, channels - 2), valid: valid)
            XCTAssertEqual(composite.shape, Array(stack.shape.dropFirst()))
            assertSameFloats(
                composite.storage, try numpy.read("masked\(index).raw", as: Float.self, count: stack.outputCount),
                "max-NDVI of \(stack.shape)")
            assertSameFloats(
                try Kernels.maxNDVIComposite(x, nir: channels - 1, red: max(0, channels - 2), valid: valid, threads: 3)
                    .storage,
                composite.storage, "3 threads, \(stack.shape)")
        }
    }

    func testSelectionNetworksSortWhatTheMedianReads() {
        // The 0-1 principle: a comparator network sorts every input iff it sorts every 0/1 input.
        for count in 1...14 {
            let full = SortingNetwork(sorting: count)
            let middle =
                count % 2 == 1 ? [max(0, (count - 3) / 2), (count - 1) / 2] : [max(0, count / 2 - 1), count / 2]
            let selection = SortingNetwork(selecting: middle, of: count)
            XCTAssertLessThanOrEqual(selection.steps.count, full.steps.count)
            for bits in 0..<(1 << count) {
                let input = (0..<count).map { (bits >> $0) & 1 }
                let sorted = input.sorted()
                var values = input
                full.apply(to: &values)
                XCTAssertEqual(values, sorted, "\(count) wires, input \(input)")
                values = input
                selection.apply(to: &values)
                for wire in middle where wire < count {
                    XCTAssertEqual(values[wire], sorted[wire], "\(count) wires, wire \(wire), input \(input)")
                }
            }
        }
        var random = SplitMix64(seed: 5)
        for count in [17, 24, 31, 40] {
            let network = SortingNetwork(sorting: count)
            for _ in 0..<200 {
                var values = (0..<count).map { _ in Int(random.next() % 50) }
                let sorted = values.sorted()
                network.apply(to: &values)
                XCTAssertEqual(values, sorted)
            }
        }
    }

    func testCompositeErrorsNameTheArgument() {
        let x = NDArray<Float>(shape: [3, 4, 4, 2], repeating: 1)
        let mask = NDArray<Bool>(shape: [3, 4, 4, 2], repeating: true)
        XCTAssertThrowsError(try Kernels.nanMedian(x, valid: mask)) { error in
            XCTAssertEqual(
                "\(error)",
                "nan-median: validity mask: expected shape [3, 4, 4, 1] (T×H×W×1 of the data), got [3, 4, 4, 2]")
        }
        XCTAssertThrowsError(try Kernels.maxNDVIComposite(x, nir: 2, red: 0)) { error in
            XCTAssertEqual("\(error)", "max-NDVI composite: NIR: channel 2 does not exist (the data has 2 channels)")
        }
    }
}
