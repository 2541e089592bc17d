import AWSCore
import Autoscaler
import Foundation
import Launcher
import Synchronization

/// The EC2 node provider behind the head's autoscaler (`NodeProvider`): worker nodes launched
/// where the launch planner finds capacity among the type's zones, restarted from stopped ones
/// first with `cache_stopped_nodes`, and found, stopped and terminated by their tags only. The
/// planner tries only the type asked for: falling back to the next type is the autoscaler's
/// decision, as it knows each type's `max_workers`. Blocking: the head calls it off its loop.
package final class EC2AutoscalingProvider: NodeProvider {
    let ec2: EC2NodeProvider
    let network: EC2NodeProvider.Network
    /// Launches go one at a time through the planner (it keeps which subnets refused lately).
    private let planner: Mutex<EC2LaunchPlanner>

    /// `network`: what `EC2NodeProvider.bootstrap` found or made.
    package init(provider: EC2NodeProvider, network: EC2NodeProvider.Network) {
        ec2 = provider
        self.network = network
        planner = Mutex(EC2LaunchPlanner(typeOrder: provider.workerTypes.map(\.name), subnets: network.subnets))
    }

    package func launch(nodeType: String, count: Int) throws -> [ProviderNode] {
        var nodes: [ProviderNode] = []
        do throws(LaunchError) {
            if ec2.aws.cacheStoppedNodes {
                let stopped = try ec2.instances(kind: .worker)
                    .filter { $0.state == "stopped" && $0.tags[EC2NodeTags.type] == nodeType }.prefix(count)
                if !stopped.isEmpty {
                    try ec2.start(stopped.map(\.id))
                    nodes += stopped.map {
                        var instance = $0
                        instance.state = "pending"
                        return node(instance)
                    }
                }
            }
            let missing = count - nodes.count
            if missing > 0 {
                let launched = try planner.withLock { planner throws(LaunchError) in
                    try ec2.launch(
                        typeName: nodeType, kind: .worker, count: missing, network: network, planner: &planner,
                        allowed: { $0 == nodeType })
                }
                nodes += launched.map(node)
            }
        } catch {
            // Capacity in no zone, a quota, or an error: the autoscaler sets the type aside and
            // tries the next one either way; the line says which it was.
            guard nodes.isEmpty else { return nodes }
            throw LaunchFailure(.other, error.description)
        }
        return nodes
    }

    package func terminate(_ node: NodeID) throws {
        try ec2.terminate([node])
    }

    package func stop(_ node: NodeID) throws {
        try ec2.stop([node])
    }

    package func list() throws -> [ProviderNode] {
        try ec2.instances(kind: .worker).map(node)
    }

    /// An instance as the autoscaler sees it.
    func node(_ instance: EC2Instance) -> ProviderNode {
        let state: ProviderNode.State =
            switch instance.state {
            case "pending": .pending
            case "running": .running
            case "stopping": .stopping
            case "stopped": .stopped
            default: .terminated
            }
        return ProviderNode(
            id: instance.id, nodeType: instance.tags[EC2NodeTags.type] ?? instance.type, state: state,
            market: instance.isSpot ? .spot : .onDemand, privateIP: instance.privateIP, publicIP: instance.publicIP,
            zone: instance.zone)
    }
}
