/// What the autoscaler did so far, for status, logs and the benchmark.
package struct AutoscalerCounters: Sendable, Hashable {
    /// Nodes the provider started.
    package var launched = 0
    /// Launch calls that started nothing.
    package var launchFailures = 0
    /// Nodes whose set-up failed or whose worker never joined: terminated.
    package var setupFailures = 0
    /// Spot notices (and other drains a worker starts itself).
    package var interruptions = 0
    /// Nodes launched by a notice or a rebalance recommendation itself, before the machine went:
    /// replacements at the notice.
    package var launchedAtNotice = 0
    package var rebalanceRecommendations = 0
    /// Nodes whose worker was lost (connection or heartbeats) and did not come back.
    package var nodesLost = 0
    /// Nodes the provider stopped listing while they were up or booting.
    package var nodesDisappeared = 0
    /// Idle workers drained to scale down.
    package var idleDrains = 0
    package var terminated = 0
    package var stopped = 0

    package init() {}
}
