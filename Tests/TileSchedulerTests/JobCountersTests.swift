import XCTest

@testable import TileScheduler

/// Each job's report counts what happened to its own tiles, not the whole head's.
final class JobCountersTests: XCTestCase {
    func testLossesRetriesAndDuplicatesAreCountedForTheJobTheyHappenTo() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0, stealing: false, backupCopies: false))
        h.submit(1, tiles: 4)
        h.submit(2, tiles: 4)
        h.join(1, slots: 2)
        XCTAssertEqual(h.request(1).assigned.map(\.tile), [tile(1, 0), tile(1, 1)])
        h.start(1, [tile(1, 0), tile(1, 1)])
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(2).assigned.map(\.tile), [tile(1, 2)])
        h.fail(2, tile(1, 2))
        // Worker 1 goes with two of job 1's tiles: one loss for job 1, two tiles re-issued.
        h.send(.workerLost(worker: 1))
        XCTAssertEqual(
            h.scheduler.counters(of: 1),
            JobCounters(retries: 1, reissuedAfterLoss: 2, workersLost: 1))
        XCTAssertEqual(h.scheduler.counters(of: 2), JobCounters())
        // A late result of job 1 after another copy won is a duplicate of job 1 only.
        h.join(3, slots: 4)
        let again = h.request(3).assigned.map(\.tile)
        XCTAssertTrue(again.contains(tile(1, 0)))
        h.done(3, [tile(1, 0)], attempt: 2)
        h.done(3, [tile(1, 0)], attempt: 2)
        XCTAssertEqual(h.scheduler.counters(of: 1)?.duplicateResults, 1)
        XCTAssertEqual(h.scheduler.counters(of: 2)?.duplicateResults, 0)
        XCTAssertNil(h.scheduler.counters(of: 3))
        h.assertConsistent()
    }

    func testStealsAndStolenTilesBelongToTheJobTheyMove() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 3, backupCopies: false))
        h.submit(7, tiles: 8)
        h.join(1, slots: 2)
        XCTAssertEqual(h.request(1).assigned.count, 8)
        h.join(2, slots: 2)
        let revoke = try? XCTUnwrap(h.request(2).revokes.first)
        XCTAssertEqual(revoke?.job, 7)
        h.send(.revokeAcked(worker: 1, job: 7, indices: revoke?.indices ?? []))
        XCTAssertEqual(h.scheduler.counters(of: 7)?.steals, 1)
        XCTAssertEqual(h.scheduler.counters(of: 7)?.tilesStolen, revoke?.indices.count)
        XCTAssertGreaterThan(revoke?.indices.count ?? 0, 0)
        h.assertConsistent()
    }
}
