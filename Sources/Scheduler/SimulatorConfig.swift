/// A simulated cluster: workers, tiles, failures. Times are virtual milliseconds.
public struct SimulatorConfig: Sendable {
    public var workers = 8
    public var slotsPerWorker = 1
    public var tiles = 1000
    public var seed: UInt64 = 1
    public var durations = DurationModel.pareto(alpha: 2.5, minimumMs: 1000)
    /// Explicit per-tile durations (in tile index order); overrides `durations`.
    public var tileDurationsMs: [UInt64]? = nil
    /// When set, tiles form a grid this wide and the pool follows its Hilbert order.
    public var gridWidth: Int? = nil
    public var scheduler = SchedulerConfig()
    /// One-way message delay between head and worker.
    public var latencyMs: UInt64 = 1
    public var heartbeatIntervalMs: UInt64 = 1000
    public var tickIntervalMs: UInt64 = 500
    /// Random worker losses spread over `lossWindowMs` (default: the ideal makespan).
    public var workerLosses = 0
    public var lossWindowMs: UInt64? = nil
    /// Share of losses that are network partitions (the worker keeps running, goes silent and
    /// later reconnects with its running tiles) rather than crashes (connection reset, all lost).
    public var partitionFraction = 0.5
    /// Lost workers come back after a random delay in [rejoinDelayMs / 4, 2 * rejoinDelayMs].
    public var rejoinDelayMs: UInt64 = 10_000
    /// Chance that a run fails, and the share of those failures that are not retryable.
    public var failureProbability = 0.0
    public var nonRetryableFraction = 0.0
    /// Tiles that crash whichever worker runs them.
    public var poisonTiles = 0
    /// Safety stop for the event loop.
    public var maxEvents = 200_000_000
    /// Run `Scheduler.checkConsistency()` every this many events (0 = only at the end).
    public var consistencyCheckEvery = 0

    public init() {}
}
