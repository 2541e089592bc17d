import Foundation
import XCTest

/// The interpreter the numpy and GDAL checks run with: Debian's, where python3-numpy and
/// python3-gdal install (a python3 earlier on PATH, e.g. pyenv's, may have neither).
package let systemPython = "/usr/bin/python3"

/// Requires `/usr/bin/python3` to import every one of `modules` (numpy: python3-numpy; osgeo and
/// osgeo_utils: python3-gdal).
package func requirePython(modules: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    for module in modules {
        try requirement(
            "\(systemPython) with the python module \(module)", available: PythonModules.canImport(module),
            file: file, line: line)
    }
}

/// Which modules the system python imports, asked once each.
enum PythonModules {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: Bool] = [:]

    static func canImport(_ module: String) -> Bool {
        if let answer = lock.withLock({ known[module] }) { return answer }
        let answer = (try? runProcess(systemPython, ["-c", "import \(module)"]).status) == 0
        lock.withLock { known[module] = answer }
        return answer
    }
}

/// Runs a Python snippet with the system interpreter and returns its stdout; a non-zero exit
/// fails with the script's stderr, so numpy-side assertions fail the test. `requires`: the
/// modules the script imports beyond the standard library.
package func runNumpy(
    _ script: String, _ arguments: [String] = [], requires modules: [String] = ["numpy"],
    file: StaticString = #filePath, line: UInt = #line
) throws -> String {
    try requirePython(modules: modules, file: file, line: line)
    let result = try captureProcess(systemPython, ["-c", script] + arguments)
    guard result.status == 0 else {
        XCTFail("python exited \(result.status):\n\(result.stderr)\n\(result.stdout)", file: file, line: line)
        throw NumpyScriptFailed()
    }
    return result.stdout
}

package struct NumpyScriptFailed: Error {
    package init() {}
}
