import TileScheduler
import XCTest

final class BackupCopyTests: XCTestCase {
    /// A runs tile 0 from t=0; B ran tile 1 (100 ms) and is idle.
    private func tail(
        _ config: SchedulerConfig = SchedulerConfig(prefetchPerSlot: 0, backupMinRunMs: 1000)
    ) -> Harness {
        var h = Harness(config)
        h.submit(1, tiles: 2)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(1).assigned.map(\.tile), [tile(1, 0)])
        XCTAssertEqual(h.request(2).assigned.map(\.tile), [tile(1, 1)])
        h.start(1, [tile(1, 0)])
        h.now = 100
        h.start(2, [tile(1, 1)])
        h.done(2, [tile(1, 1)], durationMs: 100)
        return h
    }

    func testIdleWorkerGetsABackupOfTheLongestRunningTileOnlyAfterTheThreshold() {
        var h = tail()
        h.now = 500
        XCTAssertEqual(h.request(2).assigned.count, 0, "500 ms is under the 1000 ms floor")
        h.now = 1500
        let out = h.request(2)
        XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 0)])
        XCTAssertEqual(out.assigned.first?.attempt, 1)
        XCTAssertTrue(h.scheduler.isBackupCopy(tile(1, 0), on: 2))
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 0)), [1, 2])
        XCTAssertEqual(h.scheduler.counters.tiles.backupsLaunched, 1)
        h.assertConsistent()
    }

    func testFirstResultWinsTheOtherCopyIsCancelledAndOnlyOnePersist() {
        var h = tail()
        h.now = 1500
        h.request(2)
        h.start(2, [tile(1, 0)])
        h.now = 1600
        let out = h.done(2, [tile(1, 0)])
        XCTAssertEqual(out.persisted, [.tileFinished(job: 1, index: 0, attempt: 1, durationMicros: 100_000, worker: 2)])
        XCTAssertEqual(out.cancels.map(\.worker), [1])
        XCTAssertEqual(out.cancels.map(\.tile), [tile(1, 0)])
        XCTAssertEqual(out.finishedJobs, [1])
        // The primary's late result is a duplicate: no second journal entry, no second finish.
        let late = h.done(1, [tile(1, 0)])
        XCTAssertEqual(late.persisted, [])
        XCTAssertEqual(late.finishedJobs, [])
        XCTAssertEqual(h.scheduler.counters.tiles.duplicateResults, 1)
        h.assertConsistent()
    }

    func testPrimaryWinningCancelsTheBackup() {
        var h = tail()
        h.now = 1500
        h.request(2)
        let out = h.done(1, [tile(1, 0)])
        XCTAssertEqual(out.persisted.count, 1)
        XCTAssertEqual(out.cancels.map(\.worker), [2])
        XCTAssertEqual(h.scheduler.workerStatus(2)?.queued, 0)
    }

    func testAtMostOneBackupPerTileAndNeverOnThePrimarysWorker() {
        var h = tail()
        h.now = 1500
        h.request(2)
        h.join(3, slots: 1)
        XCTAssertEqual(h.request(3).assigned.count, 0, "tile 0 already has its backup")

        var own = Harness(SchedulerConfig(prefetchPerSlot: 0, backupMinRunMs: 10))
        own.submit(1, tiles: 1)
        own.join(1, slots: 2)
        own.request(1)
        own.start(1, [tile(1, 0)])
        own.now = 10_000
        XCTAssertEqual(
            own.request(1, free: 1).assigned.count, 0, "a backup on the primary's own worker is useless")
    }

    func testThresholdFollowsTheMedianDuration() {
        var h = tail(SchedulerConfig(prefetchPerSlot: 0, backupMedianFactor: 2))
        h.now = 150  // tile 0 has run 150 ms; median done is ~100 ms, threshold ~200 ms
        XCTAssertEqual(h.request(2).assigned.count, 0)
        h.now = 260
        XCTAssertEqual(h.request(2).assigned.map(\.tile), [tile(1, 0)])
    }

    func testNoBackupBeforeAnyTileFinishedUnlessAFloorIsSet() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 1)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        h.request(1)
        h.start(1, [tile(1, 0)])
        h.now = 1_000_000
        XCTAssertEqual(h.request(2).assigned.count, 0)
    }

    func testWaitingIdleWorkerGetsItsBackupOnTick() {
        var h = tail()
        h.now = 500
        h.request(2)
        h.now = 1200
        h.send(.heartbeat(worker: 1))
        h.send(.heartbeat(worker: 2))
        let out = h.send(.tick)
        XCTAssertEqual(out.assigned.map(\.worker), [2])
        XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 0)])
    }

    func testLosingThePrimaryPromotesTheBackup() {
        var h = tail()
        h.now = 1500
        h.request(2)
        h.start(2, [tile(1, 0)])
        let out = h.send(.workerLost(worker: 1))
        XCTAssertEqual(out.assigned.count, 0)
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 0)), [2])
        XCTAssertFalse(h.scheduler.isBackupCopy(tile(1, 0), on: 2))
        XCTAssertEqual(h.scheduler.tileState(tile(1, 0)), .running)
        XCTAssertEqual(h.scheduler.pendingCount, 0, "the copy carries on; nothing re-queued")
        XCTAssertEqual(h.scheduler.lossCount(of: tile(1, 0)), 1)
        h.assertConsistent()
    }
}
