/// Tile counts of one job.
public struct JobStatus: Sendable, Hashable {
    public var job: JobID
    public var tileCount: Int
    public var pending: Int
    /// On a worker's queue, not started.
    public var queued: Int
    public var running: Int
    public var done: Int
    public var failed: Int
    public var quarantined: Int
    public var cancelled: Int
    public var finished: Bool
}
