import Autoscaler
import TileScheduler

/// A simulated spot fleet under the autoscaler: one job, nodes launched and released by the
/// autoscaler, interruption notices, rebalance recommendations and losses without notice at
/// rates per instance-hour. Times are virtual milliseconds.
package struct SpotFleetConfig: Sendable {
    package var tiles = 1_000_000
    package var seed: UInt64 = 1
    package var durations = DurationModel.lognormal(medianMs: 30_000, sigma: 0.6)
    package var slotsPerNode = 4
    package var autoscaler = AutoscalerConfig(
        nodeTypes: [NodeTypeSpec(name: "spot", minWorkers: 0, maxWorkers: 1000, slots: 4, market: .spot)],
        idleTimeoutMs: 300_000)
    package var scheduler = SchedulerConfig()
    /// Spot interruption notices per instance-hour (each two minutes ahead of the end).
    package var noticesPerInstanceHour = 0.02
    /// Machines that vanish with no notice, per instance-hour.
    package var lossesPerInstanceHour = 0.002
    /// Share of notices a rebalance recommendation precedes, and how long before.
    package var rebalanceShare = 0.5
    package var rebalanceLeadMs: ClosedRange<UInt64> = 120_000...900_000
    /// From a notice to the machine's end (AWS: two minutes).
    package var noticeLeadMs: UInt64 = 120_000
    /// What the worker keeps of those for reporting: running tiles must end this long before.
    package var noticeMarginMs: UInt64 = 15_000
    /// From a launch call to its answer, and from the answer to the worker joining.
    package var launchLatencyMs: UInt64 = 1_000
    package var bootMs: ClosedRange<UInt64> = 45_000...120_000
    /// How often a worker polls the metadata service: a notice is seen up to this late.
    package var noticePollMs: UInt64 = 2_000
    /// One-way message delay between head and worker.
    package var latencyMs: UInt64 = 1
    package var tickIntervalMs: UInt64 = 500
    package var autoscaleIntervalMs: UInt64 = 1_000
    package var maxEvents = 400_000_000

    package init() {}
}

/// What a simulated spot fleet run gives.
package struct SpotFleetResult: Sendable {
    package var finished = false
    package var makespanMs: UInt64 = 0
    /// Tiles that never got a result, and tiles journaled more than once (both must be 0).
    package var tilesLost = 0
    package var tilesJournaledTwice = 0
    package var totalWorkMs: UInt64 = 0
    /// Run time cut off by interruptions (stopped at a drain deadline or killed with its machine).
    package var redoneWorkMs: UInt64 = 0
    /// Runs so cut off.
    package var runsCutOff = 0
    /// Run time of copies the scheduler cancelled (backup copies that lost the race).
    package var cancelledWorkMs: UInt64 = 0
    package var notices = 0
    package var rebalances = 0
    package var losses = 0
    /// Instance-milliseconds paid: from each launch's answer to the node's end.
    package var instanceMs: UInt64 = 0
    /// The never-interrupted bound: every slot of every paid instance busy with useful work.
    package var boundInstanceMs: UInt64 = 0
    package var peakNodes = 0
    package var autoscaler = AutoscalerCounters()
    package var scheduler = SchedulerCounters()
    /// Notice → the replacement's worker joined, per notice that got one (ms).
    package var noticeToReplacementMs: [UInt64] = []
    package var violations: [String] = []

    package var costRatio: Double { boundInstanceMs == 0 ? 0 : Double(instanceMs) / Double(boundInstanceMs) }
}
