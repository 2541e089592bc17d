import TileScheduler

/// A simulated cluster: workers, tiles, failures. Times are virtual milliseconds.
package struct SimulatorConfig: Sendable {
    package var workers = 8
    package var slotsPerWorker = 1
    package var tiles = 1000
    package var seed: UInt64 = 1
    package var durations = DurationModel.pareto(alpha: 2.5, minimumMs: 1000)
    /// Explicit per-tile durations (in tile index order); overrides `durations`.
    package var tileDurationsMs: [UInt64]? = nil
    /// When set, tiles form a grid this wide and the pool follows its Hilbert order.
    package var gridWidth: Int? = nil
    package var scheduler = SchedulerConfig()
    /// One-way message delay between head and worker.
    package var latencyMs: UInt64 = 1
    package var heartbeatIntervalMs: UInt64 = 1000
    package var tickIntervalMs: UInt64 = 500
    /// Random worker losses spread over `lossWindowMs` (default: the ideal makespan).
    package var workerLosses = 0
    package var lossWindowMs: UInt64? = nil
    /// Share of losses that are network partitions (the worker keeps running, goes silent and
    /// later reconnects with its running tiles) rather than crashes (connection reset, all lost).
    package var partitionFraction = 0.5
    /// Lost workers come back after a random delay in [rejoinDelayMs / 4, 2 * rejoinDelayMs].
    package var rejoinDelayMs: UInt64 = 10_000
    /// Chance that a run fails, and the share of those failures that are not retryable.
    package var failureProbability = 0.0
    package var nonRetryableFraction = 0.0
    /// Tiles that crash whichever worker runs them.
    package var poisonTiles = 0
    /// Safety stop for the event loop.
    package var maxEvents = 200_000_000
    /// Run `Scheduler.checkConsistency()` every this many events (0 = only at the end).
    package var consistencyCheckEvery = 0

    package init() {}
}
