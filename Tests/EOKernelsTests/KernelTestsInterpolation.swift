import EOData
import EOKernels
import GrowBase
import GrowTestSupport
import XCTest

/// Gap filling along time against `np.interp` run per pixel and channel over the valid
/// observations (an independent, slow, obviously-right reference).
final class KernelTestsInterpolation: XCTestCase {
    func testInterpolationMatchesNpInterpPerPixel() throws {
        let numpy = try NumpyKernelReference(self)
        let cases: [[Int]] = [[1, 4, 6, 1], [2, 5, 5, 1], [9, 6, 40, 1], [12, 3, 1100, 1], [7, 5, 11, 3]]
        var stacks: [(NDArray<Float>, NDArray<Bool>, [Double])] = []
        for (index, shape) in cases.enumerated() {
            let item = KernelTestsComposites.stack(shape, seed: UInt64(200 + index))
            // Irregular acquisition days, as from an orbit with clouds filtered out.
            var random = SplitMix64(seed: UInt64(300 + index))
            var day = 18_000.0
            let times = (0..<shape[0]).map { _ -> Double in
                day += Double(1 + random.next() % 15) + 0.25
                return day
            }
            try numpy.write("x\(index).raw", item.values)
            try numpy.write("valid\(index).raw", item.valid)
            try numpy.write("times\(index).raw", times)
            stacks.append(
                (
                    NDArray(shape: shape, storage: item.values),
                    NDArray(shape: [shape[0], shape[1], shape[2], 1], storage: item.valid), times
                ))
        }
        try numpy.run(
            """
            cases = \(cases)
            for i, shape in enumerate(cases):
                x = load(f'x{i}.raw', 'f4', shape)
                valid = load(f'valid{i}.raw', 'u1', shape[:3] + [1]).astype(bool)
                times = load(f'times{i}.raw', 'f8', [shape[0]])
                for name, ok_all in (('masked', valid & ~np.isnan(x)), ('nan', ~np.isnan(x))):
                    out = np.full(x.shape, np.nan, dtype=np.float32)
                    for h in range(shape[1]):
                        for w in range(shape[2]):
                            for c in range(shape[3]):
                                series = x[:, h, w, c]
                                ok = ok_all[:, h, w, c]
                                if ok.any():
                                    filled = np.interp(times, times[ok], series[ok].astype(np.float64)).astype(np.float32)
                                    filled[ok] = series[ok]
                                    out[:, h, w, c] = filled
                    save(f'{name}{i}.raw', out, 'f4')
            """)
        for (index, (x, valid, times)) in stacks.enumerated() {
            let filled = try Kernels.interpolateInvalid(x, valid: valid, times: times)
            XCTAssertEqual(filled.shape, x.shape)
            assertCloseFloats(
                filled.storage, try numpy.read("masked\(index).raw", as: Float.self, count: x.count),
                "interpolation of \(x.shape) with a mask")
            assertSameFloats(
                try Kernels.interpolateInvalid(x, valid: valid, times: times, threads: 3).storage, filled.storage,
                "3 threads, \(x.shape)")
            assertCloseFloats(
                try Kernels.interpolateNaN(x, times: times).storage,
                try numpy.read("nan\(index).raw", as: Float.self, count: x.count),
                "interpolation of \(x.shape), NaNs only")
        }
    }

    func testHandWorkedSeries() throws {
        // One pixel, one channel: valid at days 10 (2.0) and 20 (4.0); 5 before, 15 between,
        // 30 after; then a series with nothing valid.
        let x = NDArray<Float>(shape: [5, 1, 2, 1], storage: [9, 9, 2, 9, 9, 9, 4, 9, 9, 9])
        let valid = NDArray<Bool>(
            shape: [5, 1, 2, 1], storage: [false, false, true, false, false, false, true, false, false, false])
        let filled = try Kernels.interpolateInvalid(x, valid: valid, times: [5, 10, 15, 20, 30])
        XCTAssertEqual(
            filled.storage[0..<10].enumerated().filter { $0.offset % 2 == 0 }.map(\.element), [2, 2, 3, 4, 4])
        XCTAssertTrue(filled.storage.enumerated().filter { $0.offset % 2 == 1 }.allSatisfy { $0.element.isNaN })
    }

    func testTimestampsMustMatchAndBeOrdered() {
        let x = NDArray<Float>(shape: [3, 1, 1, 1], repeating: 1)
        XCTAssertThrowsError(try Kernels.interpolateNaN(x, times: [1, 2])) { error in
            XCTAssertEqual("\(error)", "interpolation: 2 timestamps for 3 time frames")
        }
        XCTAssertThrowsError(try Kernels.interpolateNaN(x, times: [1, 3, 2])) { error in
            XCTAssertEqual(
                "\(error)", "interpolation: timestamps must be finite and non-decreasing, got 3.0 before 2.0")
        }
        XCTAssertThrowsError(try Kernels.interpolateNaN(x, times: [1, 2, .nan]))
    }
}
