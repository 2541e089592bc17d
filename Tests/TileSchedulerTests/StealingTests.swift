import TileScheduler
import XCTest

final class StealingTests: XCTestCase {
    /// A holds 1 running + 4 queued tiles, B finished its share and asks for more.
    private func loadedPair(
        _ config: SchedulerConfig = SchedulerConfig(prefetchPerSlot: 4, backupCopies: false)
    ) -> Harness {
        var h = Harness(config)
        h.submit(1, tiles: 10)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        XCTAssertEqual(h.request(1).assignedTiles(to: 1).count, 5)
        XCTAssertEqual(h.request(2).assignedTiles(to: 2).count, 5)
        h.start(1, [tile(1, 0)])
        let mine = h.queued(2)
        h.start(2, mine)
        h.done(2, mine)
        return h
    }

    func testIdleWorkerStealsHalfOfTheVictimsUnstartedTilesFromTheBack() {
        var h = loadedPair()
        let out = h.request(2)
        XCTAssertEqual(out.assigned.count, 0, "nothing moves before the victim confirms")
        XCTAssertEqual(out.revokes.count, 1)
        XCTAssertEqual(out.revokes.first?.worker, 1)
        XCTAssertEqual(out.revokes.first?.indices, [4, 3])  // the back of A's queue
        XCTAssertEqual(h.scheduler.workerStatus(1)?.revoking, 2)
        XCTAssertEqual(h.scheduler.counters.tiles.steals, 1)
        h.assertConsistent()
    }

    func testOnlyAckedTilesMoveAndUnackedStayWithTheVictim() {
        var h = loadedPair()
        h.request(2)
        // A started tile 3 before the revoke arrived: it gives back only tile 4.
        h.start(1, [tile(1, 3)])
        let out = h.send(.revokeAcked(worker: 1, job: 1, indices: [4]))
        XCTAssertEqual(out.assigned.map(\.worker), [2])
        XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 4)])
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 3)), [1])
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 4)), [2])
        XCTAssertEqual(h.scheduler.workerStatus(1)?.revoking, 0)
        XCTAssertEqual(h.scheduler.counters.tiles.tilesStolen, 1)
        h.assertConsistent()
    }

    func testAckClaimingAStartedTileIsIgnored() {
        var h = loadedPair()
        h.request(2)
        h.start(1, [tile(1, 3)])
        // A buggy or racing worker acks a tile it already reported started: it must stay put.
        let out = h.send(.revokeAcked(worker: 1, job: 1, indices: [3, 4]))
        XCTAssertEqual(out.assigned.map(\.tile), [tile(1, 4)])
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 3)), [1])
        XCTAssertEqual(h.scheduler.tileState(tile(1, 3)), .running)
    }

    func testNoSecondRevokeWhileOneIsOutstanding() {
        var h = loadedPair()
        XCTAssertEqual(h.request(2).revokes.count, 1)
        // A third, idle worker: A still has 2 stealable tiles but a revoke outstanding.
        h.join(3, slots: 1)
        XCTAssertEqual(h.request(3).revokes.count, 0)
        h.send(.revokeAcked(worker: 1, job: 1, indices: []))
        // Answered (with nothing): A may be asked again.
        XCTAssertEqual(h.request(3).revokes.first?.worker, 1)
        h.assertConsistent()
    }

    func testAckedTilesGoToPoolWhenTheThiefIsGone() {
        var h = loadedPair()
        h.request(2)
        h.send(.workerLost(worker: 2))
        let out = h.send(.revokeAcked(worker: 1, job: 1, indices: [3, 4]))
        XCTAssertEqual(out.assigned.count, 0)
        XCTAssertEqual(h.scheduler.pendingCount, 2)
        XCTAssertEqual(h.scheduler.tileState(tile(1, 4)), .pending)
        // A newcomer takes them from the pool front.
        h.join(3, slots: 1)
        XCTAssertEqual(h.request(3).assigned.map(\.tile), [tile(1, 3), tile(1, 4)])
        h.assertConsistent()
    }

    func testNoStealingWhenDisabledOrWhenTheThiefStillHasWork() {
        var h = loadedPair(SchedulerConfig(prefetchPerSlot: 4, stealing: false, backupCopies: false))
        XCTAssertEqual(h.request(2).revokes.count, 0)

        var busy = Harness(SchedulerConfig(prefetchPerSlot: 4, backupCopies: false))
        busy.submit(1, tiles: 10)
        busy.join(1, slots: 1)
        busy.join(2, slots: 1)
        busy.request(1)
        busy.request(2)
        // B still has 5 queued tiles: asking again must not steal.
        XCTAssertEqual(busy.request(2).revokes.count, 0)
    }

    func testVictimIsTheWorkerWithTheMostStealableTiles() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 9, backupCopies: false))
        h.submit(1, tiles: 10 + 4)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        h.join(3, slots: 1)
        XCTAssertEqual(h.request(2, free: 1).assigned.count, 10)
        XCTAssertEqual(h.request(1, free: 1).assigned.count, 4)
        h.start(1, [h.queued(1)[0]])
        h.start(2, [h.queued(2)[0]])
        let out = h.request(3)
        XCTAssertEqual(out.revokes.first?.worker, 2)
        XCTAssertEqual(out.revokes.first?.indices.count, 5)  // half of 9 stealable, rounded up
    }

    func testStolenTileNeverRunsOnTwoWorkers() {
        var h = loadedPair()
        h.request(2)
        h.send(.revokeAcked(worker: 1, job: 1, indices: [3, 4]))
        for index in UInt32(0)..<10 {
            XCTAssertLessThanOrEqual(h.scheduler.holders(of: tile(1, index)).count, 1)
        }
        // The victim's late start of a tile it gave back is refused (it is now on B).
        let out = h.start(1, [tile(1, 4)])
        XCTAssertEqual(out.cancels.map(\.tile), [tile(1, 4)])
        XCTAssertEqual(h.scheduler.holders(of: tile(1, 4)), [2])
        h.assertConsistent()
    }
}
