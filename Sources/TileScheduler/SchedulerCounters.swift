/// Running totals for status pages, records and benchmarks.
package struct SchedulerCounters: Sendable, Hashable {
    /// Events handled (one per `handle` call): the "decisions" of a run.
    package var eventsHandled = 0
    /// Re-issues after a retryable failure.
    package var retries = 0
    /// Tiles sent back to the pool because their worker was lost, left or hit its drain deadline.
    package var reissuedAfterLoss = 0
    package var workersLost = 0
    /// Revokes sent to take work for an idle worker.
    package var steals = 0
    /// Tiles a victim confirmed and that moved to another worker or the pool.
    package var tilesStolen = 0
    package var backupsLaunched = 0
    /// Results for tiles already finished, dropped without a journal entry.
    package var duplicateResults = 0
    package var quarantined = 0

    package init() {}
}
