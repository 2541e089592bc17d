import Foundation

/// eo-grow's own command-line tools (`eogrow-validate`, `eogrow-template`), for the pipelines grow
/// does not implement natively: beside `$GROW_EOGROW_PYTHON`, in the `.cache/eogrow-venv` of the
/// package a development build comes from, or on PATH.
enum EOGrowTools {
    static func executable(_ name: String) -> String? {
        var folders: [String] = []
        if let python = ProcessInfo.processInfo.environment["GROW_EOGROW_PYTHON"] {
            folders.append((python as NSString).deletingLastPathComponent)
        }
        // A development build: <package>/.build/.../grow-head.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.path != "/", folder.lastPathComponent != ".build" { folder.deleteLastPathComponent() }
        if folder.lastPathComponent == ".build" {
            folders.append(folder.deletingLastPathComponent().appendingPathComponent(".cache/eogrow-venv/bin").path)
        }
        folders += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the tool; its standard output is passed on, and a failure becomes a one-line
    /// `UserError` with the last line the tool wrote to stderr (Python's exception).
    static func run(_ name: String, _ arguments: [String], context: String) throws {
        guard let path = executable(name) else {
            throw UserError(
                "\(context): \(name) not found: install eo-grow (pip install eo-grow) or set GROW_EOGROW_PYTHON to its interpreter"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = output.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            throw UserError(
                "\(context): \(last.map(String.init) ?? "\(name) failed (exit \(process.terminationStatus))")")
        }
    }
}
