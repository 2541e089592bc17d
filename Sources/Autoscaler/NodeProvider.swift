/// A machine's id at its provider (an EC2 instance id, or a test double's name).
package typealias NodeID = String

/// Where the autoscaler's nodes come from: EC2, or a test double that starts local processes.
/// The head calls it from a thread pool of its own, never from its event loop, so a call may block
/// (an HTTP request, a retry). Nodes are found by the provider's own tags (this cluster, worker
/// nodes), never by a list the head keeps, so a restarted head adopts what is running.
package protocol NodeProvider: Sendable {
    /// Starts up to `count` worker nodes of `nodeType` (a provider may restart stopped nodes of
    /// the type instead of creating new ones) and returns those it started, possibly fewer.
    /// Throws a `LaunchFailure` to say why none could start; any other error counts as `.other`.
    func launch(nodeType: String, count: Int) throws -> [ProviderNode]
    /// Ends the node for good. A node that is already gone is not an error.
    func terminate(_ node: NodeID) throws
    /// Stops the node so a later `launch` of its type can start it again (`cache_stopped_nodes`).
    func stop(_ node: NodeID) throws
    /// This cluster's worker nodes that are not terminated, with their state.
    func list() throws -> [ProviderNode]
}

/// Brings a launched node to the point where its worker starts (SSH set-up, for providers whose
/// nodes do not start their worker themselves). Optional: without one, nodes are expected to
/// start `grow-worker` on their own (user data, an image).
package protocol NodeSetup: Sendable {
    func setUp(_ node: ProviderNode) throws
}

/// A node as its provider describes it.
package struct ProviderNode: Sendable, Hashable {
    package enum State: String, Sendable, Hashable {
        case pending, running, stopping, stopped, terminated
    }

    package var id: NodeID
    package var nodeType: String
    package var state: State
    package var market: NodeMarket
    package var privateIP: String?
    package var publicIP: String?
    /// Where it runs (an availability zone), for status.
    package var zone: String?

    package init(
        id: NodeID, nodeType: String, state: State = .running, market: NodeMarket = .spot, privateIP: String? = nil,
        publicIP: String? = nil, zone: String? = nil
    ) {
        self.id = id
        self.nodeType = nodeType
        self.state = state
        self.market = market
        self.privateIP = privateIP
        self.publicIP = publicIP
        self.zone = zone
    }

    /// Pending or running: a node that costs money and may run a worker.
    package var isAlive: Bool { state == .pending || state == .running }
}

/// How a node is bought.
package enum NodeMarket: String, Sendable, Hashable {
    case spot
    case onDemand = "on-demand"
}
