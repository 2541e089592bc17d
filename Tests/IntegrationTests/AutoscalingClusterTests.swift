import Autoscaler
import Foundation
import GrowTestSupport
import HeadRuntime
import Logging
import Synchronization
import TileScheduler
import Wire
import XCTest

/// The head's autoscaler with a provider whose instances are local grow-worker processes: the
/// head runs in this process (so the provider double can be handed to it), the workers and the
/// client are the real binaries.
final class AutoscalingClusterTests: XCTestCase {
    func testTheClusterGrowsReplacesAnInterruptedNodeAtTheNoticeAndShrinksToTheMinimumWhenIdle() async throws {
        try PackagePaths.requireBinaries(worker: true)
        let directory = uniqueTemporaryURL("it-autoscale")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokenFile = directory.appendingPathComponent("token").path
        let made = try runProcess(PackagePaths.headBinary.path, ["token", tokenFile])
        XCTAssertEqual(made.status, 0, made.output)
        let port = try freeLoopbackPort()
        let provider = LocalProcessProvider(
            worker: PackagePaths.workerBinary, headAddress: "127.0.0.1:\(port)", tokenFile: tokenFile,
            directory: directory, slots: 2)
        defer { provider.shutdownAll() }
        let idleTimeoutMs: UInt64 = 3000
        var config = HeadConfig(
            host: "127.0.0.1", port: port, stateDirectory: directory.appendingPathComponent("state").path,
            token: try ClusterToken.load(environment: [:], file: tokenFile),
            scheduler: SchedulerConfig(backupCopies: false))
        config.autoscaling = Autoscaling(
            config: AutoscalerConfig(
                nodeTypes: [NodeTypeSpec(name: "spot", minWorkers: 1, maxWorkers: 3, slots: 2, market: .spot)],
                idleTimeoutMs: idleTimeoutMs, bootTimeoutMs: 120_000, listIntervalMs: 1000),
            provider: provider, intervalMs: 200)
        let logs = LineCapture()
        let head = try HeadServer(config: config, logger: Logger(label: "head") { _ in logs.handler })
        _ = try await head.start()

        // min_workers: one instance at the start, and its worker joins.
        try await until("the first worker to join", logs) { logs.contains("worker joined") }
        XCTAssertEqual(provider.instances.count, 1)

        let markers = directory.appendingPathComponent("markers")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        let tiles = 300
        let job = directory.appendingPathComponent("job.json")
        try
            (#"{"name": "grow", "pipeline": "command", "tiles": \#(tiles), "command": "#
            + SpotMarkers.command(folder: markers, short: 0.3, long: 0.3, every: 1, which: 0) + "}")
            .write(to: job, atomically: true, encoding: .utf8)
        let submit = try spawnLogged(
            PackagePaths.headBinary,
            ["submit", job.path, "--wait", "--address", "127.0.0.1:\(port)", "--token-file", tokenFile],
            log: directory.appendingPathComponent("submit.log"))

        // The demand (300 tiles over 2-slot nodes) grows the cluster to max_workers.
        try await until("three workers running tiles", logs) {
            let marks = try SpotMarkers(folder: markers)
            return Set(marks.runs.values.flatMap { $0 }.map(\.worker)).count == 3
        }
        XCTAssertEqual(provider.instances.count, 3)

        // A spot notice for the second instance: its replacement starts at the notice.
        let interrupted = provider.instances[1]
        let termination = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 6).rounded(.down))
        interrupted.metadata.setInstanceAction("terminate", time: termination)
        try await until("the replacement's launch", logs) { provider.instances.count == 4 }
        let replacement = provider.instances[3]
        let notice = try XCTUnwrap(interrupted.metadata.firstServedNotice)
        interrupted.process.waitUntilExit()
        let workerGone = Date()
        // It drained (its instance may be terminated while the process exits: its status is moot).
        let interruptedLog = try String(
            contentsOf: directory.appendingPathComponent("\(interrupted.node.id).log"), encoding: .utf8)
        XCTAssertTrue(interruptedLog.contains("spot interruption notice: draining"), interruptedLog)
        XCTAssertLessThan(replacement.launchedAt, workerGone, "launched at the notice, not at the loss")
        XCTAssertLessThan(replacement.launchedAt, termination.addingTimeInterval(-2), "before the drain deadline")
        try await until("the replacement's worker to run tiles", logs) {
            try SpotMarkers(folder: markers).tiles(on: replacement.node.id).count > 0
        }
        try await until("the interrupted instance to be terminated", logs) {
            provider.calls.contains("terminate \(interrupted.node.id)")
        }

        submit.waitUntilExit()
        let submitLog = (try? String(contentsOf: directory.appendingPathComponent("submit.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(submit.terminationStatus, 0, submitLog)
        let jobEnded = Date()
        let logsFolder = directory.appendingPathComponent("state/logs")
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: logsFolder.path).first)
        let finished =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: logsFolder.appendingPathComponent(run).appendingPathComponent("finished.json")))
            as? [String]
        XCTAssertEqual(finished?.count, tiles)
        XCTAssertEqual(Set(finished ?? []), Set((0..<tiles).map { "tile-\($0)" }))
        XCTAssertEqual(try SpotMarkers(folder: markers).runs.count, tiles)

        // No work left: idle workers are drained after the idle timeout, down to min_workers.
        try await until("the cluster to shrink to min_workers", logs) { provider.running.count == 1 }
        let shrunk = Date()
        XCTAssertGreaterThanOrEqual(
            shrunk.timeIntervalSince(jobEnded), Double(idleTimeoutMs) / 1000 - 0.5, "not before the idle timeout")
        let ended = provider.instances.filter { !$0.node.isAlive }
        XCTAssertEqual(ended.count, 3)
        XCTAssertTrue(logs.contains("draining an idle worker"), logs.text)
        XCTAssertTrue(logs.contains("reason=idle for 3 s: scaling down"), logs.text)

        try await head.stop(stopWorkers: true)
        print(
            String(
                format:
                    "autoscaling: replacement %@ launched %.0f ms after the notice (the interrupted worker left %.0f ms after it); shrunk to 1 node %.1f s after the job ended (idle timeout %.0f s); provider calls: %@",
                replacement.node.id, replacement.launchedAt.timeIntervalSince(notice) * 1000,
                workerGone.timeIntervalSince(notice) * 1000, shrunk.timeIntervalSince(jobEnded),
                Double(idleTimeoutMs) / 1000, provider.calls.joined(separator: ", ")))
    }

    /// Polls `condition` every 50 ms; fails with the head's log if it never holds.
    func until(_ what: String, _ logs: LineCapture, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("timed out waiting for \(what); the head's log:\n\(logs.text)")
        throw HarnessError("timed out waiting for \(what)")
    }

    func spawnLogged(_ executable: URL, _ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GROW_TOKEN"] = nil
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// The in-process head's log lines, kept for the test to search and to show on failure.
final class LineCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var handler: Handler { Handler(capture: self) }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func contains(_ fragment: String) -> Bool {
        lines.withLock { $0.contains { $0.contains(fragment) } }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let capture: LineCapture
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let extra = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            capture.append(([event.level.rawValue, "\(event.message)"] + extra).joined(separator: " "))
        }
    }
}
