import TileScheduler
import XCTest

/// A scheduler with a clock, and shortcuts for the events tests send most.
struct Harness {
    var scheduler: Scheduler
    var now: UInt64 = 0

    init(_ config: SchedulerConfig = SchedulerConfig()) {
        scheduler = Scheduler(config: config)
    }

    @discardableResult
    mutating func send(_ event: SchedulerEvent) -> [SchedulerDirective] {
        scheduler.handle(event, now: now)
    }

    @discardableResult
    mutating func submit(_ job: JobID, tiles: Int, order: [UInt32]? = nil, finished: [UInt32] = [])
        -> [SchedulerDirective]
    {
        send(.jobSubmitted(job: job, tileCount: tiles, order: order, alreadyFinished: finished))
    }

    @discardableResult
    mutating func join(_ worker: WorkerID, slots: Int, running: [TileAttempt] = [])
        -> [SchedulerDirective]
    {
        send(.workerJoined(worker: worker, slots: slots, running: running))
    }

    /// Requests tiles and returns what was assigned to that worker.
    @discardableResult
    mutating func request(_ worker: WorkerID, free: Int? = nil) -> [SchedulerDirective] {
        let slots = scheduler.workerStatus(worker)?.slots ?? 0
        return send(.tilesRequested(worker: worker, freeSlots: free ?? slots))
    }

    @discardableResult
    mutating func start(_ worker: WorkerID, _ tiles: [TileRef]) -> [SchedulerDirective] {
        send(
            .tilesStarted(
                worker: worker,
                tiles: tiles.map { TileAttempt($0, attempt: scheduler.attempt(of: $0) ?? 1) }))
    }

    @discardableResult
    mutating func done(
        _ worker: WorkerID, _ tiles: [TileRef], durationMs: UInt64 = 100, attempt: UInt32 = 1
    ) -> [SchedulerDirective] {
        send(
            .tilesDone(
                worker: worker,
                results: tiles.map { TileCompletion($0, attempt: attempt, durationMicros: durationMs * 1000) }))
    }

    @discardableResult
    mutating func fail(
        _ worker: WorkerID, _ tile: TileRef, retryable: Bool = true, error: String = "boom"
    ) -> [SchedulerDirective] {
        send(
            .tilesFailed(
                worker: worker,
                failures: [
                    TileFailure(
                        tile, attempt: scheduler.attempt(of: tile) ?? 1, error: error, retryable: retryable)
                ]))
    }

    func queued(_ worker: WorkerID) -> [TileRef] { scheduler.queuedTiles(on: worker) }
    func running(_ worker: WorkerID) -> [TileRef] { scheduler.runningTiles(on: worker) }

    func assertConsistent(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(scheduler.checkConsistency(), [], file: file, line: line)
    }
}

func tile(_ job: JobID, _ index: UInt32) -> TileRef { TileRef(job: job, index: index) }

extension Array where Element == SchedulerDirective {
    /// Every assigned tile, in order, with its worker.
    var assigned: [(worker: WorkerID, tile: TileRef, attempt: UInt32)] {
        flatMap { directive -> [(worker: WorkerID, tile: TileRef, attempt: UInt32)] in
            guard case .assign(let worker, let job, let tiles) = directive else { return [] }
            return tiles.map { (worker, TileRef(job: job, index: $0.index), $0.attempt) }
        }
    }

    func assignedTiles(to worker: WorkerID) -> [TileRef] {
        assigned.filter { $0.worker == worker }.map(\.tile)
    }

    var assignBatchSizes: [Int] {
        compactMap { if case .assign(_, _, let tiles) = $0 { return tiles.count } else { return nil } }
    }

    var revokes: [(worker: WorkerID, job: JobID, indices: [UInt32])] {
        compactMap {
            if case .revoke(let w, let j, let i) = $0 { return (w, j, i) } else { return nil }
        }
    }

    var cancels: [(worker: WorkerID, tile: TileRef)] {
        flatMap { directive -> [(worker: WorkerID, tile: TileRef)] in
            guard case .cancel(let worker, let job, let indices) = directive else { return [] }
            return indices.map { (worker, TileRef(job: job, index: $0)) }
        }
    }

    var persisted: [JournalEntry] {
        compactMap { if case .persist(let e) = $0 { return e } else { return nil } }
    }

    var finishedJobs: [JobID] {
        compactMap { if case .jobFinished(let j) = $0 { return j } else { return nil } }
    }

    var markedLost: [WorkerID] {
        compactMap { if case .markLost(let w) = $0 { return w } else { return nil } }
    }
}
