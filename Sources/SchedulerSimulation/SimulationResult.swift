import TileScheduler

/// Outcome of a simulated run.
package struct SimulationResult: Sendable {
    /// Virtual time at which the job finished (or the clock when the run stopped).
    package var makespanMs: UInt64 = 0
    /// max(total work / total slots, longest tile): no schedule can beat it.
    package var lowerBoundMs: UInt64 = 0
    package var totalWorkMs: UInt64 = 0
    package var longestTileMs: UInt64 = 0
    /// Scheduler events handled.
    package var decisions = 0
    package var done = 0
    package var failed = 0
    package var quarantined = 0
    package var finished = false
    package var counters = SchedulerCounters()
    /// Invariant violations seen (empty on a correct run); capped in length.
    package var violations: [String] = []

    /// makespan / lower bound.
    package var ratio: Double { lowerBoundMs == 0 ? 1 : Double(makespanMs) / Double(lowerBoundMs) }
}
