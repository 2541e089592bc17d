import Autoscaler
import XCTest

/// Launching: minimums, demand, limits, the pending-launch cap.
final class ScaleUpTests: XCTestCase {
    func testMinWorkersOfEachTypeAreLaunchedAtTheStart() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [
                .init(name: "a", minWorkers: 2, maxWorkers: 5, slots: 4),
                .init(name: "b", minWorkers: 1, maxWorkers: 5, slots: 8),
            ]))
        let first = harness.handle(.tick)
        XCTAssertEqual(first.launches.map(\.nodeType), ["a", "b"])
        XCTAssertEqual(first.launches.map(\.count), [2, 1])
        XCTAssertEqual(first.lists, 1, "the first tick lists the provider's nodes")
        // Pending launches count: nothing more is launched while they are on their way.
        XCTAssertEqual(harness.advance(ms: 1000).launches, [])
    }

    func testWaitingAndRunningTilesPerSlotAreTheNodesWanted() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 20, slots: 4)]))
        harness.handle(.tick)
        let launches = harness.handle(.load(waiting: 9, running: 0)).launches
        XCTAssertEqual(launches.map(\.count), [3], "9 tiles / 4 slots = 3 nodes")
        harness.bringUp(launches[0])
        // 3 nodes × 4 slots = 12: 12 tiles want no more, 13 want one.
        XCTAssertEqual(harness.handle(.load(waiting: 4, running: 8)).launches, [])
        XCTAssertEqual(harness.handle(.load(waiting: 5, running: 8)).launches.map(\.count), [1])
    }

    func testSlotsTheWorkersRegisterWinOverTheConfiguredGuess() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 20, slots: 4)]))
        let first = harness.handle(.load(waiting: 4, running: 0)).launches
        XCTAssertEqual(first.map(\.count), [1])
        let ids = harness.start(first[0])
        // Its worker has 2 slots, not 4: the 4 tiles want a second node.
        let joined = harness.handle(.workerJoined(worker: "w", node: ids[0], slots: 2))
        XCTAssertEqual(joined.launches.map(\.count), [1])
        // And 8 tiles want 4 nodes of 2 slots: 2 more.
        XCTAssertEqual(harness.handle(.load(waiting: 6, running: 2)).launches.map(\.count), [2])
    }

    func testAtMostUpscalingSpeedTimesTheNodesUpArePendingWithAFloorOfFive() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 100, slots: 1)], upscalingSpeed: 2))
        let first = harness.handle(.load(waiting: 100, running: 0)).launches
        XCTAssertEqual(first.map(\.count), [5], "nothing up yet: the floor of 5")
        // As the five join, the cap grows with them: 5 up × speed 2 = 10 pending at most.
        let second = (harness.bringUp(first[0], slots: 1) + harness.handle(.tick)).launches
        XCTAssertEqual(second.launchedCount, 10)
        for launch in second { harness.start(launch) }
        // 10 booting are pending: the cap is used up until they join.
        XCTAssertEqual(harness.advance(ms: 1000).launches, [])
    }

    func testTheLimitOfATypeSpillsOverToTheNextTypeInTheFilesOrder() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(
                nodeTypes: [
                    AutoscalerHarness.spot("small", max: 2, slots: 2), AutoscalerHarness.spot("big", max: 5, slots: 8),
                ],
                minimumPendingLaunches: 100))
        let launches = harness.handle(.load(waiting: 20, running: 0)).launches
        XCTAssertEqual(launches.map(\.nodeType), ["small", "big"])
        XCTAssertEqual(launches.map(\.count), [2, 2], "2 × 2 slots, then 16 tiles over 8-slot nodes")
    }

    func testTheClustersMaxWorkersBoundsAllTypesTogether() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(
                nodeTypes: [
                    AutoscalerHarness.spot("a", max: 10, slots: 1), AutoscalerHarness.spot("b", max: 10, slots: 1),
                ],
                maxWorkers: 7, minimumPendingLaunches: 100))
        let launches = harness.handle(.load(waiting: 50, running: 0)).launches
        XCTAssertEqual(launches.launchedCount, 7)
        XCTAssertEqual(launches.map(\.nodeType), ["a"])
        XCTAssertEqual(harness.advance(ms: 1000).launches, [])
    }

    func testMinWorkersAreNotHeldBackByThePendingCap() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(min: 8, max: 20, slots: 1)], minimumPendingLaunches: 2))
        let launches = harness.handle(.load(waiting: 20, running: 0)).launches
        XCTAssertEqual(launches.map(\.count), [10], "8 for the minimum, 2 more for the demand (cap 2)")
    }

    func testWorkersTheAutoscalerDoesNotManageCountAsCapacity() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 20, slots: 4)]))
        harness.handle(.workerJoined(worker: "by-hand", node: nil, slots: 8))
        XCTAssertEqual(harness.handle(.load(waiting: 8, running: 0)).launches, [])
        XCTAssertEqual(harness.handle(.load(waiting: 9, running: 0)).launches.map(\.count), [1])
    }

    func testAPartialLaunchLeavesTheRestToTheNextDecision() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 20, slots: 1)]))
        let launch = harness.handle(.load(waiting: 3, running: 0)).launches[0]
        XCTAssertEqual(launch.count, 3)
        let after = harness.handle(
            .launched(request: launch.request, nodes: [ProviderNode(id: "i-a", nodeType: "spot")]))
        XCTAssertEqual(after.launches.map(\.count), [2], "two short: asked for again")
        XCTAssertEqual(harness.autoscaler.counters.launched, 1)
    }

    func testTheSameEventsGiveTheSameDirectives() {
        func run() -> [AutoscalerDirective] {
            var harness = AutoscalerHarness(
                AutoscalerConfig(nodeTypes: [
                    AutoscalerHarness.spot("a", min: 1, max: 4, slots: 2),
                    AutoscalerHarness.spot("b", max: 4, slots: 2),
                ]))
            var all: [AutoscalerDirective] = []
            all += harness.handle(.load(waiting: 20, running: 0))
            for launch in all.launches { all += harness.bringUp(launch, slots: 2) }
            all += harness.handle(.load(waiting: 0, running: 0))
            all += harness.advance(ms: 400_000)
            return all
        }
        let first = run()
        XCTAssertFalse(first.actions.isEmpty)
        XCTAssertEqual(first, run())
    }
}
