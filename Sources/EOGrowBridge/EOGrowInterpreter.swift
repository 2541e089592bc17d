import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The Python that runs eo-grow, for the client's driver and for the workers' processes.
package enum EOGrowInterpreter {
    package static let environmentVariable = "GROW_EOGROW_PYTHON"
    /// The venv `scripts/install-deps` makes, relative to the package's folder.
    static let packageVenv = ".cache/eogrow-venv/bin/python"

    /// `--python` when given, else `$GROW_EOGROW_PYTHON`, else the eo-grow venv of the package this
    /// binary was built in (a development build), else `python3`.
    package static func resolve(
        flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = currentExecutable
    ) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let variable = environment[environmentVariable], !variable.isEmpty { return variable }
        if let venv = packageVenv(above: executable) { return venv }
        return "python3"
    }

    /// The running binary (readlink /proc/self/exe: argv[0] may be a bare name found on PATH).
    package static var currentExecutable: String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                readlink("/proc/self/exe", $0, bytes.count - 1)
            }
        }
        if length > 0 { return String(decoding: buffer[..<length], as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }

    /// The binary's package (the first folder above it with a Package.swift) and its eo-grow venv,
    /// when both are there. A release binary copied elsewhere has neither.
    static func packageVenv(above executable: String) -> String? {
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<8 where folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let venv = folder.appendingPathComponent(packageVenv).path
                return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// `python` as an absolute path: itself when it has a '/', else the first match on PATH.
    package static func locate(_ python: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if python.contains("/") {
            let path = URL(fileURLWithPath: python).path
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        for folder in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(python)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// What to tell a user whose `python` cannot run eo-grow (`reason`: why, e.g. the import error).
    package static func problem(_ python: String, reason: String) -> String {
        "\(python) cannot run eo-grow (\(reason)): install eo-grow into it (\(python) -m pip install eo-grow) "
            + "or name a Python that has it with --python or \(environmentVariable)"
    }
}

/// Why a Python cannot run eo-grow, in one line.
package struct InterpreterProblem: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
