import Exec
import GrowBase
import GrowJob
import Logging
import Synchronization
import Wire
import WorkerRuntime

/// One worker under test: its connector (the test plays the head), its tile runner (the test
/// finishes tiles), its log, and its `run` in a task.
final class WorkerHarness: Sendable {
    static let workDirectory = "/tmp/grow-worker-runtime-tests"

    let connector = TestConnector()
    let runner = ControlledRunner()
    let logs = LogCapture()
    let config: WorkerConfig
    let worker: Worker
    /// `Clock.unixMs()` just before and after the worker was made: its incarnation is between.
    let madeBetween: ClosedRange<UInt64>
    private let result = Mutex<Worker.Ending?>(nil)

    static let token = "worker runtime tests"

    init(
        slots: Int = 1, prefetch: Int = 2, drainGraceMs: UInt64 = 60_000, nodeID: String = "",
        tokenFile: String? = nil
    ) throws {
        config = WorkerConfig(
            host: "head.test", port: 6379, token: try ClusterToken(secret: Self.token), slots: slots,
            workDirectory: Self.workDirectory, workerID: "worker-under-test", prefetchPerSlot: prefetch,
            reconnectInitialMs: 10, reconnectMaxMs: 50, drainGraceMs: drainGraceMs, redeliveryWindowMs: 60_000,
            nodeID: nodeID, tokenFile: tokenFile)
        let before = Clock.unixMs()
        worker = Worker(config: config, runner: runner, logger: logs.logger, connector: connector)
        madeBetween = before...Clock.unixMs()
        Task {
            let ending = await self.worker.run()
            self.result.withLock { $0 = ending }
        }
    }

    /// What `run` returned, or nil while it runs.
    var ended: Worker.Ending? { result.withLock { $0 } }

    func ending() async throws -> Worker.Ending {
        try await eventually("the worker to end") { ended }
    }

    /// Waits until the worker's state is `expected` (it changes on the worker's own time).
    func waitFor(_ expected: Worker.Snapshot) async throws {
        _ = try await eventually("the worker to reach \(expected)") { () -> Bool? in
            await worker.snapshot == expected ? true : nil
        }
    }

    /// Accepts the worker's next connection and reads its first two writes: RegisterWorker
    /// (returned) and the first RequestTiles, which must ask for slots × (1 + prefetch).
    func connect(heartbeatIntervalMs: UInt32 = 60_000) async throws -> (head: HeadEnd, register: RegisterWorker) {
        let head = try await connector.accept(heartbeatIntervalMs: heartbeatIntervalMs)
        let register = try await head.nextWrite("RegisterWorker")
        guard register.count == 1, case .registerWorker(let registration) = register[0] else {
            throw Unexpected(message: register[0], while: "waiting for RegisterWorker alone")
        }
        let request = try await head.nextWrite("the first RequestTiles")
        let wanted = Message.requestTiles(RequestTiles(count: UInt32(config.slots * (1 + config.prefetchPerSlot))))
        guard request == [wanted] else {
            throw Unexpected(message: request[0], while: "waiting for \(wanted) alone")
        }
        // Tiles assigned from here on go straight to the idle slots.
        try await waitFor(.init(connected: true, running: 0, queued: 0, idleSlots: config.slots))
        return (head, registration)
    }

    /// A definition for `job` that every tile test uses: `tiles` noop tiles.
    static func definition(job: UInt32 = 1, tiles: Int = 10) -> Message {
        .jobDefinition(
            JobDefinition(
                job: job, name: "job-\(job)", spec: #"{"name": "job-\#(job)", "pipeline": "noop", "tiles": \#(tiles)}"#)
        )
    }

    static func assign(job: UInt32 = 1, _ tiles: [(index: UInt32, attempt: UInt32)]) -> Message {
        .assign(TileBatch(job: job, tiles: tiles.map { TileAssignment(index: $0.index, attempt: $0.attempt) }))
    }

    /// What the runner is handed for a tile of `definition(job:tiles:)`.
    static func context(job: UInt32 = 1, tiles: Int = 10, _ index: UInt32, attempt: UInt32 = 1) throws -> TileContext {
        let spec = try JobSpec.parse(
            json: #"{"name": "job-\#(job)", "pipeline": "noop", "tiles": \#(tiles)}"#, source: "test")
        return TileContext(
            job: job, index: index, attempt: attempt, name: spec.tiles.name(of: index),
            workDir: workDirectory + "/job-\(job)")
    }

    /// Ends a worker the test has no more use for: the head's immediate Shutdown.
    func stop(through head: HeadEnd) async throws {
        try await head.send(.shutdown(Shutdown(reason: "test over", graceful: false)))
        _ = try await ending()
    }
}

extension Wire.TileAssignment {
    init(_ index: UInt32, attempt: UInt32 = 1) {
        self.init(index: index, attempt: attempt)
    }
}
