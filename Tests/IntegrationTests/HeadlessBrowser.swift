import Foundation
import GrowTestSupport
import XCTest

/// Debian's Chromium, headless, with one tab kept open on a page (so it follows the dashboard's
/// event stream) and driven over the DevTools protocol by Tests/Fixtures/dashboard/browser.py:
/// screenshots, the live DOM, JavaScript.
final class HeadlessBrowser {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        try requirement("chromium", available: which("chromium") != nil, from: .installDeps, file: file, line: line)
        let probe = try runProcess("/usr/bin/env", ["python3", "-c", "import websocket"])
        try requirement(
            "python3's websocket-client", available: probe.status == 0, from: .installDeps, file: file, line: line)
    }

    init(url: String, width: Int = 1400, height: Int = 1000) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = PackagePaths.root.appendingPathComponent("Tests/Fixtures/dashboard/browser.py").path
        process.arguments = ["python3", script, url, "\(width)", "\(height)"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let ready = try answer()
        guard ready["ready"] as? Bool == true else { throw HarnessError("the browser did not open \(url): \(ready)") }
    }

    deinit {
        try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
        process.waitUntilExit()
    }

    private func answer() throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return (try JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] ?? [:]
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw HarnessError("the browser helper ended") }
            buffer.append(chunk)
        }
    }

    private func command(_ line: String) throws -> [String: Any] {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
        let reply = try answer()
        if let error = reply["error"] { throw HarnessError("browser: \(line.prefix(80)): \(error)") }
        return reply
    }

    func screenshot(_ path: String) throws { _ = try command("shot \(path)") }
    func dumpDOM(_ path: String) throws { _ = try command("dom \(path)") }
    func evaluate(_ expression: String) throws -> Any? { try command("eval \(expression)")["value"] }

    /// The number an expression gives (0 when it gives none).
    func number(_ expression: String) throws -> Int { (try evaluate(expression) as? Int) ?? 0 }
}
