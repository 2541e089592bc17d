import AWSCore
import Autoscaler
import Foundation
import GrowTestSupport
import Launcher
import LauncherRuntime
import XCTest

/// The EC2 provider behind the autoscaler's protocol, against moto (signatures checked) with the
/// fault proxy in front: the autoscaler's own directives carried out on EC2.
final class EC2AutoscalingProviderTests: EC2MotoTestCase {
    /// The autoscaler's provider on EC2ProviderMotoTests' cluster, its network bootstrapped.
    func adapter(cacheStopped: Bool = false) throws -> EC2AutoscalingProvider {
        let provider = try provider(try clusterYAML(cacheStopped: cacheStopped))
        return EC2AutoscalingProvider(provider: provider, network: try provider.bootstrap(publicKey: try publicKey()))
    }

    func testTheAutoscalersLaunchesListsAndTerminatesGoToEC2ByTags() throws {
        let ec2 = try adapter()
        var autoscaler = Autoscaler(
            config: AutoscalerConfig(
                nodeTypes: [NodeTypeSpec(name: "grow.spot.c5", maxWorkers: 3, slots: 2)], idleTimeoutMs: 1000))
        _ = autoscaler.handle(.listed(try ec2.list()), now: 0)
        let directives = autoscaler.handle(.load(waiting: 4, running: 0), now: 0)
        guard case .launch(let request, let type, let count)? = directives.first else {
            return XCTFail("\(directives)")
        }
        XCTAssertEqual([type, "\(count)"], ["grow.spot.c5", "2"])
        let nodes = try ec2.launch(nodeType: type, count: count)
        XCTAssertEqual(nodes.count, 2)
        XCTAssertTrue(nodes.allSatisfy { $0.nodeType == "grow.spot.c5" && $0.market == .spot && $0.isAlive })
        _ = autoscaler.handle(.launched(request: request, nodes: nodes), now: 1)
        XCTAssertEqual(Set(try ec2.list().map(\.id)), Set(nodes.map(\.id)), "found by tags")

        // Both workers join and idle: one is drained and, once gone, terminated on EC2.
        for node in nodes {
            _ = autoscaler.handle(.workerJoined(worker: "w-\(node.id)", node: node.id, slots: 2), now: 2)
        }
        _ = autoscaler.handle(.load(waiting: 0, running: 0), now: 3)
        let drained = autoscaler.handle(.tick, now: 2000).compactMap { directive -> String? in
            if case .drain(let worker, _) = directive { return worker }
            return nil
        }
        XCTAssertEqual(drained.count, 2)
        let gone = autoscaler.handle(.workerLeft(worker: drained[0]), now: 2001)
        guard case .terminate(let id)? = gone.first(where: { if case .terminate = $0 { true } else { false } }) else {
            return XCTFail("\(gone)")
        }
        try ec2.terminate(id)
        XCTAssertEqual(try ec2.list().map(\.id), nodes.map(\.id).filter { $0 != id })
    }

    func testARefusedTypeIsALaunchFailureSoTheAutoscalerTriesTheNextType() throws {
        let ec2 = try adapter()
        try proxy.setRules([
            .init(
                action: "RunInstances", matching: ["InstanceType": "c5.large"], code: "InsufficientInstanceCapacity",
                status: 500)
        ])
        XCTAssertThrowsError(try ec2.launch(nodeType: "grow.spot.c5", count: 1)) { error in
            XCTAssertEqual((error as? LaunchFailure)?.kind, .other)
            XCTAssertTrue("\(error)".contains("InsufficientInstanceCapacity"), "\(error)")
        }
        let launches = proxy.seen().filter { $0.action == "RunInstances" }
        XCTAssertEqual(
            launches.map { $0.parameters["InstanceType"] ?? "" }, ["c5.large", "c5.large"],
            "both zones tried, not the next type: that is the autoscaler's decision")
        XCTAssertEqual(try ec2.launch(nodeType: "grow.spot.m5", count: 1).map(\.nodeType), ["grow.spot.m5"])
    }

    func testWithCacheStoppedNodesAStoppedWorkerIsStartedAgainFirst() throws {
        let ec2 = try adapter(cacheStopped: true)
        let first = try ec2.launch(nodeType: "grow.spot.m5", count: 1)
        XCTAssertEqual(first.count, 1)
        try ec2.stop(first[0].id)
        XCTAssertEqual(try ec2.list().first?.state, .stopped)
        let again = try ec2.launch(nodeType: "grow.spot.m5", count: 2)
        XCTAssertEqual(again.map(\.id).first, first[0].id, "the stopped one first")
        XCTAssertEqual(again.count, 2)
        XCTAssertEqual(try ec2.list().count, 2)
    }
}
