/// What happened to one job's tiles beyond their outcomes, for its report: re-runs, losses,
/// steals, backups and dropped duplicates. A restarted head adds what it counts to what the
/// journal kept, so the report covers the whole job.
package struct JobCounters: Sendable, Hashable {
    /// Re-issues after a retryable failure.
    package var retries = 0
    /// Tiles sent back to the pool because their worker was lost, left or hit its drain deadline.
    package var reissuedAfterLoss = 0
    /// Workers lost while they held tiles of this job.
    package var workersLost = 0
    /// Revokes sent to take this job's tiles for an idle worker.
    package var steals = 0
    /// Tiles a victim gave back that moved to another worker or the pool.
    package var tilesStolen = 0
    package var backupsLaunched = 0
    /// Results for tiles already finished, dropped.
    package var duplicateResults = 0
    package var quarantined = 0

    package init(
        retries: Int = 0, reissuedAfterLoss: Int = 0, workersLost: Int = 0, steals: Int = 0, tilesStolen: Int = 0,
        backupsLaunched: Int = 0, duplicateResults: Int = 0, quarantined: Int = 0
    ) {
        self.retries = retries
        self.reissuedAfterLoss = reissuedAfterLoss
        self.workersLost = workersLost
        self.steals = steals
        self.tilesStolen = tilesStolen
        self.backupsLaunched = backupsLaunched
        self.duplicateResults = duplicateResults
        self.quarantined = quarantined
    }

    package static func + (lhs: JobCounters, rhs: JobCounters) -> JobCounters {
        JobCounters(
            retries: lhs.retries + rhs.retries, reissuedAfterLoss: lhs.reissuedAfterLoss + rhs.reissuedAfterLoss,
            workersLost: lhs.workersLost + rhs.workersLost, steals: lhs.steals + rhs.steals,
            tilesStolen: lhs.tilesStolen + rhs.tilesStolen, backupsLaunched: lhs.backupsLaunched + rhs.backupsLaunched,
            duplicateResults: lhs.duplicateResults + rhs.duplicateResults,
            quarantined: lhs.quarantined + rhs.quarantined)
    }
}
