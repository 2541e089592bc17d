/// Everything the head tells the autoscaler, each with the monotonic time it was observed at.
/// Workers are named by the id they registered with.
package enum AutoscalerEvent: Sendable, Equatable {
    /// Time passes: idle timeouts, boot and drain timeouts, listings, retries.
    case tick
    /// Tiles waiting (in the pool and in workers' queues) and running, over all jobs.
    case load(waiting: Int, running: Int)
    /// A worker registered; `node` is the provider's id of its machine (nil: not ours to manage).
    case workerJoined(worker: String, node: NodeID?, slots: Int)
    /// The worker started holding tiles (busy) or holds none any more.
    case workerBusy(worker: String, busy: Bool)
    /// The worker drains on its own: its machine goes away (a spot notice, SIGTERM).
    case workerDraining(worker: String, cause: DrainCause)
    /// The provider recommends moving off the worker's machine (EC2's rebalance recommendation).
    case rebalanceRecommended(worker: String)
    /// The worker's connection closed after it drained or was told to stop.
    case workerLeft(worker: String)
    /// The worker's connection broke, or it went silent past the heartbeat timeout.
    case workerLost(worker: String)
    /// The answer to `launch(request:…)`.
    case launched(request: UInt64, nodes: [ProviderNode])
    case launchFailed(request: UInt64, LaunchFailure)
    /// The answer to `setUp`.
    case setUpFinished(node: NodeID)
    case setUpFailed(node: NodeID, reason: String)
    /// The answer to `list`: the cluster's nodes as the provider sees them.
    case listed([ProviderNode])
    case listFailed(reason: String)
    /// The answer to `terminate` or `stop`.
    case released(node: NodeID)
    case releaseFailed(node: NodeID, reason: String)
}

/// Why a worker drains on its own.
package enum DrainCause: String, Sendable, Hashable {
    /// The provider takes the machine back (EC2's two-minute spot notice).
    case interruption
    /// Anything else (SIGTERM from an operator or the system).
    case shutdown
}
