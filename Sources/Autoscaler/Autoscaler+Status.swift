/// Read-only views for status lines, tests and the benchmark.
extension Autoscaler {
    /// One managed node as status shows it.
    package struct NodeStatus: Sendable, Hashable {
        package var id: NodeID
        package var nodeType: String?
        package var phase: String
        package var worker: String?
        package var busy: Bool
        package var atRisk: Bool
    }

    package var nodeStatuses: [NodeStatus] {
        nodes.values.sorted { $0.id < $1.id }.map { record in
            NodeStatus(
                id: record.id, nodeType: record.nodeType, phase: Self.name(of: record.phase), worker: record.worker,
                busy: record.busy, atRisk: record.atRisk)
        }
    }

    static func name(of phase: ManagedNode.Phase) -> String {
        switch phase {
        case .booting: return "booting"
        case .up: return "up"
        case .lost: return "lost"
        case .drainingIdle: return "draining"
        case .interrupted: return "interrupted"
        case .releasing(let stop, _): return stop ? "stopping" : "terminating"
        }
    }

    /// Nodes in each phase (names as in `nodeStatuses`).
    package var phaseCounts: [String: Int] {
        nodes.values.reduce(into: [:]) { $0[Self.name(of: $1.phase), default: 0] += 1 }
    }

    /// Nodes asked for and not yet answered.
    package var pendingLaunches: Int { launches.values.reduce(0) { $0 + $1.count } }

    /// Nodes that cost money now: every managed node not yet released, and launches in flight.
    package var liveNodes: Int { nodes.count }
}
