import Autoscaler
import XCTest

/// Idle workers drained, then their nodes terminated or stopped; minimums kept.
final class ScaleDownTests: XCTestCase {
    /// Two nodes of `type` up with their workers joined and idle since the harness's now.
    func twoIdleNodes(_ config: AutoscalerConfig, market: NodeMarket = .spot) -> AutoscalerHarness {
        var harness = AutoscalerHarness(config)
        let launch = harness.handle(.load(waiting: 8, running: 0)).launches[0]
        XCTAssertEqual(launch.count, 2)
        harness.bringUp(launch, market: market)
        harness.handle(.load(waiting: 0, running: 0))
        return harness
    }

    func testAWorkerIdlePastTheTimeoutIsDrainedThenItsSpotNodeTerminated() {
        var harness = twoIdleNodes(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], idleTimeoutMs: 60_000))
        XCTAssertEqual(harness.advance(ms: 59_999).drained, [], "not idle long enough")
        XCTAssertEqual(harness.advance(ms: 1).drained, ["w-i-1", "w-i-2"])
        XCTAssertEqual(harness.autoscaler.counters.idleDrains, 2)
        // Drained workers are asked once; their nodes go when the workers have left.
        XCTAssertEqual(harness.advance(ms: 1000).actions, [])
        XCTAssertEqual(harness.handle(.workerLeft(worker: "w-i-1")).terminated, ["i-1"])
        XCTAssertEqual(harness.handle(.workerLeft(worker: "w-i-2")).terminated, ["i-2"])
        harness.handle(.released(node: "i-1"))
        harness.handle(.released(node: "i-2"))
        XCTAssertEqual(harness.autoscaler.counters.terminated, 2)
        XCTAssertEqual(harness.autoscaler.liveNodes, 0)
    }

    func testOnDemandNodesAreStoppedWhenStoppedNodesAreCachedAndTerminatedOtherwise() {
        for cache in [true, false] {
            let type = NodeTypeSpec(name: "od", maxWorkers: 5, slots: 4, market: .onDemand)
            var harness = twoIdleNodes(
                AutoscalerConfig(nodeTypes: [type], idleTimeoutMs: 1000, cacheStoppedNodes: cache), market: .onDemand)
            XCTAssertEqual(harness.advance(ms: 1000).drained.count, 2)
            let left = harness.handle(.workerLeft(worker: "w-i-1"))
            XCTAssertEqual(left.stopped, cache ? ["i-1"] : [])
            XCTAssertEqual(left.terminated, cache ? [] : ["i-1"])
            harness.handle(.released(node: "i-1"))
            XCTAssertEqual(harness.autoscaler.counters.stopped, cache ? 1 : 0)
        }
    }

    func testScalingDownKeepsEachTypesMinimum() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(min: 1, max: 5)], idleTimeoutMs: 1000))
        var launches = harness.handle(.tick).launches
        launches += harness.bringUp(launches[0]).launches
        launches += harness.handle(.load(waiting: 12, running: 0)).launches
        XCTAssertEqual(launches.launchedCount, 3)
        harness.bringUp(launches[1])
        harness.handle(.load(waiting: 0, running: 0))
        let drained = harness.advance(ms: 1000).drained
        XCTAssertEqual(drained.count, 2, "three idle nodes, a minimum of one")
        XCTAssertEqual(harness.advance(ms: 100_000).drained, [])
    }

    func testBusyWorkersAndWaitingTilesKeepNodes() {
        var harness = twoIdleNodes(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], idleTimeoutMs: 1000))
        harness.handle(.workerBusy(worker: "w-i-1", busy: true))
        XCTAssertEqual(harness.advance(ms: 5000).drained, ["w-i-2"], "only the idle one")
        // Idle again: the clock starts over from then.
        harness.handle(.workerBusy(worker: "w-i-1", busy: false))
        harness.handle(.load(waiting: 3, running: 0))
        XCTAssertEqual(harness.advance(ms: 5000).drained, [], "tiles are waiting")
        harness.handle(.load(waiting: 0, running: 0))
        XCTAssertEqual(harness.advance(ms: 1).drained, ["w-i-1"])
    }

    func testAWorkerThatDoesNotStopIsReleasedAfterTheDrainTimeout() {
        var harness = twoIdleNodes(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], idleTimeoutMs: 1000, drainTimeoutMs: 30_000))
        XCTAssertEqual(harness.advance(ms: 1000).drained.count, 2)
        XCTAssertEqual(harness.advance(ms: 29_999).terminated, [])
        XCTAssertEqual(harness.advance(ms: 1).terminated, ["i-1", "i-2"])
    }

    func testAFailedTerminateIsTriedAgain() {
        var harness = twoIdleNodes(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], idleTimeoutMs: 1000, releaseRetryMs: 10_000))
        harness.advance(ms: 1000)
        XCTAssertEqual(harness.handle(.workerLeft(worker: "w-i-1")).terminated, ["i-1"])
        harness.handle(.releaseFailed(node: "i-1", reason: "RequestLimitExceeded"))
        XCTAssertEqual(harness.advance(ms: 9_999).terminated, [])
        XCTAssertEqual(harness.advance(ms: 1).terminated, ["i-1"])
        XCTAssertEqual(harness.advance(ms: 20_000).terminated, [], "asked again once")
    }
}
