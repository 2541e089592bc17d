/// Running totals for status pages, benchmarks and the simulator.
package struct SchedulerCounters: Sendable, Hashable {
    /// Events handled (one per `handle` call): the "decisions" of a run.
    package var eventsHandled = 0
    /// Workers lost (heartbeat timeout or dropped connection), each counted once.
    package var workersLost = 0
    /// What happened to tiles, over all jobs. Its `workersLost` counts a lost worker once for
    /// every job it held tiles of.
    package var tiles = JobCounters()

    package init() {}
}
