import EOGrowBridge
import Foundation

/// eo-grow's own command-line tools (`eogrow-validate`, `eogrow-template`), for the pipelines grow
/// does not implement natively: run with the Python that runs eo-grow's pipelines
/// (`EOGrowInterpreter`), finding custom classes where the driver finds them (the working folder
/// and the config's folder).
enum EOGrowTools {
    enum Tool: String {
        case validate = "validate_config"
        case template = "make_template"
    }

    /// Runs the tool; its standard output is passed on, and a failure becomes a one-line
    /// `UserError` with the last line the tool wrote to stderr (Python's exception).
    static func run(_ tool: Tool, _ arguments: [String], configFolder: String? = nil, context: String) throws {
        let python = EOGrowInterpreter.resolve(flag: nil)
        var environment = ProcessInfo.processInfo.environment
        let folders = [FileManager.default.currentDirectoryPath] + (configFolder.map { [$0] } ?? [])
        environment["PYTHONPATH"] = (folders + [environment["PYTHONPATH"]].compactMap { $0 }).joined(separator: ":")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [python, "-c", "import sys; from eogrow.cli import \(tool.rawValue); \(tool.rawValue)()"] + arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let problem =
                Self.oneLine(output) ?? EOGrowInterpreter.problem(python, reason: "exit \(process.terminationStatus)")
            throw UserError("\(context): \(problem)")
        }
    }

    /// Python's exception in one line; pydantic's list of problems as `key: message; ...`.
    static func oneLine(_ stderr: String) -> String? {
        let lines = stderr.split(separator: "\n").map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        guard let start = lines.lastIndex(where: { $0.contains("ValidationError:") }) else { return lines.last }
        // After the summary: a key on its own line, then its message indented.
        var problems: [String] = []
        var index = start + 1
        while index + 1 < lines.count, lines[index + 1].hasPrefix(" ") {
            problems.append("\(lines[index]): \(lines[index + 1].trimmingCharacters(in: .whitespaces))")
            index += 2
        }
        return problems.isEmpty ? lines.last : problems.joined(separator: "; ")
    }
}
