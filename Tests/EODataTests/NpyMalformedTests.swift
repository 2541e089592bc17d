import Foundation
import GrowTestSupport
import XCTest

@testable import EOData

/// Every broken input gives one line naming the file, never a crash or a huge allocation.
final class NpyMalformedTests: XCTestCase {
    private let good = NpyCodec.encode(.uint16(NDArray(shape: [2, 3, 4], storage: (0..<24).map { UInt16($0) })))

    /// A header with the given dict text (padded as numpy pads), then `data`.
    private func file(_ dict: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        var text = Array(dict.utf8)
        let lengthBytes = version == 1 ? 2 : 4
        while (6 + 2 + lengthBytes + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        var out = NpyHeader.magic + [version, 0]
        for position in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: text.count >> (8 * position))) }
        return out + text + data
    }

    private func expectError(
        _ bytes: [UInt8], gzip: Bool = false, containing fragment: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let location = "data/eopatch-0/data/BANDS.npy\(gzip ? ".gz" : "")"
        do {
            let array = try NpyCodec.decode(bytes, location: location, gzip: gzip)
            XCTFail("decoded \(array.type) \(array.shape) instead of failing", file: file, line: line)
        } catch {
            let text = error.description
            XCTAssertTrue(text.hasPrefix(location + ": "), text, file: file, line: line)
            XCTAssertFalse(text.contains("\n"), "not one line: \(text)", file: file, line: line)
            XCTAssertTrue(text.contains(fragment), "\(text) lacks \"\(fragment)\"", file: file, line: line)
        }
    }

    func testTruncatedFile() {
        expectError(
            Array(good.dropLast(10)), containing: "truncated data: shape [2, 3, 4] of '<u2' needs 48 bytes, only 38")
        expectError(Array(good.prefix(30)), containing: "truncated file")
        expectError(Array(good.prefix(9)), containing: "truncated file")
        expectError(Array(good.prefix(4)), containing: "truncated file")
        expectError([], containing: "bad magic")
    }

    func testLyingShape() {
        let data = [UInt8](repeating: 7, count: 48)
        // Far more than the file holds: refused before anything is allocated.
        expectError(
            file("{'descr': '<u2', 'fortran_order': False, 'shape': (1000000, 1000000, 1000), }", data: data),
            containing: "truncated data")
        // Overflows Int when multiplied out.
        expectError(
            file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }", data: data),
            containing: "too large")
        // Fewer elements than the data holds.
        expectError(
            file("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }", data: data),
            containing: "shape/data-size mismatch")
        // The same lie inside gzip is refused against the compressed size.
        let lying = file("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }", data: data)
        expectError(gzipRaw(lying), gzip: true, containing: "more than the compressed file can hold")
        expectError(
            gzipRaw(file("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }", data: data)), gzip: true,
            containing: "shape/data-size mismatch")
        expectError(
            gzipRaw(file("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3, 5), }", data: data)), gzip: true,
            containing: "truncated data")
    }

    func testBadMagic() {
        var bytes = good
        bytes[1] = UInt8(ascii: "X")
        expectError(bytes, containing: "bad magic")
        expectError(Array("PK\u{3}\u{4} this is a zip file, not npy".utf8), containing: "bad magic")
        var version = good
        version[6] = 9
        expectError(version, containing: "unsupported .npy format version 9.0")
    }

    func testUnsupportedDtypes() {
        expectError(file("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), containing: "object arrays")
        expectError(
            file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }"), containing: "unsupported dtype '<c8'")
        expectError(
            file("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }"), containing: "unsupported dtype '<U5'")
        expectError(
            file("{'descr': '<M8[D]', 'fortran_order': False, 'shape': (2,), }"),
            containing: "unsupported dtype '<M8[D]'")
        expectError(
            file("{'descr': [('x', '<f4'), ('y', '<i2')], 'fortran_order': False, 'shape': (2,), }"),
            containing: "structured")
    }

    func testMalformedHeaders() {
        expectError(file("{'descr': '<u2', 'shape': (2,), }"), containing: "expected the keys")
        expectError(
            file("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), 'extra': 1, }"),
            containing: "malformed header")
        expectError(
            file("{'descr': '<u2', 'fortran_order': 'no', 'shape': (2,), }"), containing: "'fortran_order' must be")
        expectError(file("{'descr': '<u2', 'fortran_order': False, 'shape': [2], }"), containing: "malformed header")
        expectError(file("{'descr': '<u2', 'fortran_order': False, 'shape': (-2,), }"), containing: "malformed header")
        expectError(file("not a dict at all"), containing: "malformed header")
        expectError(
            file("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), } trailing"), containing: "malformed header")
        // A header length field pointing far past the end of the file.
        var long = good
        long[8] = 0xFF
        long[9] = 0xFF
        expectError(long, containing: "header length field says 65535 bytes")
        var huge = file("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", version: 2)
        huge[8...11] = [0xFF, 0xFF, 0xFF, 0x7F]
        expectError(huge, containing: "malformed header")
        expectError(
            file("{'descr': '<u2', 'fortran_order': False, 'shape': (\u{FF}2,), }", version: 3),
            containing: "malformed header")
    }

    func testFortranOrderIsReadNotRejected() throws {
        // 2x3 stored column by column: 0 2 4 / 1 3 5 in C order.
        let bytes = file("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", data: [0, 1, 2, 3, 4, 5])
        let array = try NpyCodec.decode(bytes, location: "f.npy")
        XCTAssertEqual(array, .uint8(NDArray(shape: [2, 3], storage: [0, 2, 4, 1, 3, 5])))
    }

    func testBadGzip() {
        expectError(good, gzip: true, containing: "not a gzip file")
        var garbage: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        garbage += [UInt8](repeating: 0xFF, count: 100)  // deflate block type 3: invalid
        expectError(garbage, gzip: true, containing: "bad gzip data")
        let compressed = gzipRaw(good)
        expectError(Array(compressed.dropLast(20)), gzip: true, containing: "truncated gzip data")
        var corrupt = compressed
        corrupt[corrupt.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        expectError(corrupt, gzip: true, containing: "bad gzip data")
        XCTAssertEqual(try NpyCodec.decode(gzip: compressed, location: "ok"), try NpyCodec.decode(good, location: "ok"))
    }

    /// Gzip of arbitrary bytes (the codec's gzip writer only takes arrays).
    private func gzipRaw(_ bytes: [UInt8]) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { raw in try GzipWriter.compress([raw], level: 6, location: "test") }
        } catch {
            XCTFail("\(error)")
            return []
        }
    }
}

final class GzipWriterTests: XCTestCase {
    /// An array larger than a piece is written as several gzip members, compressed side by side:
    /// Python's gzip (as eo-learn reads) sees one stream, and grow reads it back the same.
    func testLargeArraysAreSeveralMembersPythonReadsAsOne() throws {
        let count = GzipWriter.pieceSize / 4 * 2 + 12_345
        let array = NpyArray(NDArray(shape: [count], storage: (0..<count).map { Float($0 % 1000) * 0.5 }))
        let compressed = try NpyCodec.encode(gzip: array, location: "big")
        XCTAssertEqual(try NpyCodec.decode(gzip: compressed, location: "big"), array)
        let path = try makeScratchDirectory(self) + "/big.npy.gz"
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        let report = try runNumpy(
            """
            import gzip, sys
            import numpy as np
            data = open(sys.argv[1], "rb").read()
            members = data.count(b"\\x1f\\x8b\\x08")
            with gzip.open(sys.argv[1]) as file:
                a = np.load(file)
            expected = (np.arange(a.size) % 1000).astype(np.float32) * np.float32(0.5)
            assert a.dtype == np.float32 and np.array_equal(a, expected)
            print(members >= 3, a.size)
            """, [path])
        XCTAssertEqual(report.trimmingCharacters(in: .whitespacesAndNewlines), "True \(count)")
    }
}
