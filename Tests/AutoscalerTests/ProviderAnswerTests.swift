import Autoscaler
import XCTest

/// Failed launches and set-ups, throttling, listings.
final class ProviderAnswerTests: XCTestCase {
    func testARefusedTypeIsSetAsideAndTheNextTypeTriedUntilTheCooldownEnds() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(
                nodeTypes: [
                    AutoscalerHarness.spot("first", max: 5, slots: 4),
                    AutoscalerHarness.spot("second", max: 5, slots: 4),
                ],
                typeCooldownMs: 60_000))
        let launch = harness.handle(.load(waiting: 8, running: 0)).launches
        XCTAssertEqual(launch.map(\.nodeType), ["first"])
        let failed = harness.handle(
            .launchFailed(request: launch[0].request, LaunchFailure(.capacity, "InsufficientInstanceCapacity")))
        XCTAssertEqual(failed.launches.map(\.nodeType), ["second"])
        XCTAssertEqual(failed.launches.map(\.count), [2])
        let fallback = harness.handle(
            .launchFailed(request: failed.launches[0].request, LaunchFailure(.capacity, "SpotMaxPriceTooLow")))
        XCTAssertEqual(fallback.launches, [], "both set aside")
        XCTAssertEqual(harness.advance(ms: 59_999).launches, [])
        XCTAssertEqual(harness.advance(ms: 1).launches.map(\.nodeType), ["first"])
        XCTAssertEqual(harness.autoscaler.counters.launchFailures, 2)
    }

    func testAThrottledLaunchHoldsEveryLaunchBackWithADoublingWait() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(
                nodeTypes: [AutoscalerHarness.spot()], throttleBackoffMs: 1000, maxThrottleBackoffMs: 3000))
        var launch = harness.handle(.load(waiting: 4, running: 0)).launches[0]
        for wait: UInt64 in [1000, 2000, 3000, 3000] {
            XCTAssertEqual(
                harness.handle(
                    .launchFailed(request: launch.request, LaunchFailure(.throttled, "RequestLimitExceeded"))
                )
                .launches, [])
            XCTAssertEqual(harness.advance(ms: wait - 1).launches, [])
            let again = harness.advance(ms: 1).launches
            XCTAssertEqual(again.count, 1, "launched again after \(wait) ms")
            launch = again[0]
        }
        // A launch that works resets the wait.
        harness.start(launch)
        XCTAssertEqual(harness.handle(.load(waiting: 8, running: 0)).launches.count, 1)
    }

    func testANodeWhoseSetUpFailsIsTerminatedAndCounted() {
        let type = NodeTypeSpec(name: "od", maxWorkers: 5, slots: 4, market: .onDemand)
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [type], setsUpNodes: true))
        let launch = harness.handle(.load(waiting: 4, running: 0)).launches[0]
        let node = ProviderNode(id: "i-9", nodeType: "od", market: .onDemand, privateIP: "10.0.0.9")
        let answer = harness.handle(.launched(request: launch.request, nodes: [node]))
        XCTAssertEqual(answer.actions, [.setUp(node)])
        let failed = harness.handle(.setUpFailed(node: "i-9", reason: "setup_commands[0] exited 1"))
        XCTAssertEqual(failed.terminated, ["i-9"], "terminated, not stopped: its disk is suspect")
        XCTAssertEqual(failed.launches.map(\.count), [1], "and replaced")
        XCTAssertEqual(harness.autoscaler.counters.setupFailures, 1)
    }

    func testANodeWhoseWorkerNeverJoinsIsTerminatedAfterTheBootTimeout() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], bootTimeoutMs: 300_000))
        let launch = harness.handle(.load(waiting: 4, running: 0)).launches[0]
        harness.start(launch)
        XCTAssertEqual(harness.advance(ms: 299_999).terminated, [])
        let timedOut = harness.advance(ms: 1)
        XCTAssertEqual(timedOut.terminated, ["i-1"])
        XCTAssertEqual(timedOut.launches.map(\.count), [1])
        XCTAssertEqual(harness.autoscaler.counters.setupFailures, 1)
    }

    func testTheProviderIsListedEveryIntervalAndNeverTwiceAtOnce() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], listIntervalMs: 10_000))
        XCTAssertEqual(harness.handle(.tick).lists, 1)
        XCTAssertEqual(harness.advance(ms: 20_000).lists, 0, "the first listing is unanswered")
        harness.handle(.listed([]))
        XCTAssertEqual(harness.advance(ms: 1).lists, 1)
        harness.handle(.listFailed(reason: "timeout"))
        XCTAssertEqual(harness.advance(ms: 9_999).lists, 0)
        XCTAssertEqual(harness.advance(ms: 1).lists, 1)
    }

    func testAYoungNodeMissingFromAListingIsNotTakenForGone() {
        var harness = AutoscalerHarness(AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], listGraceMs: 60_000))
        let launch = harness.handle(.load(waiting: 4, running: 0)).launches[0]
        harness.start(launch)
        XCTAssertEqual(harness.handle(.listed([])).launches, [], "launched just now: the listing lags")
        harness.now += 60_000
        XCTAssertEqual(harness.handle(.listed([])).launches.map(\.count), [1])
        XCTAssertEqual(harness.autoscaler.counters.nodesDisappeared, 1)
    }

    /// A head starting beside the min_workers `up` launched: it lists first and adopts them
    /// instead of launching its own.
    func testNothingIsLaunchedBeforeTheFirstListingAndListedNodesCountTowardsTheMinimum() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(min: 2, max: 4)]), listFirst: true)
        let first = harness.handle(.tick)
        XCTAssertEqual(first.lists, 1)
        XCTAssertEqual(first.launches, [], "nothing before the listing")
        XCTAssertEqual(harness.handle(.load(waiting: 0, running: 0)).launches, [])
        let listed = harness.handle(
            .listed([ProviderNode(id: "i-a", nodeType: "spot"), ProviderNode(id: "i-b", nodeType: "spot")]))
        XCTAssertEqual(listed.launches, [], "the two listed nodes are the minimum")
        // An empty cluster gets its minimum at the listing.
        var empty = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(min: 2, max: 4)]), listFirst: true)
        XCTAssertEqual(empty.handle(.tick).launches, [])
        XCTAssertEqual(empty.handle(.listed([])).launches.map(\.count), [2])
    }

    func testRunningNodesOfTheClusterFromBeforeARestartAreAdopted() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot(max: 4)], bootTimeoutMs: 60_000))
        harness.handle(.workerJoined(worker: "w-a", node: "i-a", slots: 4))
        let listing = harness.handle(
            .listed([
                ProviderNode(id: "i-a", nodeType: "spot"), ProviderNode(id: "i-b", nodeType: "spot"),
                ProviderNode(id: "i-c", nodeType: "spot", state: .stopped),
            ]))
        XCTAssertEqual(listing.launches, [])
        XCTAssertEqual(
            harness.autoscaler.nodeStatuses.map { "\($0.id) \($0.phase) \($0.nodeType ?? "?")" },
            ["i-a up spot", "i-b booting spot"], "stopped nodes are not adopted")
        // Capacity: two 4-slot nodes.
        XCTAssertEqual(harness.handle(.load(waiting: 8, running: 0)).launches, [])
        // i-b's worker never joins.
        XCTAssertEqual(harness.advance(ms: 60_000).terminated, ["i-b"])
    }

    func testAReleasedNodeStillListedAsShuttingDownIsNotAdoptedAgain() {
        var harness = AutoscalerHarness(
            AutoscalerConfig(nodeTypes: [AutoscalerHarness.spot()], idleTimeoutMs: 1000))
        let launch = harness.handle(.load(waiting: 4, running: 0)).launches[0]
        harness.bringUp(launch)
        harness.handle(.load(waiting: 0, running: 0))
        harness.advance(ms: 1000)
        harness.handle(.workerLeft(worker: "w-i-1"))
        // The listing shows it gone or going: that is the release's answer too.
        harness.handle(.listed([ProviderNode(id: "i-1", nodeType: "spot", state: .terminated)]))
        XCTAssertEqual(harness.autoscaler.counters.terminated, 1)
        harness.handle(.listed([ProviderNode(id: "i-1", nodeType: "spot", state: .running)]))
        XCTAssertEqual(harness.autoscaler.liveNodes, 0)
    }
}
