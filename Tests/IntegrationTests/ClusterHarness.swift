import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Real grow-head and grow-worker processes for a test: started from the build folder, logging
/// to files in the test's own directory, killed (SIGKILL) when the test ends.
final class ClusterHarness {
    let directory: URL
    let stateDirectory: URL
    let tokenFile: URL
    let port: Int
    private(set) var head: Process?
    private(set) var workers: [String: Process] = [:]
    private var logs: [URL] = []

    static var headBinary: URL { PackagePaths.headBinary }
    static var workerBinary: URL { PackagePaths.workerBinary }

    init(name: String) throws {
        try PackagePaths.requireBinaries(worker: true)
        directory = uniqueTemporaryURL("it-\(name)")
        stateDirectory = directory.appendingPathComponent("state")
        tokenFile = directory.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freeLoopbackPort()
        let token = try run(Self.headBinary, ["token", tokenFile.path])
        XCTAssertEqual(token.status, 0, token.output)
    }

    deinit {
        stopAll()
    }

    func stopAll() {
        for process in workers.values where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if let head, head.isRunning { kill(head.processIdentifier, SIGKILL) }
        for process in workers.values { process.waitUntilExit() }
        head?.waitUntilExit()
    }

    // MARK: - Processes

    @discardableResult
    func startHead(extra: [String] = [], bind: String = "127.0.0.1", environment: [String: String] = [:]) throws
        -> Process
    {
        let process = try spawn(
            Self.headBinary,
            [
                "start", "--port", "\(port)", "--bind", bind, "--state-dir", stateDirectory.path, "--token-file",
                tokenFile.path,
            ]
                + (extra.contains { $0.hasPrefix("--dashboard") || $0 == "--no-dashboard" }
                    ? [] : ["--dashboard-port", "0"])
                + extra,
            log: "head", environment: environment)
        head = process
        try waitForPort()
        return process
    }

    @discardableResult
    func startWorker(
        _ name: String, slots: Int = 2, extra: [String] = [], prefix: [String] = [], address: String? = nil
    ) throws -> Process {
        let arguments =
            [
                "--address", address ?? "127.0.0.1:\(port)", "--slots", "\(slots)", "--token-file", tokenFile.path,
                "--work-dir", directory.appendingPathComponent("work-\(name)").path, "--worker-id", name,
            ] + extra
        let process: Process
        if prefix.isEmpty {
            process = try spawn(Self.workerBinary, arguments, log: "worker-\(name)")
        } else {
            process = try spawn(
                URL(fileURLWithPath: prefix[0]), Array(prefix.dropFirst()) + [Self.workerBinary.path] + arguments,
                log: "worker-\(name)")
        }
        workers[name] = process
        return process
    }

    func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func spawn(_ executable: URL, _ arguments: [String], log: String, environment: [String: String] = [:]) throws
        -> Process
    {
        let process = Self.makeProcess(executable, arguments, environment: environment)
        let logURL = directory.appendingPathComponent("\(log).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        logs.append(logURL)
        return process
    }

    /// A process with this test's environment: no GROW_TOKEN from outside, so each test's token
    /// file is the one used.
    static func makeProcess(_ executable: URL, _ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = Self.environment(environment)
        return process
    }

    /// The test's environment without GROW_TOKEN, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GROW_TOKEN"] = nil
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// A folder where command tiles leave one marker file per tile (a line per run).
    func makeMarkers() throws -> URL {
        let markers = directory.appendingPathComponent("markers")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        return markers
    }

    /// How many tiles have left a marker so far.
    func markerCount(_ markers: URL) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: markers.path).count) ?? 0
    }

    /// Runs a command to completion; returns its exit status and combined output.
    @discardableResult
    func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        try runProcess(executable.path, arguments, environment: Self.environment(environment))
    }

    /// `grow-head submit JOB --wait` in the background, logging to submit.log.
    func startSubmit(_ job: URL) throws -> Process {
        try spawn(
            Self.headBinary,
            ["submit", job.path, "--wait", "--address", "127.0.0.1:\(port)", "--token-file", tokenFile.path],
            log: "submit")
    }

    func headCommand(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run(Self.headBinary, arguments + ["--address", "127.0.0.1:\(port)", "--token-file", tokenFile.path])
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    private func waitForPort() throws {
        for _ in 0..<500 {
            if acceptsConnections(port: port) { return }
            if let head, !head.isRunning { break }
            usleep(20_000)
        }
        throw HarnessError("the head did not start listening; its log:\n\(log("head"))")
    }

    // MARK: - Jobs and records

    func writeJob(_ name: String, _ json: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Waits until `condition` holds, polling; fails the test with `message` if it never does.
    func eventually(_ message: String, timeoutSeconds: Double = 120, _ condition: () throws -> Bool) rethrows {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting: \(message)")
    }

    /// The records folder of the last job run in this state directory, or in a project folder.
    func recordsFolder(in project: URL? = nil) throws -> URL {
        let logs = (project ?? stateDirectory).appendingPathComponent("logs")
        let entries = try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted()
        guard let last = entries.last else { throw HarnessError("no records folder in \(logs.path)") }
        return logs.appendingPathComponent(last)
    }

    func readJSON(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }
}
