import Autoscaler
import Launcher
import XCTest

/// The autoscaler's policy read from the Ray keys of a cluster.yaml.
final class AutoscalerConfigTests: XCTestCase {
    func testTheGuidesAWSTemplateGivesTheWorkerTypeAndTheClustersLimits() throws {
        let config = try ClusterConfigParser.parse(yaml: Fixtures.aws, file: "cluster.yaml").config
        let policy = try XCTUnwrap(config.autoscalerConfig)
        XCTAssertEqual(
            policy.nodeTypes,
            [NodeTypeSpec(name: "ray.worker", minWorkers: 0, maxWorkers: 40, slots: 1, market: .spot)],
            "the head's type is left out; no CPU resource: one slot until a worker says")
        XCTAssertEqual(policy.maxWorkers, 10)
        XCTAssertEqual(policy.upscalingSpeed, 1.0)
        XCTAssertEqual(policy.idleTimeoutMs, 300_000)
        XCTAssertFalse(policy.cacheStoppedNodes)
    }

    func testOnDemandTypesAndCPUResources() throws {
        let yaml = Fixtures.aws.replacingOccurrences(
            of: "            InstanceMarketOptions:\n                MarketType: spot\n", with: ""
        )
        .replacingOccurrences(of: "        resources: {}", with: "        resources: {\"CPU\": 8}")
        .replacingOccurrences(of: "idle_timeout_minutes: 5", with: "idle_timeout_minutes: 0.5")
        let policy = try XCTUnwrap(
            try ClusterConfigParser.parse(yaml: yaml, file: "cluster.yaml").config.autoscalerConfig)
        XCTAssertEqual(policy.nodeTypes.map(\.market), [.onDemand])
        XCTAssertEqual(policy.nodeTypes.map(\.slots), [8])
        XCTAssertEqual(policy.idleTimeoutMs, 30_000)
    }
}
