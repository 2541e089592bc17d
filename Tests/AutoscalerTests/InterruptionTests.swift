import Autoscaler
import XCTest

/// Spot notices, rebalance recommendations, lost workers, vanished instances: replaced early.
final class InterruptionTests: XCTestCase {
    /// Four 4-slot nodes up and busy with 16 running tiles.
    func busyCluster(_ config: AutoscalerConfig) -> AutoscalerHarness {
        var harness = AutoscalerHarness(config)
        let launch = harness.handle(.load(waiting: 0, running: 16)).launches[0]
        XCTAssertEqual(launch.count, 4)
        harness.bringUp(launch)
        for node in 1...4 { harness.handle(.workerBusy(worker: "w-i-\(node)", busy: true)) }
        return harness
    }

    func testASpotNoticeLaunchesTheReplacementAtTheNoticeNotAtTheLoss() {
        var harness = busyCluster(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 4)]))
        XCTAssertEqual(harness.advance(ms: 1000).launches, [])
        let atNotice = harness.handle(.workerDraining(worker: "w-i-2", cause: .interruption))
        XCTAssertEqual(atNotice.launches.map(\.count), [1], "even at max_workers: the interrupted node does not count")
        XCTAssertEqual(harness.autoscaler.counters.interruptions, 1)
        XCTAssertEqual(harness.autoscaler.counters.launchedAtNotice, 1)
        harness.bringUp(atNotice.launches[0])
        // The interrupted worker finishes and goes: its node is terminated, nothing more launched.
        let left = harness.handle(.workerLeft(worker: "w-i-2"))
        XCTAssertEqual(left.terminated, ["i-2"])
        XCTAssertEqual(left.launches, [])
    }

    func testAnInterruptedWorkerThatIsLostIsTerminatedWithoutASecondReplacement() {
        var harness = busyCluster(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 8)]))
        let atNotice = harness.handle(.workerDraining(worker: "w-i-1", cause: .interruption))
        XCTAssertEqual(atNotice.launchedCount, 1)
        let lost = harness.handle(.workerLost(worker: "w-i-1"))
        XCTAssertEqual(lost.terminated, ["i-1"])
        XCTAssertEqual(lost.launches, [])
        XCTAssertEqual(harness.autoscaler.counters.nodesLost, 0, "an interruption, not a loss")
    }

    func testARebalanceRecommendationPreLaunchesAReplacementWhenConfigured() {
        for replace in [true, false] {
            var harness = busyCluster(
                AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 8)], replaceOnRebalance: replace))
            let directives = harness.handle(.rebalanceRecommended(worker: "w-i-3"))
            XCTAssertEqual(directives.launchedCount, replace ? 1 : 0)
            XCTAssertEqual(harness.autoscaler.counters.rebalanceRecommendations, 1)
            XCTAssertEqual(harness.handle(.rebalanceRecommended(worker: "w-i-3")).launches, [], "once per node")
        }
    }

    func testANodeAtRiskIsTheFirstToGoWhenIdle() {
        var harness = busyCluster(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(min: 3, max: 8)], idleTimeoutMs: 1000))
        let replacement = harness.handle(.rebalanceRecommended(worker: "w-i-4")).launches
        harness.bringUp(replacement[0])
        harness.handle(.load(waiting: 0, running: 0))
        for node in 1...4 { harness.handle(.workerBusy(worker: "w-i-\(node)", busy: false)) }
        // Five idle nodes, a minimum of three: the one at risk goes first, then the longest idle.
        let drained = harness.advance(ms: 1000).drained
        XCTAssertEqual(drained.first, "w-i-4")
        XCTAssertEqual(drained.count, 2)
    }

    func testALostWorkersNodeIsReplacedAtOnceAndTerminatedUnlessItComesBack() {
        var harness = busyCluster(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 4)], lostGraceMs: 30_000))
        let lost = harness.handle(.workerLost(worker: "w-i-1"))
        XCTAssertEqual(lost.launches.map(\.count), [1])
        XCTAssertEqual(lost.terminated, [])
        // Node 2's worker comes back in time (a partition); node 1's does not.
        harness.handle(.workerLost(worker: "w-i-2"))
        harness.advance(ms: 10_000)
        harness.handle(.workerJoined(worker: "w-i-2", node: "i-2", slots: 4))
        XCTAssertEqual(harness.advance(ms: 19_999).terminated, [])
        XCTAssertEqual(harness.advance(ms: 1).terminated, ["i-1"])
        XCTAssertEqual(harness.advance(ms: 100_000).terminated, [])
        XCTAssertEqual(harness.autoscaler.counters.nodesLost, 1)
    }

    func testAnInstanceTheProviderNoLongerListsIsForgottenAndReplaced() {
        var harness = busyCluster(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 4)]))
        let all = (1...4).map { ProviderNode(id: "i-\($0)", nodeType: "spot") }
        harness.handle(.listed(all))
        let listing = harness.handle(.listed(all.filter { $0.id != "i-3" }))
        XCTAssertEqual(listing.launches.map(\.count), [1])
        XCTAssertEqual(harness.autoscaler.counters.nodesDisappeared, 1)
        // Its worker's loss, seen later by the head, changes nothing more.
        XCTAssertEqual(harness.handle(.workerLost(worker: "w-i-3")).actions, [])
    }
}
