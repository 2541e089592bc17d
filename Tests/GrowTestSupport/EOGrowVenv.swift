import Foundation

/// eo-grow 1.7.15 in `.cache/eogrow-venv` (scripts/install-deps makes it): the reference the EO
/// pipelines are compared with, and what runs eo-grow's own pipelines.
package enum EOGrowVenv {
    package static var bin: URL { PackagePaths.root.appendingPathComponent(".cache/eogrow-venv/bin") }
    package static var python: String { bin.appendingPathComponent("python").path }
    package static var eogrow: String { bin.appendingPathComponent("eogrow").path }
    package static var eogrowValidate: String { bin.appendingPathComponent("eogrow-validate").path }

    /// Requires the venv; returns its folder of executables.
    @discardableResult
    package static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try requirement(
            "eo-grow's venv \(bin.path)", available: isExecutable(eogrow) && isExecutable(python), file: file,
            line: line)
        return bin
    }

    /// Runs `script` with the venv's Python; its stdout, or an error with the output.
    package static func runPython(_ script: String, _ arguments: [String] = []) throws -> String {
        let result = try runProcess(python, ["-c", script] + arguments)
        guard result.status == 0 else {
            throw HarnessError("eo-grow's python failed (\(result.status)): \(result.output)")
        }
        return result.output
    }
}
