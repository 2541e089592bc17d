/// One kind of worker node the autoscaler may launch (an entry of `available_node_types`).
package struct NodeTypeSpec: Sendable, Hashable {
    package var name: String
    package var minWorkers: Int
    package var maxWorkers: Int
    /// Tiles a node of the type runs at once, until a worker of the type registers its own slots.
    package var slots: Int
    package var market: NodeMarket

    package init(name: String, minWorkers: Int = 0, maxWorkers: Int, slots: Int, market: NodeMarket = .spot) {
        self.name = name
        self.minWorkers = minWorkers
        self.maxWorkers = maxWorkers
        self.slots = slots
        self.market = market
    }
}

/// How the autoscaler sizes the cluster. Times are milliseconds of the monotonic clock the shell
/// hands `Autoscaler.handle`. Defaults follow Ray's where Ray has the setting.
package struct AutoscalerConfig: Sendable, Hashable {
    /// Worker node types in the order they are tried (the file's order).
    package var nodeTypes: [NodeTypeSpec]
    /// Worker nodes at most, all types together (Ray's top-level `max_workers`).
    package var maxWorkers: Int
    /// Nodes launched but not yet up may number `upscalingSpeed` × the nodes up, and at least
    /// `minimumPendingLaunches` (Ray's meaning and its floor of 5).
    package var upscalingSpeed: Double
    package var minimumPendingLaunches: Int
    /// A worker with nothing to run for this long is drained and its node released.
    package var idleTimeoutMs: UInt64
    /// Release on-demand nodes by stopping them (a later launch restarts them) instead of
    /// terminating; spot nodes are always terminated.
    package var cacheStoppedNodes: Bool
    /// A rebalance recommendation launches a replacement before the interruption notice.
    package var replaceOnRebalance: Bool
    /// A launched node whose worker has not joined by then failed its set-up: it is terminated.
    package var bootTimeoutMs: UInt64
    /// A worker told to stop that has not gone by then: its node is released anyway.
    package var drainTimeoutMs: UInt64
    /// A worker whose connection was lost may come back this long (a partition) before its node
    /// is terminated; its replacement is launched at once all the same.
    package var lostGraceMs: UInt64
    /// How often the provider is asked for the cluster's nodes (disappeared and unknown ones).
    package var listIntervalMs: UInt64
    /// A node younger than this that the provider does not list yet is not taken for gone
    /// (EC2's listings lag its launches).
    package var listGraceMs: UInt64
    /// A node type whose launch failed is not tried again for this long.
    package var typeCooldownMs: UInt64
    /// After a throttled launch, launches wait this long, doubling up to `maxThrottleBackoffMs`.
    package var throttleBackoffMs: UInt64
    package var maxThrottleBackoffMs: UInt64
    /// A failed terminate or stop is tried again after this long.
    package var releaseRetryMs: UInt64
    /// Ask the shell to set up each launched node (`NodeSetup`); off when nodes start their
    /// worker themselves.
    package var setsUpNodes: Bool

    package init(
        nodeTypes: [NodeTypeSpec], maxWorkers: Int? = nil, upscalingSpeed: Double = 1, minimumPendingLaunches: Int = 5,
        idleTimeoutMs: UInt64 = 300_000, cacheStoppedNodes: Bool = true, replaceOnRebalance: Bool = true,
        bootTimeoutMs: UInt64 = 600_000, drainTimeoutMs: UInt64 = 120_000, lostGraceMs: UInt64 = 60_000,
        listIntervalMs: UInt64 = 30_000, listGraceMs: UInt64 = 60_000, typeCooldownMs: UInt64 = 300_000,
        throttleBackoffMs: UInt64 = 1000, maxThrottleBackoffMs: UInt64 = 60_000, releaseRetryMs: UInt64 = 30_000,
        setsUpNodes: Bool = false
    ) {
        self.nodeTypes = nodeTypes
        self.maxWorkers = maxWorkers ?? nodeTypes.reduce(0) { $0 + $1.maxWorkers }
        self.upscalingSpeed = upscalingSpeed
        self.minimumPendingLaunches = minimumPendingLaunches
        self.idleTimeoutMs = idleTimeoutMs
        self.cacheStoppedNodes = cacheStoppedNodes
        self.replaceOnRebalance = replaceOnRebalance
        self.bootTimeoutMs = bootTimeoutMs
        self.drainTimeoutMs = drainTimeoutMs
        self.lostGraceMs = lostGraceMs
        self.listIntervalMs = listIntervalMs
        self.listGraceMs = listGraceMs
        self.typeCooldownMs = typeCooldownMs
        self.throttleBackoffMs = throttleBackoffMs
        self.maxThrottleBackoffMs = maxThrottleBackoffMs
        self.releaseRetryMs = releaseRetryMs
        self.setsUpNodes = setsUpNodes
    }

    package func nodeType(_ name: String?) -> NodeTypeSpec? {
        name.flatMap { name in nodeTypes.first { $0.name == name } }
    }
}
