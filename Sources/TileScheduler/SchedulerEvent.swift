/// Everything the shell tells the scheduler. Each event is handled with the monotonic time at which
/// the shell observed it (`Scheduler.handle(_:now:)`).
package enum SchedulerEvent: Sendable {
    /// A job with `tileCount` tiles. `order` lists tile indices along the space-filling curve
    /// (nil = index order; bad or missing indices are tolerated). `alreadyFinished` comes from the
    /// journal after a head restart: those tiles count as done and are never assigned.
    /// `maxAttempts` is the job's own limit (its spec's `max_attempts`; nil: the config's).
    case jobSubmitted(
        job: JobID, tileCount: Int, order: [UInt32]?, alreadyFinished: [UInt32], maxAttempts: Int? = nil)
    /// Drop the job's pending tiles, cancel its tiles on workers, finish the job.
    case jobCancelled(job: JobID)
    /// A worker registered with `slots` execution slots. `running` is what a reconnecting worker
    /// still executes; the scheduler keeps what it can and cancels the rest.
    case workerJoined(worker: WorkerID, slots: Int, running: [TileAttempt])
    /// Graceful goodbye: its tiles go back to the pool without counting against them.
    case workerLeft(worker: WorkerID)
    /// The shell saw the connection drop: running tiles count a loss (poison detection).
    case workerLost(worker: WorkerID)
    /// Refreshes liveness (so does any other event from the worker).
    case heartbeat(worker: WorkerID)
    /// The worker has room: the scheduler tops its queue up (or steals / starts a backup copy).
    case tilesRequested(worker: WorkerID, freeSlots: Int)
    /// The worker began executing these tiles.
    case tilesStarted(worker: WorkerID, tiles: [TileAttempt])
    case tilesDone(worker: WorkerID, results: [TileCompletion])
    case tilesFailed(worker: WorkerID, failures: [TileFailure])
    /// Answer to a `revoke`: the subset the worker really gave back (it had not started them).
    case revokeAcked(worker: WorkerID, job: JobID, indices: [UInt32])
    /// The worker's machine goes away at `deadlineMs` (spot interruption).
    case drain(worker: WorkerID, deadlineMs: UInt64)
    /// Time passes: heartbeat timeouts and drain deadlines are checked here.
    case tick
}
