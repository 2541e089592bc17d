import ArgumentParser
import EOPipelines
import Foundation
import HeadRuntime
import Logging
import TileScheduler
import Wire

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job on this machine: a head and N local workers, then stop them.",
        discussion:
            "The quickest way to try a job. Exits 0 when every tile finished, 1 when some failed (unless the config sets \"raise_on_failure\": false)."
    )

    @Argument(help: "The job file (eo-grow config language: JSON with comments, **imports, ${var:name}).") var job:
        String
    @Option(name: .customShort("v"), help: "Set a config variable: -v name:value (repeatable).") var variable:
        [String] = []
    @Option(
        name: .customShort("t"),
        help: "Run only this patch, by index in the grid (repeatable), as eo-grow's -t: sets test_subset.")
    var test: [Int] = []
    @Option(help: "Worker processes to start.") var workers = 2
    @Option(help: "Slots per worker.") var slots = 2
    @Option(help: "Directory for the journal and records (default: a new temporary one).") var stateDir: String?
    @Flag(help: "Do not take unstarted tiles back from busy workers for idle ones.") var noStealing = false
    @Option(help: "Tiles each worker slot holds in reserve.") var prefetch = 2
    @Option(
        help: """
            The Python with eo-grow, for pipelines grow runs through eo-grow (default: $GROW_EOGROW_PYTHON, \
            else the eo-grow venv of a development build, else python3).
            """)
    var python: String?

    func run() async throws {
        try await reportingUserErrors {
            guard workers >= 1, slots >= 1 else { throw UserError("--workers and --slots must be at least 1") }
            let jobs = try JobFile.load(job, variables: variable, testPatches: test)
            let eoGrow = EOGrowSteps(python: python, config: job, variables: variable, testPatches: test)
            try await eoGrow.check(jobs)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .warning
                return handler
            }
            let logger = Logger(label: "grow-head run")
            let state = stateDir ?? NSTemporaryDirectory() + "grow-run-\(ProcessInfo.processInfo.processIdentifier)"
            let secret = ClusterToken.generateSecret()
            var scheduler = SchedulerConfig()
            scheduler.stealing = !noStealing
            scheduler.prefetchPerSlot = prefetch
            scheduler.prefetchWindowMs = 50
            let config = HeadConfig(
                host: "127.0.0.1", port: 0, stateDirectory: state, token: try ClusterToken(secret: secret),
                scheduler: scheduler, finalizer: ExportMapsFinalization.step)
            let server = try HeadServer(config: config, logger: logger)
            let port = try await server.start()
            let children = try LocalWorkers.spawn(
                count: workers, slots: slots, port: port, secret: secret, workDirectory: state + "/work",
                prefetch: prefetch, python: python)
            defer { children.terminate() }
            // Every local worker joins before the first job: a short job could otherwise end
            // (and the head stop) while a worker is still starting, and it would never be told.
            try await children.waitUntilRegistered(port: port, secret: secret)
            var status: Int32 = 0
            for (position, next) in jobs.enumerated() {
                let step = jobs.count > 1 ? " [\(position + 1)/\(jobs.count)]" : ""
                if let pipeline = next.eoGrowPipeline {
                    print(
                        "pipeline \"\(next.name)\"\(step): eo-grow runs \(pipeline) here, its executions on \(workers) workers × \(slots) slots"
                    )
                    // The driver's grow-head submit finds the head's token in its environment.
                    status = try await eoGrow.run(
                        next, address: "127.0.0.1:\(port)", tokenFile: nil,
                        environment: [ClusterToken.environmentVariable: secret])
                    if status != 0 { break }
                    continue
                }
                // One request per connection: each job of a chain gets its own.
                let client = try await HeadClient.connect(
                    host: "127.0.0.1", port: port, token: ClusterToken(secret: secret))
                let accepted = try await UserError.wrap { () async throws -> JobAccepted in
                    try await client.submit(name: next.name, spec: next.spec)
                }
                print(
                    "job \(accepted.job) \"\(next.name)\"\(step): \(accepted.tileCount) tiles on \(workers) workers × \(slots) slots"
                )
                let watcher = try await HeadClient.connect(
                    host: "127.0.0.1", port: port, token: ClusterToken(secret: secret))
                let final = try await JobWatch.follow(accepted.job, with: watcher)
                // The next pipeline of a chain needs this one's outputs; with raise_on_failure
                // false it runs on the patches that did finish, as in eo-grow.
                if next.raiseOnFailure && final.failed + final.quarantined > 0 {
                    status = 1
                    break
                }
            }
            try await server.stop(stopWorkers: true)
            children.wait(seconds: 5)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Worker processes started next to an embedded head.
struct LocalWorkers {
    let processes: [Process]

    static func spawn(
        count: Int, slots: Int, port: Int, secret: String, workDirectory: String, prefetch: Int, python: String?
    ) throws -> LocalWorkers {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("grow-worker")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw UserError("cannot find grow-worker next to grow-head (\(executable.path))")
        }
        var environment = ProcessInfo.processInfo.environment
        environment[ClusterToken.environmentVariable] = secret
        let processes = try (0..<count).map { number -> Process in
            let process = Process()
            process.executableURL = executable
            process.arguments =
                [
                    "--address", "127.0.0.1:\(port)", "--slots", "\(slots)", "--prefetch", "\(prefetch)",
                    "--work-dir", workDirectory + "/worker-\(number)", "--worker-id", "local-\(number)",
                    "--log-level", "warning",
                ] + (python.map { ["--python", $0] } ?? [])
            process.environment = environment
            try process.run()
            return process
        }
        return LocalWorkers(processes: processes)
    }

    /// Waits until the head lists every worker; a worker process that exits first is an error.
    func waitUntilRegistered(port: Int, secret: String) async throws {
        while true {
            if let ended = processes.first(where: { !$0.isRunning }) {
                throw UserError("a local worker exited at start (status \(ended.terminationStatus))")
            }
            let client = try await HeadClient.connect(
                host: "127.0.0.1", port: port, token: ClusterToken(secret: secret))
            let joined = try await client.workers().filter { $0.state == .active }.count
            if joined >= processes.count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func wait(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while processes.contains(where: \.isRunning), Date() < deadline { usleep(20_000) }
    }

    func terminate() {
        for process in processes where process.isRunning { process.terminate() }
    }
}
