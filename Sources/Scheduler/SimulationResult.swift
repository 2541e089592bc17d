/// Outcome of a simulated run.
public struct SimulationResult: Sendable {
    /// Virtual time at which the job finished (or the clock when the run stopped).
    public var makespanMs: UInt64 = 0
    /// max(total work / total slots, longest tile): no schedule can beat it.
    public var lowerBoundMs: UInt64 = 0
    public var totalWorkMs: UInt64 = 0
    public var longestTileMs: UInt64 = 0
    /// Scheduler events handled.
    public var decisions = 0
    public var done = 0
    public var failed = 0
    public var quarantined = 0
    public var finished = false
    public var counters = SchedulerCounters()
    /// Invariant violations seen (empty on a correct run); capped in length.
    public var violations: [String] = []

    /// makespan / lower bound.
    public var ratio: Double { lowerBoundMs == 0 ? 1 : Double(makespanMs) / Double(lowerBoundMs) }
}
