/// Tile counts of one job.
package struct JobStatus: Sendable, Hashable {
    package var job: JobID
    package var tileCount: Int
    package var pending: Int
    /// On a worker's queue, not started.
    package var queued: Int
    package var running: Int
    package var done: Int
    package var failed: Int
    package var quarantined: Int
    package var cancelled: Int
    package var finished: Bool
}
