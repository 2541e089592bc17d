import Foundation

extension PackagePaths {
    /// The Python of the eo-grow venv scripts/install-deps makes (eo-grow 1.7.15, eo-learn, Ray).
    package static var eoGrowPython: String { root.appendingPathComponent(".cache/eogrow-venv/bin/python").path }

    /// Requires the eo-grow venv; returns its Python.
    package static func requireEOGrowPython(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try requirement(
            "eo-grow's venv (\(eoGrowPython))", available: isExecutable(eoGrowPython), from: .installDeps, file: file,
            line: line)
        return eoGrowPython
    }
}
