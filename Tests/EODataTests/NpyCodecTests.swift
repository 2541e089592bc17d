import EOData
import Foundation
import GrowTestSupport
import XCTest

/// The same deterministic arrays on both sides: Swift's `sample` and the Python `SAMPLE` below.
private let shapes: [[Int]] = [[], [0], [5], [2, 3], [2, 3, 4, 5], [3, 0, 2]]

private let pythonSample = """
    import numpy as np
    def sample(dtype, shape):
        n = int(np.prod(shape, dtype=np.int64))
        i = np.arange(n, dtype=np.int64)
        if dtype == 'bool':
            return (i % 3 == 0).reshape(shape)
        if dtype.startswith('float'):
            v = (i * 0.25 - 3.5).astype(dtype)
            if n >= 2:
                v[0] = np.finfo(dtype).max
                v[1] = -np.inf
            return v.reshape(shape)
        info = np.iinfo(dtype)
        v = ((i * 7919 + 3) % 251 - (125 if info.min < 0 else 0)).astype(dtype)
        if n >= 2:
            v[0] = info.max
            v[1] = info.min
        return v.reshape(shape)
    SHAPES = [(), (0,), (5,), (2, 3), (2, 3, 4, 5), (3, 0, 2)]
    TYPES = ['bool', 'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float16', 'float32', 'float64']

    """

private func sample(_ type: NpyType, _ shape: [Int]) -> NpyArray {
    let count = shape.reduce(1, *)
    func integers<T: FixedWidthInteger & NpyElement>(_: T.Type) -> NpyArray {
        var values = (0..<count).map { T(truncatingIfNeeded: ($0 * 7919 + 3) % 251 - (T.isSigned ? 125 : 0)) }
        if count >= 2 {
            values[0] = T.max
            values[1] = T.min
        }
        return NpyArray(NDArray(shape: shape, storage: values))
    }
    func floats<T: BinaryFloatingPoint & NpyElement>(_: T.Type) -> NpyArray {
        var values = (0..<count).map { T(Double($0) * 0.25 - 3.5) }
        if count >= 2 {
            values[0] = T.greatestFiniteMagnitude
            values[1] = -T.infinity
        }
        return NpyArray(NDArray(shape: shape, storage: values))
    }
    switch type {
    case .bool: return .bool(NDArray(shape: shape, storage: (0..<count).map { $0 % 3 == 0 }))
    case .uint8: return integers(UInt8.self)
    case .int8: return integers(Int8.self)
    case .uint16: return integers(UInt16.self)
    case .int16: return integers(Int16.self)
    case .uint32: return integers(UInt32.self)
    case .int32: return integers(Int32.self)
    case .uint64: return integers(UInt64.self)
    case .int64: return integers(Int64.self)
    case .float16: return floats(Float16.self)
    case .float32: return floats(Float.self)
    case .float64: return floats(Double.self)
    }
}

private func read(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

private func write(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

final class NpyCodecTests: XCTestCase {
    /// numpy writes every dtype and shape; Swift reads the values, and its own encoding of them
    /// is byte for byte what np.save wrote (header, padding, data).
    func testReadsWhatNumpyWritesAndWritesTheSameBytes() throws {
        let dir = try makeScratchDirectory(self)
        _ = try runNumpy(
            pythonSample + """
                import sys
                for t in TYPES:
                    for k, shape in enumerate(SHAPES):
                        np.save(f'{sys.argv[1]}/{t}-{k}.npy', sample(t, shape))
                """, [dir])
        for type in NpyType.allCases {
            for (k, shape) in shapes.enumerated() {
                let path = "\(dir)/\(type.rawValue)-\(k).npy"
                let bytes = try read(path)
                let array = try NpyCodec.decode(bytes, location: path)
                XCTAssertEqual(array, sample(type, shape), path)
                XCTAssertEqual(array.type, type, path)
                XCTAssertEqual(array.shape, shape, path)
                XCTAssertEqual(NpyCodec.encode(array), bytes, "\(path): Swift's bytes differ from np.save's")
            }
        }
    }

    /// Swift writes every dtype plain and gzipped; numpy loads them and checks dtype, shape, values.
    func testNumpyReadsWhatSwiftWrites() throws {
        let dir = try makeScratchDirectory(self)
        for type in NpyType.allCases {
            for (k, shape) in shapes.enumerated() {
                let array = sample(type, shape)
                try write(NpyCodec.encode(array), "\(dir)/\(type.rawValue)-\(k).npy")
                try write(NpyCodec.encode(gzip: array, location: "test"), "\(dir)/\(type.rawValue)-\(k).npy.gz")
            }
        }
        let out = try runNumpy(
            pythonSample + """
                import sys, gzip
                checked = 0
                for t in TYPES:
                    for k, shape in enumerate(SHAPES):
                        expected = sample(t, shape)
                        for name in (f'{t}-{k}.npy', f'{t}-{k}.npy.gz'):
                            path = f'{sys.argv[1]}/{name}'
                            if name.endswith('.gz'):
                                with gzip.open(path, 'rb') as f:
                                    a = np.load(f, allow_pickle=False)
                            else:
                                a = np.load(path, allow_pickle=False)
                            assert a.dtype == expected.dtype, (name, a.dtype)
                            assert a.shape == expected.shape, (name, a.shape)
                            assert a.flags.c_contiguous
                            assert np.array_equal(a, expected), name
                            checked += 1
                print(checked)
                """, [dir])
        XCTAssertEqual(
            out.trimmingCharacters(in: .whitespacesAndNewlines), "\(NpyType.allCases.count * shapes.count * 2)")
    }

    /// Format versions 2.0 and 3.0 (4-byte header length; 3.0 is UTF-8) read like 1.0.
    func testHeaderVersions() throws {
        let dir = try makeScratchDirectory(self)
        _ = try runNumpy(
            pythonSample + """
                import sys
                for version in [(1, 0), (2, 0), (3, 0)]:
                    with open(f'{sys.argv[1]}/v{version[0]}.npy', 'wb') as f:
                        np.lib.format.write_array(f, sample('float32', (2, 3, 4, 5)), version=version)
                """, [dir])
        for version in 1...3 {
            let bytes = try read("\(dir)/v\(version).npy")
            XCTAssertEqual(bytes[6], UInt8(version))
            XCTAssertEqual(try NpyCodec.decode(bytes, location: "v\(version).npy"), sample(.float32, [2, 3, 4, 5]))
        }
    }

    /// Big-endian files ('>u2', '>f8', ...) are byte-swapped on read.
    func testBigEndianIsSwapped() throws {
        let dir = try makeScratchDirectory(self)
        _ = try runNumpy(
            pythonSample + """
                import sys
                for t in TYPES:
                    a = sample(t, (2, 3, 4, 5))
                    np.save(f'{sys.argv[1]}/{t}.npy', a.astype(a.dtype.newbyteorder('>')))
                """, [dir])
        for type in NpyType.allCases {
            let bytes = try read("\(dir)/\(type.rawValue).npy")
            if type.itemSize > 1 {
                XCTAssertTrue(
                    String(decoding: bytes.prefix(64), as: UTF8.self).contains("'>"), "\(type): not big-endian")
            }
            XCTAssertEqual(try NpyCodec.decode(bytes, location: "\(type)"), sample(type, [2, 3, 4, 5]), "\(type)")
        }
    }

    /// A Fortran-ordered file (np.save of a transposed array) is read by transposing into C order.
    func testFortranOrderIsTransposedIntoCOrder() throws {
        let dir = try makeScratchDirectory(self)
        _ = try runNumpy(
            pythonSample + """
                import sys
                a = sample('int32', (2, 3, 4, 5))
                np.save(f'{sys.argv[1]}/f.npy', np.asfortranarray(a))
                np.save(f'{sys.argv[1]}/t.npy', sample('uint16', (5, 7)).T)
                """, [dir])
        let fortran = try read("\(dir)/f.npy")
        XCTAssertTrue(String(decoding: fortran.prefix(128), as: UTF8.self).contains("'fortran_order': True"))
        XCTAssertEqual(try NpyCodec.decode(fortran, location: "f.npy"), sample(.int32, [2, 3, 4, 5]))

        let transposed = try NpyCodec.decode(try read("\(dir)/t.npy"), location: "t.npy")
        guard let original = sample(.uint16, [5, 7]).array(of: UInt16.self),
            let result = transposed.array(of: UInt16.self)
        else { return XCTFail("not uint16") }
        XCTAssertEqual(result.shape, [7, 5])
        for row in 0..<7 {
            for column in 0..<5 { XCTAssertEqual(result[row, column], original[column, row]) }
        }
    }

    /// Python's gzip, one member and several concatenated; big enough for many inflate steps.
    func testReadsPythonGzip() throws {
        let dir = try makeScratchDirectory(self)
        _ = try runNumpy(
            pythonSample + """
                import sys, gzip, io
                a = sample('uint16', (3, 256, 256, 4))
                with gzip.open(f'{sys.argv[1]}/a.npy.gz', 'wb', compresslevel=1) as f:
                    np.save(f, a)
                raw = io.BytesIO()
                np.save(raw, sample('float64', (2, 3, 4, 5)))
                data = raw.getvalue()
                with open(f'{sys.argv[1]}/multi.npy.gz', 'wb') as f:
                    f.write(gzip.compress(data[:100]) + gzip.compress(data[100:]))
                """, [dir])
        XCTAssertEqual(
            try NpyCodec.decode(gzip: try read("\(dir)/a.npy.gz"), location: "a.npy.gz"),
            sample(.uint16, [3, 256, 256, 4]))
        XCTAssertEqual(
            try NpyCodec.decode(gzip: try read("\(dir)/multi.npy.gz"), location: "multi.npy.gz"),
            sample(.float64, [2, 3, 4, 5]))
    }

    /// Ten million zeros at gzip level 9 compress about 1000:1, close to deflate's limit: still
    /// within what the size check lets through.
    func testHighlyCompressedArrayIsAccepted() throws {
        let zeros = NpyArray.uint8(NDArray(shape: [10_000_000], repeating: 0))
        let compressed = try NpyCodec.encode(gzip: zeros, level: 9, location: "zeros")
        XCTAssertLessThan(compressed.count, 12_000)
        XCTAssertEqual(try NpyCodec.decode(gzip: compressed, location: "zeros"), zeros)
    }

    func testConversions() {
        let array = NpyArray(NDArray<UInt16>(shape: [2, 2], storage: [0, 1, 65535, 7]))
        XCTAssertEqual(array.float32().storage, [0, 1, 65535, 7])
        XCTAssertEqual(array.float64().storage, [0, 1, 65535, 7])
        XCTAssertEqual(array.nonZero().storage, [false, true, true, true])
        XCTAssertEqual(array.array(of: UInt16.self)?.shape, [2, 2])
        XCTAssertNil(array.array(of: Float.self))
        XCTAssertEqual(NpyArray.bool(NDArray(shape: [2], storage: [true, false])).float32().storage, [1, 0])
    }
}
