/// Running totals for status pages, records and benchmarks.
public struct SchedulerCounters: Sendable, Hashable {
    /// Events handled (one per `handle` call): the "decisions" of a run.
    public var eventsHandled = 0
    /// Re-issues after a retryable failure.
    public var retries = 0
    /// Tiles sent back to the pool because their worker was lost, left or hit its drain deadline.
    public var reissuedAfterLoss = 0
    public var workersLost = 0
    /// Revokes sent to take work for an idle worker.
    public var steals = 0
    /// Tiles a victim confirmed and that moved to another worker or the pool.
    public var tilesStolen = 0
    public var backupsLaunched = 0
    /// Results for tiles already finished, dropped without a journal entry.
    public var duplicateResults = 0
    public var quarantined = 0

    public init() {}
}
