import EOData
import EOKernels
import GrowBase
import GrowTestSupport
import XCTest

/// Valid-data masks from nodata values and observation masks against the same logic in numpy.
final class KernelTestsValidDataMask: XCTestCase {
    func testNodataAndObservationMasksMatchNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        let shape = [4, 23, 29, 6]
        let pixels = 4 * 23 * 29
        var random = SplitMix64(seed: 11)
        // Zeros (the nodata value) often, and whole pixels of zeros now and then.
        var values = (0..<(pixels * 6)).map { _ in
            random.next() % 5 == 0 ? UInt16(0) : UInt16(truncatingIfNeeded: random.next())
        }
        for pixel in stride(from: 0, to: pixels, by: 7) {
            for c in 0..<6 { values[pixel * 6 + c] = 0 }
        }
        let data = NDArray(shape: shape, storage: values)
        let clouds = NDArray(
            shape: [4, 23, 29, 1], storage: (0..<pixels).map { _ in UInt8(random.next() % 4 == 0 ? 255 : 0) })
        let dataMask = NDArray(shape: [4, 23, 29, 1], storage: (0..<pixels).map { _ in random.next() % 6 != 0 })
        try numpy.write("data.raw", data.storage)
        try numpy.write("clouds.raw", clouds.storage)
        try numpy.write("datamask.raw", dataMask.storage)
        try numpy.run(
            """
            data = load('data.raw', 'u2', \(shape))
            clouds = load('clouds.raw', 'u1', [4, 23, 29, 1])
            datamask = load('datamask.raw', 'u1', [4, 23, 29, 1]).astype(bool)
            any_nodata = np.any(data == 0, axis=-1, keepdims=True)
            all_nodata = np.all(data == 0, axis=-1, keepdims=True)
            save('any.raw', ~any_nodata, 'u1')
            save('all.raw', ~all_nodata, 'u1')
            save('combined.raw', ~any_nodata & (clouds == 0) & datamask, 'u1')
            save('masks.raw', (clouds == 0) & datamask, 'u1')
            """)
        func expected(_ name: String) throws -> [Bool] {
            try numpy.read(name, as: UInt8.self, count: pixels).map { $0 != 0 }
        }
        let any = try Kernels.validDataMask(data, nodata: 0)
        XCTAssertEqual(any.shape, [4, 23, 29, 1])
        XCTAssertEqual(any.storage, try expected("any.raw"), "any channel nodata")
        XCTAssertEqual(
            try Kernels.validDataMask(data, nodata: 0, rule: .allChannels, threads: 3).storage, try expected("all.raw"),
            "all channels nodata")
        let masks = [
            ObservationMask(clouds, meaning: .invalidWhereSet), ObservationMask(dataMask, meaning: .validWhereSet),
        ]
        XCTAssertEqual(
            try Kernels.validDataMask(data, nodata: 0, masks: masks, threads: 2).storage, try expected("combined.raw"),
            "nodata, cloud mask and dataMask")
        XCTAssertEqual(try Kernels.validDataMask(masks: masks).storage, try expected("masks.raw"), "masks alone")
        XCTAssertEqual(try Kernels.validDataMask(data, nodata: nil).storage, [Bool](repeating: true, count: pixels))
    }

    func testNaNIsAlwaysNodataInFloatStacks() throws {
        let numpy = try NumpyKernelReference(self)
        let shape = [3, 5, 7, 2]
        var random = SplitMix64(seed: 12)
        let values = (0..<(3 * 5 * 7 * 2)).map { _ -> Float in
            switch random.next() % 6 {
            case 0: .nan
            case 1: -9999
            default: Float(random.next() % 1000) / 1000
            }
        }
        let data = NDArray(shape: shape, storage: values)
        try numpy.write("data.raw", values)
        try numpy.run(
            """
            data = load('data.raw', 'f4', \(shape))
            save('nan.raw', ~np.any(np.isnan(data), axis=-1, keepdims=True), 'u1')
            save('both.raw', ~np.any(np.isnan(data) | (data == -9999), axis=-1, keepdims=True), 'u1')
            save('all.raw', ~np.all(np.isnan(data) | (data == -9999), axis=-1, keepdims=True), 'u1')
            """)
        let pixels = 3 * 5 * 7
        XCTAssertEqual(
            try Kernels.validDataMask(data, nodata: nil).storage,
            try numpy.read("nan.raw", as: UInt8.self, count: pixels).map { $0 != 0 })
        XCTAssertEqual(
            try Kernels.validDataMask(data, nodata: -9999).storage,
            try numpy.read("both.raw", as: UInt8.self, count: pixels).map { $0 != 0 })
        XCTAssertEqual(
            try Kernels.validDataMask(data, nodata: -9999, rule: .allChannels).storage,
            try numpy.read("all.raw", as: UInt8.self, count: pixels).map { $0 != 0 })
    }

    func testManyChannelsAndOneChannelMatchNumpy() throws {
        let numpy = try NumpyKernelReference(self)
        var random = SplitMix64(seed: 13)
        // 10 channels (more than fit the 8-byte fast path) and 1 channel; values 0…3, so both
        // rules see pixels with some and with all channels at nodata (0).
        let wideValues: [UInt8] = (0..<1980).map { _ -> UInt8 in
            random.next() % 4 == 0 ? 0 : UInt8(1 + random.next() % 3)
        }
        let wide = NDArray(shape: [2, 9, 11, 10], storage: wideValues)
        // Every 5th pixel all nodata.
        let sparseValues: [UInt8] = (0..<1980).map { index -> UInt8 in (index / 10) % 5 == 0 ? 0 : wideValues[index] }
        let sparse = NDArray(shape: [2, 9, 11, 10], storage: sparseValues)
        let singleValues: [Int16] = (0..<105).map { _ -> Int16 in Int16(random.next() % 3) - 1 }
        let single = NDArray(shape: [3, 5, 7, 1], storage: singleValues)
        try numpy.write("wide.raw", wide.storage)
        try numpy.write("sparse.raw", sparse.storage)
        try numpy.write("single.raw", single.storage)
        try numpy.run(
            """
            wide = load('wide.raw', 'u1', [2, 9, 11, 10])
            sparse = load('sparse.raw', 'u1', [2, 9, 11, 10])
            single = load('single.raw', 'i2', [3, 5, 7, 1])
            save('wide-any.raw', ~np.any(wide == 0, axis=-1, keepdims=True), 'u1')
            save('sparse-all.raw', ~np.all(sparse == 0, axis=-1, keepdims=True), 'u1')
            save('single.out', single != -1, 'u1')
            """)
        func expected(_ name: String, _ count: Int) throws -> [Bool] {
            try numpy.read(name, as: UInt8.self, count: count).map { $0 != 0 }
        }
        XCTAssertEqual(try Kernels.validDataMask(wide, nodata: 0).storage, try expected("wide-any.raw", 198))
        let allRule = try Kernels.validDataMask(sparse, nodata: 0, rule: .allChannels)
        XCTAssertEqual(allRule.storage, try expected("sparse-all.raw", 198))
        XCTAssertTrue(allRule.storage.contains(false), "some pixel should have every channel at nodata")
        XCTAssertEqual(
            try Kernels.validDataMask(single, nodata: -1, threads: 2).storage, try expected("single.out", 105))
    }

    func testMaskOfTheWrongShapeIsAnError() {
        let data = NDArray<UInt16>(shape: [2, 4, 4, 3], repeating: 1)
        let mask = NDArray<UInt8>(shape: [2, 4, 4, 3], repeating: 0)
        XCTAssertThrowsError(
            try Kernels.validDataMask(data, nodata: 0, masks: [ObservationMask(mask, meaning: .invalidWhereSet)])
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "valid-data mask: observation mask 1: expected shape [2, 4, 4, 1] (T×H×W×1 of the data), got [2, 4, 4, 3]"
            )
        }
        XCTAssertThrowsError(try Kernels.validDataMask(masks: []))
    }
}
