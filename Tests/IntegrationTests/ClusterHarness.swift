import Foundation
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

    static var buildDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
    static var headBinary: URL { buildDirectory.appendingPathComponent("grow-head") }
    /// The package's folder (the test sources live under it).
    static var packageRoot: URL {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }
    static var workerBinary: URL { buildDirectory.appendingPathComponent("grow-worker") }

    init(name: String) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "grow-it-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        stateDirectory = directory.appendingPathComponent("state")
        tokenFile = directory.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.headBinary.path) else {
            throw XCTSkip("grow-head is not built next to the tests (\(Self.headBinary.path)); run swift build first")
        }
        port = try Self.freePort()
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

    /// 127.0.0.1:`port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// Connects a new TCP socket to 127.0.0.1:`port`; returns the descriptor, or nil.
    static func connectLoopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if connected { return fd }
        close(fd)
        return nil
    }

    /// A port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw XCTSkip("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
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
            ] + extra,
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
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
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
        var env = ProcessInfo.processInfo.environment
        env["GROW_TOKEN"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
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
        let process = Self.makeProcess(executable, arguments, environment: environment)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `grow-head submit JOB --wait` in the background, logging to submit.log.
    func startSubmit(_ job: URL) throws -> Process {
        try spawn(
            Self.headBinary, ["submit", job.path, "--wait", "--address", "127.0.0.1:\(port)", "--token-file", tokenFile.path],
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
            if let fd = Self.connectLoopback(port: port) {
                close(fd)
                return
            }
            if let head, !head.isRunning { break }
            usleep(20_000)
        }
        XCTFail("the head did not start listening; its log:\n\(log("head"))")
        throw XCTSkip("head did not start")
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
        guard let last = entries.last else { throw XCTSkip("no records folder in \(logs.path)") }
        return logs.appendingPathComponent(last)
    }

    func readJSON(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }
}
