import Foundation
import GrowTestSupport
import XCTest

/// The numpy side of the kernel tests: inputs go to raw little-endian files in a scratch folder,
/// a numpy script (run by `/usr/bin/python3`) reads them and writes its reference results there,
/// and the test reads those back.
struct NumpyKernelReference {
    let folder: String

    /// Skips, or on CI fails, with what to do when numpy is missing.
    init(_ test: XCTestCase, file: StaticString = #filePath, line: UInt = #line) throws {
        try requirePython(modules: ["numpy"], file: file, line: line)
        folder = try makeScratchDirectory(test)
    }

    /// Writes `values` as raw little-endian bytes (this machine's order; x86-64 and arm64 are
    /// little-endian) to `name` in the folder.
    func write<T>(_ name: String, _ values: [T]) throws {
        let data = values.withUnsafeBytes { Data($0) }
        try data.write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }

    func read<T>(_ name: String, as type: T.Type, count: Int, file: StaticString = #filePath, line: UInt = #line) throws
        -> [T]
    {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
        guard data.count == count * MemoryLayout<T>.stride else {
            XCTFail(
                "numpy wrote \(data.count) bytes to \(name), expected \(count) values of \(T.self)", file: file,
                line: line)
            throw NumpyScriptFailed()
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.copyBytes(to: buffer)
            initialized = count
        }
    }

    /// Runs `script` with `np`, `load(name, dtype, shape)` and `save(name, array, dtype)` defined
    /// over the folder.
    func run(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let prologue = """
            import os, sys
            import numpy as np
            folder = sys.argv[1]
            def load(name, dtype, shape):
                return np.fromfile(os.path.join(folder, name), dtype=np.dtype(dtype).newbyteorder('<')).reshape(shape)
            def save(name, array, dtype):
                np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder('<')).tofile(os.path.join(folder, name))

            """
        _ = try runNumpy(prologue + script, [folder], file: file, line: line)
    }
}

/// Exact equality of Float32 results: the same bits, except that any NaN matches any NaN.
func assertSameFloats(
    _ actual: [Float], _ expected: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(what): count", file: file, line: line)
    var mismatches = 0
    for index in 0..<min(actual.count, expected.count) {
        let a = actual[index]
        let e = expected[index]
        if a.isNaN && e.isNaN { continue }
        if a.bitPattern != e.bitPattern {
            mismatches += 1
            if mismatches <= 5 { XCTFail("\(what): [\(index)] is \(a), numpy has \(e)", file: file, line: line) }
        }
    }
    if mismatches > 5 { XCTFail("\(what): \(mismatches) values differ in all", file: file, line: line) }
}

/// NaN exactly where numpy has NaN, elsewhere within `relative` of numpy's value.
func assertCloseFloats(
    _ actual: [Float], _ expected: [Float], relative: Float = 1e-6, _ what: String, file: StaticString = #filePath,
    line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(what): count", file: file, line: line)
    var mismatches = 0
    for index in 0..<min(actual.count, expected.count) {
        let a = actual[index]
        let e = expected[index]
        let ok = (a.isNaN && e.isNaN) || a == e || abs(a - e) <= relative * max(abs(a), abs(e))
        if !ok {
            mismatches += 1
            if mismatches <= 5 { XCTFail("\(what): [\(index)] is \(a), numpy has \(e)", file: file, line: line) }
        }
    }
    if mismatches > 5 { XCTFail("\(what): \(mismatches) values differ in all", file: file, line: line) }
}
