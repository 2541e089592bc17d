import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP server written in Python (the standard library only), started by a test on a
/// free loopback port and killed (SIGKILL) when the test lets go of it. Its output goes to a log
/// in `directory`, shown when it does not come up.
package final class PythonServer {
    package let directory: String
    package let port: Int
    private let process: Process
    private let logPath: String

    package var url: String { "http://127.0.0.1:\(port)" }

    /// Runs `script` as `python3 script.py PORT arguments...`; the script must listen on
    /// 127.0.0.1:PORT.
    package init(name: String, script: String, arguments: [String] = []) throws {
        let python = try requirement("python3 on PATH", which("python3"))
        directory = uniqueTemporaryURL(name).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try script.write(toFile: directory + "/server.py", atomically: true, encoding: .utf8)
        logPath = directory + "/server.log"
        port = try freeLoopbackPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [directory + "/server.py", String(port)] + arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !acceptsConnections(port: port) {
            guard process.isRunning, Date() < deadline else {
                throw HarnessError("\(name) did not come up on port \(port): \(tail())")
            }
            usleep(20_000)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    package func tail() -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(1500))
    }
}
