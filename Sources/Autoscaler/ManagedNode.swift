/// A node the autoscaler manages, from its launch to its release.
struct ManagedNode: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        /// Launched; its worker has not joined yet.
        case booting
        /// Its worker runs.
        case up
        /// Its worker was lost at the given time; it may come back within the grace.
        case lost(since: UInt64)
        /// Told to stop because it was idle.
        case drainingIdle(since: UInt64)
        /// Its worker drains on its own: the machine goes away.
        case interrupted
        /// A terminate (or stop) was asked for; `retryAt` when the last one failed.
        case releasing(stop: Bool, retryAt: UInt64?)
    }

    let id: NodeID
    /// Nil for a node first seen through its worker, until the provider lists it.
    var nodeType: String?
    var phase: Phase
    /// When the autoscaler first knew of it (launch answer, listing or worker).
    var knownSince: UInt64
    var worker: String?
    var busy = false
    var idleSince: UInt64
    /// A rebalance recommendation was received: it is likely to be interrupted.
    var atRisk = false
    /// The provider listed it at least once.
    var listed = false
    var market: NodeMarket?

    init(id: NodeID, nodeType: String?, phase: Phase, now: UInt64, market: NodeMarket? = nil) {
        self.id = id
        self.nodeType = nodeType
        self.phase = phase
        self.knownSince = now
        self.idleSince = now
        self.market = market
    }

    /// Will run tiles (booting or up) and is not expected to go: what demand is measured against.
    func providesCapacity(replacingAtRisk: Bool) -> Bool {
        switch phase {
        case .booting, .up: return !(atRisk && replacingAtRisk)
        default: return false
        }
    }

    /// Counts toward `max_workers` and the types' limits. Nodes on their way out (and lost ones,
    /// likely dead) do not, so their replacements start even at the limit.
    var isCounted: Bool {
        switch phase {
        case .booting, .up: return true
        case .lost, .drainingIdle, .interrupted, .releasing: return false
        }
    }

    var isReleasing: Bool {
        if case .releasing = phase { return true }
        return false
    }
}
