/// Tunables of the scheduler. Defaults suit EO tiles of seconds to minutes each.
package struct SchedulerConfig: Sendable, Hashable {
    /// A worker holds up to `slots * (1 + prefetchPerSlot)` tiles (running + queued), so each slot
    /// has `prefetchPerSlot` tiles waiting and never waits for the head between tiles.
    package var prefetchPerSlot: Int = 2
    /// When above 0, a worker's queue also holds about this much work per slot at the median tile
    /// time (at most `maxPrefetchPerSlot` tiles a slot): short tiles then travel in large batches
    /// instead of waiting on round trips, while long tiles keep small queues for stealing.
    package var prefetchWindowMs: UInt64 = 0
    package var maxPrefetchPerSlot: Int = 64
    /// A tile is run at most this many times when its runs fail (retryable errors); then it is
    /// failed. Re-runs caused by lost workers do not count here (see `quarantineAfterLosses`).
    package var maxAttempts: Int = 3
    /// A worker silent for longer than this (no event of any kind) is marked lost on `tick`.
    package var heartbeatTimeoutMs: UInt64 = 5000
    /// Take unstarted tiles back from the most loaded worker when the pool is dry.
    package var stealing: Bool = true
    /// At the tail, let idle slots run a second copy of the longest-running tile.
    package var backupCopies: Bool = true
    /// A backup copy starts only for a tile running longer than
    /// `max(backupMinRunMs, backupMedianFactor * median completed duration)`.
    package var backupMedianFactor: Double = 2.0
    /// Absolute floor for the backup threshold. With 0, no backup starts before some tile has finished
    /// (there is no median to compare with yet).
    package var backupMinRunMs: UInt64 = 0
    /// A tile that was running on this many lost workers is quarantined as poison.
    package var quarantineAfterLosses: Int = 3
    /// Most tiles in one `assign` directive.
    package var maxBatch: Int = 256
    /// Upper bound accepted for a worker's slot count (input from the network).
    package var maxSlotsPerWorker: Int = 4096

    package init(
        prefetchPerSlot: Int = 2, prefetchWindowMs: UInt64 = 0, maxPrefetchPerSlot: Int = 64, maxAttempts: Int = 3,
        heartbeatTimeoutMs: UInt64 = 5000,
        stealing: Bool = true, backupCopies: Bool = true, backupMedianFactor: Double = 2.0,
        backupMinRunMs: UInt64 = 0, quarantineAfterLosses: Int = 3, maxBatch: Int = 256,
        maxSlotsPerWorker: Int = 4096
    ) {
        self.prefetchPerSlot = prefetchPerSlot
        self.prefetchWindowMs = prefetchWindowMs
        self.maxPrefetchPerSlot = maxPrefetchPerSlot
        self.maxAttempts = maxAttempts
        self.heartbeatTimeoutMs = heartbeatTimeoutMs
        self.stealing = stealing
        self.backupCopies = backupCopies
        self.backupMedianFactor = backupMedianFactor
        self.backupMinRunMs = backupMinRunMs
        self.quarantineAfterLosses = quarantineAfterLosses
        self.maxBatch = maxBatch
        self.maxSlotsPerWorker = maxSlotsPerWorker
    }

    /// How many tiles a worker with `slots` slots should hold.
    package func queueTarget(slots: Int) -> Int {
        let prefetch = max(0, min(prefetchPerSlot, 1 << 16))
        return slots * (1 + prefetch)
    }
}
