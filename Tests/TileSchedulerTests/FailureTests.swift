import TileScheduler
import XCTest

final class FailureTests: XCTestCase {
    func testRetryableFailureRetriesWithNextAttemptUntilMaxAttemptsThenFails() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, maxAttempts: 3))
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        var attempts: [UInt32] = []
        var persisted: [JournalEntry] = []
        var out = h.request(1)
        for run in 1...3 {
            XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 0)], "run \(run)")
            attempts += out.assigned.map(\.attempt)
            h.start(1, [tile(1, 0)])
            let failed = h.fail(1, tile(1, 0), error: "flaky \(run)")
            persisted += failed.persisted
            out = failed + h.request(1)
        }
        XCTAssertEqual(attempts, [1, 2, 3])
        XCTAssertEqual(persisted, [.tileFailed(job: 1, index: 0, error: "flaky 3")])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .failed)
        XCTAssertEqual(h.scheduler.counters.tiles.retries, 2)
        XCTAssertEqual(h.scheduler.failedTiles(job: 1).map(\.error), ["flaky 3"])
        XCTAssertEqual(h.scheduler.jobStatus(1)?.finished, true)
    }

    func testRetryGoesToThePoolFront() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 5)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        h.fail(1, tile(1, 0))
        XCTAssertEqual(h.request(1).assigned.map(\.tile), [tile(1, 0)])
    }

    func testNonRetryableFailureFailsAtOnce() {
        var h = Harness()
        h.submit(1, tiles: 2)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        let out = h.fail(1, tile(1, 0), retryable: false, error: "bad config")
        XCTAssertEqual(out.persisted, [.tileFailed(job: 1, index: 0, error: "bad config")])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .failed)
        XCTAssertEqual(h.scheduler.counters.tiles.retries, 0)
        XCTAssertEqual(h.scheduler.lastError(of: tile(1, 0)), "bad config")
    }

    func testLostWorkerReturnsTilesToPoolFrontAndOnlyRunningOnesCountALoss() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 2))
        h.submit(1, tiles: 20)
        h.join(1, slots: 1)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [0, 1, 2])
        h.start(1, [tile(1, 0)])
        h.join(2, slots: 1)
        h.request(2)  // takes 3, 4, 5
        h.send(.workerLost(worker: 1))
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 0)), 1)
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 1)), 0)
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 2)), 0)
        XCTAssertEqual((0...2).map { h.scheduler.attempt(of: tile(1, $0)) }, [2, 2, 2])
        XCTAssertEqual(h.scheduler.workerStatus(1), nil)
        // The oldest work comes first again, with its new attempt number.
        h.join(3, slots: 1)
        let out = h.request(3)
        XCTAssertEqual(out.assigned.map(\.tile.index), [0, 1, 2])
        XCTAssertEqual(out.assigned.map(\.attempt), [2, 2, 2])
        XCTAssertEqual(h.scheduler.counters.tiles.reissuedAfterLoss, 3)
        h.assertConsistent()
    }

    func testLostTilesFeedWaitingWorkersAtOnce() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, stealing: false, backupCopies: false))
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        h.request(1)
        h.request(2)  // nothing left: B waits
        let out = h.send(.workerLost(worker: 1))
        XCTAssertEqual(out.assigned.map(\.worker), [2])
    }

    func testTileThatKillsWorkersIsQuarantined() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, quarantineAfterLosses: 3))
        h.submit(1, tiles: 2)
        var persisted: [JournalEntry] = []
        for worker in WorkerID(1)...3 {
            h.join(worker, slots: 1)
            let out = h.request(worker)
            XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 0)], "worker \(worker)")
            h.start(worker, [tile(1, 0)])
            persisted += h.send(.workerLost(worker: worker)).persisted
        }
        XCTAssertEqual(
            persisted, [.tileQuarantined(job: 1, index: 0, reason: "running on 3 lost workers")])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .quarantined)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.quarantined, 1)
        XCTAssertEqual(h.scheduler.failedTiles(job: 1).map(\.state), [.quarantined])
        h.join(4, slots: 1)
        XCTAssertEqual(
            h.request(4).assigned.map(\.tile), [tile(1, 1)], "the poison tile is not retried")
    }

    func testGracefulLeaveCountsNoLoss() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        h.send(.workerLeft(worker: 1))
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 0)), 0)
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .pending)
    }

    func testHeartbeatTimeoutOnTickMarksLost() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, heartbeatTimeoutMs: 5000))
        h.submit(1, tiles: 2)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        h.request(1)
        h.request(2)
        h.start(1, [tile(1, 0)])
        h.now = 4000
        h.send(.heartbeat(worker: 2))
        XCTAssertEqual(h.send(.tick).markedLost, [])
        h.now = 5001
        let out = h.send(.tick)
        XCTAssertEqual(out.markedLost, [1], "worker 2 spoke at 4000 and is still fine")
        XCTAssertEqual(h.scheduler.workerIDs, [2])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .pending)
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 0)), 1)
        XCTAssertEqual(h.send(.workerLost(worker: 1)), [], "the shell's later report is harmless")
        h.assertConsistent()
    }

    func testDrainRevokesQueueAndStopsAssigning() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 2))
        h.submit(1, tiles: 10)
        h.join(1, slots: 1)
        h.request(1)  // 0, 1, 2
        h.start(1, [tile(1, 0)])
        let out = h.send(.drain(worker: 1, deadlineMs: 120_000))
        XCTAssertEqual(out.revokes.count, 1)
        XCTAssertEqual(out.revokes.first?.indices, [1, 2])
        XCTAssertEqual(h.scheduler.workerStatus(1)?.draining, true)
        XCTAssertEqual(h.request(1).assigned.count, 0)
        // Given back: tiles 1 and 2 go to the pool front.
        h.send(.revokeAcked(worker: 1, job: 1, indices: [1, 2]))
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(2).assigned.map(\.tile.index), [1, 2, 3])
        // Its running tile may still finish before the deadline.
        XCTAssertEqual(h.done(1, [tile(1, 0)]).persisted.count, 1)
        h.assertConsistent()
    }

    func testDrainDeadlineRequeuesRunningTilesWithoutALoss() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, heartbeatTimeoutMs: 1_000_000))
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        h.send(.drain(worker: 1, deadlineMs: 1000))
        h.now = 999
        XCTAssertEqual(h.send(.tick).cancels.count, 0)
        h.now = 1000
        let out = h.send(.tick)
        XCTAssertEqual(out.cancels.map(\.tile), [tile(1, 0)])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .pending)
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 0)), 0)
        XCTAssertEqual(h.scheduler.attempt(of: tile(1, 0)), 2)
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(2).assigned.map(\.attempt), [2])
        h.assertConsistent()
    }
}
