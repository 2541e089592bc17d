/// Everything the scheduler asks the shell to do.
package enum SchedulerDirective: Hashable, Sendable {
    /// Send these tiles to the worker's queue. May come unasked when work appears for a worker
    /// whose earlier request was not filled.
    case assign(worker: WorkerID, job: JobID, tiles: [TileAssignment])
    /// Ask the worker to give back these unstarted tiles; it answers with `revokeAcked`.
    case revoke(worker: WorkerID, job: JobID, indices: [UInt32])
    /// Stop (or drop from the queue) these tiles: a losing copy, a cancelled job, a stale claim.
    case cancel(worker: WorkerID, job: JobID, indices: [UInt32])
    /// Heartbeat timeout: the shell closes the worker's connection. Its tiles are already back
    /// in the pool; a later `workerLost` for it is ignored.
    case markLost(worker: WorkerID)
    /// Append to the journal.
    case persist(JournalEntry)
    /// Every tile of the job is done, failed, quarantined or cancelled. Emitted once per job.
    case jobFinished(job: JobID)
}
