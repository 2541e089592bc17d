import TileScheduler
import XCTest

final class BatchingTests: XCTestCase {
    func testRequestFillsQueueToSlotsTimesOnePlusPrefetch() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 2))
        h.submit(1, tiles: 1000)
        h.join(10, slots: 4)
        let out = h.request(10)
        XCTAssertEqual(out.assignedTiles(to: 10).count, 12)  // 4 * (1 + 2)
        XCTAssertEqual(h.scheduler.workerStatus(10)?.queued, 12)
        // Asking again while full gives nothing more.
        XCTAssertEqual(h.request(10).assigned.count, 0)
        // Two finish: the next request tops up exactly two.
        let first = h.queued(10)
        h.start(10, Array(first.prefix(4)))
        h.done(10, Array(first.prefix(2)))
        XCTAssertEqual(h.request(10).assigned.count, 2)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.running, 2)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.queued, 10)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.done, 2)
        h.assertConsistent()
    }

    func testAssignNeverExceedsMaxBatch() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 9, maxBatch: 16))
        h.submit(1, tiles: 500)
        h.join(1, slots: 10)
        let out = h.request(1)
        XCTAssertEqual(out.assigned.count, 100)
        XCTAssertTrue(out.assignBatchSizes.allSatisfy { $0 <= 16 }, "\(out.assignBatchSizes)")
        XCTAssertEqual(out.assignBatchSizes.count, 7)
    }

    func testPoolFollowsGivenOrderAndJobsAreFIFO() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 3, order: [2, 0, 1])
        h.submit(2, tiles: 3)
        h.join(1, slots: 5)
        let out = h.request(1)
        XCTAssertEqual(
            out.assigned.map(\.tile), [tile(1, 2), tile(1, 0), tile(1, 1), tile(2, 0), tile(2, 1)])
        XCTAssertEqual(out.assigned.map(\.attempt), [1, 1, 1, 1, 1])
    }

    func testBadOrderLosesNoTile() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 4, order: [3, 3, 99, 1])
        h.join(1, slots: 10)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [3, 1, 0, 2])
    }

    func testFirstBatchOnHilbertOrderIsACompactPatch() {
        let width = 64
        var h = Harness(SchedulerConfig(prefetchPerSlot: 3))
        h.submit(1, tiles: width * width, order: HilbertCurve.order(width: width, height: width))
        h.join(1, slots: 16)
        let tiles = h.request(1).assignedTiles(to: 1)
        XCTAssertEqual(tiles.count, 64)
        let xs = tiles.map { Int($0.index) % width }
        let ys = tiles.map { Int($0.index) / width }
        let box = ((xs.max() ?? 0) - (xs.min() ?? 0) + 1) * ((ys.max() ?? 0) - (ys.min() ?? 0) + 1)
        // 64 tiles along a Hilbert curve fill an 8×8 block; index order would give a 64×1 strip
        // (and a second worker's batch would be the next strip).
        XCTAssertLessThanOrEqual(box, 64)
        h.join(2, slots: 16)
        let second = h.request(2).assignedTiles(to: 2)
        let xs2 = second.map { Int($0.index) % width }
        let ys2 = second.map { Int($0.index) / width }
        XCTAssertLessThanOrEqual(
            ((xs2.max() ?? 0) - (xs2.min() ?? 0) + 1) * ((ys2.max() ?? 0) - (ys2.min() ?? 0) + 1), 64)
    }

    func testHungryWorkerIsFedWhenWorkArrives() {
        var h = Harness()
        h.join(1, slots: 2)
        XCTAssertEqual(h.request(1).assigned.count, 0)
        let out = h.submit(1, tiles: 10)
        XCTAssertEqual(out.assignedTiles(to: 1).count, 6)
    }

    func testDrainingAndZeroSlotWorkersGetNothing() {
        var h = Harness()
        h.submit(1, tiles: 10)
        h.join(1, slots: 0)
        XCTAssertEqual(h.request(1).assigned.count, 0)
        h.join(2, slots: 2)
        h.send(.drain(worker: 2, deadlineMs: 1000))
        XCTAssertEqual(h.request(2).assigned.count, 0)
    }

    func testEventsFromUnknownWorkersAreIgnored() {
        var h = Harness()
        h.submit(1, tiles: 10)
        XCTAssertEqual(h.request(99).count, 0)
        XCTAssertEqual(h.send(.heartbeat(worker: 99)).count, 0)
        XCTAssertEqual(h.send(.revokeAcked(worker: 99, job: 1, indices: [1])).count, 0)
        XCTAssertEqual(h.send(.workerLost(worker: 99)).count, 0)
        XCTAssertEqual(
            h.send(
                .tilesFailed(
                    worker: 99, failures: [TileFailure(tile(1, 1), attempt: 1, error: "x", retryable: true)])
            ).count, 0)
        XCTAssertEqual(
            h.send(.jobSubmitted(job: 5, tileCount: -1, order: nil, alreadyFinished: [])).count, 0)
        XCTAssertEqual(h.scheduler.pendingCount, 10)
        h.assertConsistent()
    }
}
