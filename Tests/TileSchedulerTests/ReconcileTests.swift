import SchedulerSimulation
import TileScheduler
import XCTest

final class ReconcileTests: XCTestCase {
    /// Worker 1 ran tiles 0 and 1 and was lost; tile 0 was then given to worker 2.
    private func afterLoss() -> Harness {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 4)
        h.join(1, slots: 2)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [0, 1])
        h.start(1, [tile(1, 0), tile(1, 1)])
        h.send(.workerLost(worker: 1))
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(2).assigned.map(\.tile.index), [0])
        return h
    }

    func testRejoiningWorkerKeepsWhatWasNotReassignedAndIsToldToStopTheRest() {
        var h = afterLoss()
        let out = h.join(
            1, slots: 2,
            running: [TileAttempt(tile(1, 0), attempt: 1), TileAttempt(tile(1, 1), attempt: 1)])
        XCTAssertEqual(out.cancels.map(\.worker), [1])
        XCTAssertEqual(out.cancels.map(\.tile), [tile(1, 0)], "tile 0 is on worker 2 now")
        XCTAssertEqual(
            h.running(1), [tile(1, 1)], "tile 1 was still pending: it continues where it runs")
        XCTAssertEqual(h.scheduler.tileState(tile(1, 1)), .running)
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 1)), [1])
        // Nobody else gets tile 1 from the (stale) pool entry.
        h.join(3, slots: 4)
        XCTAssertEqual(h.request(3).assigned.map(\.tile.index), [2, 3])
        h.assertConsistent()
    }

    func testRejoinCancelsTilesFinishedMeanwhileAndUnknownJobs() {
        var h = afterLoss()
        h.start(2, [tile(1, 0)])
        h.done(2, [tile(1, 0)])
        let out = h.join(
            1, slots: 2,
            running: [TileAttempt(tile(1, 0), attempt: 1), TileAttempt(tile(7, 3), attempt: 1)])
        XCTAssertEqual(Set(out.cancels.map(\.tile)), [tile(1, 0), tile(7, 3)])
    }

    func testLateResultForReassignedTileIsAcceptedOnceAndTheNewHolderCancelled() {
        var h = afterLoss()
        h.join(1, slots: 2)
        // Worker 1 redelivers the result it produced while away.
        let out = h.done(1, [tile(1, 0)])
        XCTAssertEqual(out.persisted, [.tileFinished(job: 1, index: 0, attempt: 1, durationMicros: 100_000, worker: 1)])
        XCTAssertEqual(out.cancels.map(\.worker), [2])
        XCTAssertEqual(h.scheduler.workerStatus(2)?.queued, 0)
        // Worker 2 finishes anyway: dropped silently.
        let dup = h.done(2, [tile(1, 0)], attempt: 2)
        XCTAssertEqual(dup.persisted, [])
        XCTAssertEqual(dup.cancels.count, 0)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.done, 1)
        h.assertConsistent()
    }

    func testLateResultForTileBackInThePoolIsAccepted() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 2)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        h.send(.workerLost(worker: 1))
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .pending)
        XCTAssertEqual(h.done(1, [tile(1, 0)]).persisted.count, 1)
        XCTAssertEqual(h.scheduler.pendingCount, 1)
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(2).assigned.map(\.tile.index), [1], "the stale pool entry is skipped")
        h.assertConsistent()
    }

    func testReconnectBeforeTheLossWasNoticedKeepsClaimedTilesAndRequeuesTheRest() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 1))
        h.submit(1, tiles: 10)
        h.join(1, slots: 2)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [0, 1, 2, 3])
        h.start(1, [tile(1, 0), tile(1, 1)])
        // Same identity, new connection; it still runs 0 and lost its queue.
        let out = h.join(1, slots: 2, running: [TileAttempt(tile(1, 0), attempt: 1)])
        XCTAssertEqual(out.cancels.count, 0)
        XCTAssertEqual(h.running(1), [tile(1, 0)])
        XCTAssertEqual(h.queued(1), [])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 1)), .pending)
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 1)), 0)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [1, 2, 3])
        h.assertConsistent()
    }

    func testDuplicateDeliveryOfTheSameResultPersistsOnce() {
        var h = Harness()
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        let first = h.done(1, [tile(1, 0), tile(1, 0)])
        XCTAssertEqual(first.persisted.count, 1)
        XCTAssertEqual(first.finishedJobs, [1])
        XCTAssertEqual(h.done(1, [tile(1, 0)]).persisted.count, 0)
    }
}
