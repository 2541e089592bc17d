import Foundation
import XCTest

/// eo-grow 1.7.15 in `.cache/eogrow-venv` (scripts/install-deps): the reference the EO pipelines
/// are compared with, run as a user runs it.
package enum EOGrowInstall {
    package static var folder: URL { PackagePaths.root.appendingPathComponent(".cache/eogrow-venv") }
    package static var python: String { folder.appendingPathComponent("bin/python").path }
    package static var eogrow: String { folder.appendingPathComponent("bin/eogrow").path }

    /// Requires the venv with eo-grow importable.
    package static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        let usable = isExecutable(python) && (try? runProcess(python, ["-c", "import eogrow"]).status) == 0
        try requirement("eo-grow 1.7.15 in \(folder.path)", available: usable, file: file, line: line)
    }

    /// Runs a Python snippet with eo-grow's interpreter (numpy, eo-learn, rasterio, cv2) and
    /// returns its stdout; a non-zero exit fails the test with the script's stderr.
    package static func runPython(
        _ script: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        try require(file: file, line: line)
        let result = try captureProcess(python, ["-c", script] + arguments)
        guard result.status == 0 else {
            XCTFail(
                "eo-grow's python exited \(result.status):\n\(result.stderr)\n\(result.stdout)", file: file, line: line)
            throw NumpyScriptFailed()
        }
        return result.stdout
    }
}
