import Autoscaler
import XCTest

/// An autoscaler under test with its own made-up clock, and short ways to answer its
/// directives as a provider and a head would.
struct AutoscalerHarness {
    var autoscaler: Autoscaler
    var now: UInt64 = 1_000
    private var nodeCount = 0

    /// `listFirst`: as a head does, launch nothing before the first listing; most tests start
    /// from a provider known to be empty.
    init(_ config: AutoscalerConfig, listFirst: Bool = false) {
        autoscaler = Autoscaler(config: config, listFirst: listFirst)
    }

    /// A spot type of `slots` slots, as most tests use.
    static func spot(_ name: String = "spot", min: Int = 0, max: Int = 10, slots: Int = 4) -> NodeTypeSpec {
        NodeTypeSpec(name: name, minWorkers: min, maxWorkers: max, slots: slots, market: .spot)
    }

    @discardableResult
    mutating func handle(_ event: AutoscalerEvent) -> [AutoscalerDirective] {
        autoscaler.handle(event, now: now)
    }

    @discardableResult
    mutating func advance(ms: UInt64) -> [AutoscalerDirective] {
        now += ms
        return handle(.tick)
    }

    /// Answers a launch with that many fresh nodes and returns their ids.
    @discardableResult
    mutating func start(_ launch: Launch, market: NodeMarket = .spot) -> [NodeID] {
        var started: [ProviderNode] = []
        for _ in 0..<launch.count {
            nodeCount += 1
            started.append(ProviderNode(id: "i-\(nodeCount)", nodeType: launch.nodeType, market: market))
        }
        handle(.launched(request: launch.request, nodes: started))
        return started.map(\.id)
    }

    /// Answers the launch, has a worker of `slots` join on each node, and returns what the
    /// autoscaler asked for meanwhile.
    @discardableResult
    mutating func bringUp(_ launch: Launch, slots: Int = 4, market: NodeMarket = .spot) -> [AutoscalerDirective] {
        var started: [ProviderNode] = []
        for _ in 0..<launch.count {
            nodeCount += 1
            started.append(ProviderNode(id: "i-\(nodeCount)", nodeType: launch.nodeType, market: market))
        }
        var directives = handle(.launched(request: launch.request, nodes: started))
        for node in started { directives += handle(.workerJoined(worker: "w-\(node.id)", node: node.id, slots: slots)) }
        return directives
    }
}

/// One launch directive.
struct Launch: Equatable {
    var request: UInt64
    var nodeType: String
    var count: Int
}

extension Array where Element == Launch {
    var launchedCount: Int { reduce(0) { $0 + $1.count } }
}

extension Array where Element == AutoscalerDirective {
    var launches: [Launch] {
        compactMap {
            if case .launch(let request, let type, let count) = $0 {
                return Launch(request: request, nodeType: type, count: count)
            }
            return nil
        }
    }

    var launchedCount: Int { launches.reduce(0) { $0 + $1.count } }

    var drained: [String] {
        compactMap {
            if case .drain(let worker, _) = $0 { return worker }
            return nil
        }
    }

    var terminated: [NodeID] {
        compactMap {
            if case .terminate(let node) = $0 { return node }
            return nil
        }
    }

    var stopped: [NodeID] {
        compactMap {
            if case .stop(let node) = $0 { return node }
            return nil
        }
    }

    var lists: Int { filter { $0 == .list }.count }

    /// Everything but log lines and listings.
    var actions: [AutoscalerDirective] {
        filter {
            if case .note = $0 { return false }
            return $0 != .list
        }
    }
}
