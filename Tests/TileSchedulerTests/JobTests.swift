import TileScheduler
import XCTest

final class JobTests: XCTestCase {
    func testRestartWithAlreadyFinishedTilesNeverAssignsThem() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 5, finished: [0, 2, 4, 77])
        XCTAssertEqual(h.scheduler.jobStatus(1)?.done, 3)
        XCTAssertEqual(h.scheduler.pendingCount, 2)
        h.join(1, slots: 10)
        XCTAssertEqual(h.request(1).assigned.map(\.tile.index), [1, 3])
        h.start(1, [tile(1, 1), tile(1, 3)])
        let out = h.done(1, [tile(1, 1), tile(1, 3)])
        XCTAssertEqual(out.persisted.count, 2)
        XCTAssertEqual(out.finishedJobs, [1])
    }

    func testJobWhoseTilesAllFinishedBeforeTheRestartFinishesAtOnce() {
        var h = Harness()
        XCTAssertEqual(h.submit(1, tiles: 2, finished: [0, 1]).finishedJobs, [1])
        XCTAssertEqual(h.submit(2, tiles: 0).finishedJobs, [2])
    }

    func testResubmittingAJobChangesNothing() {
        var h = Harness()
        h.submit(1, tiles: 3)
        h.join(1, slots: 1)
        h.request(1)
        XCTAssertEqual(h.submit(1, tiles: 3), [])
        XCTAssertEqual(h.scheduler.jobStatus(1)?.queued, 3)
        XCTAssertEqual(h.scheduler.pendingCount, 0)
    }

    func testJobFinishedIsEmittedExactlyOnce() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.submit(1, tiles: 2)
        h.join(1, slots: 2)
        h.request(1)
        h.start(1, [tile(1, 0), tile(1, 1)])
        XCTAssertEqual(h.done(1, [tile(1, 0)]).finishedJobs, [])
        XCTAssertEqual(h.fail(1, tile(1, 1), retryable: false).finishedJobs, [1])
        XCTAssertEqual(h.done(1, [tile(1, 1)]).finishedJobs, [])
        XCTAssertEqual(h.send(.jobCancelled(job: 1)).finishedJobs, [])
    }

    func testAFinishedJobsTilesCanBeForgottenItsCountersStayAndLateResultsAreIgnored() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 0))
        h.scheduler.tracksChanges = true
        h.submit(1, tiles: 2)
        h.submit(2, tiles: 3)
        h.join(1, slots: 2)
        h.request(1)
        h.start(1, [tile(1, 0), tile(1, 1)])
        h.fail(1, tile(1, 1))
        // An open job is not forgotten.
        h.scheduler.forgetTiles(of: 1)
        XCTAssertEqual(h.scheduler.jobStatus(1)?.running, 1)
        h.request(1)
        h.start(1, [tile(1, 1)])
        XCTAssertEqual(h.done(1, [tile(1, 0), tile(1, 1)], attempt: 2).finishedJobs, [1])

        // Its changes not taken yet: they go with it.
        h.scheduler.forgetTiles(of: 1)
        XCTAssertEqual(h.scheduler.counters(of: 1)?.retries, 1)
        XCTAssertNil(h.scheduler.jobStatus(1), "its tile counts are gone with its tiles")
        XCTAssertNil(h.scheduler.tileView(tile(1, 0)))
        XCTAssertEqual(h.done(1, [tile(1, 0)], attempt: 2), [])
        XCTAssertEqual(h.scheduler.takeChangedTiles(), [])
        XCTAssertEqual(h.send(.jobCancelled(job: 1)).finishedJobs, [])
        XCTAssertEqual(h.send(.jobSubmitted(job: 1, tileCount: 5, order: nil, alreadyFinished: [])), [])
        // The other job goes on as before.
        h.request(1)
        XCTAssertEqual(h.queued(1).count + h.running(1).count, 2)
        XCTAssertEqual(h.scheduler.jobStatus(2)?.queued, 2)
        h.assertConsistent()
    }

    func testCancelDropsPendingCancelsHeldTilesAndFinishesTheJob() {
        var h = Harness(SchedulerConfig(prefetchPerSlot: 1))
        h.submit(1, tiles: 100)
        h.submit(2, tiles: 5)
        h.join(1, slots: 1)
        h.join(2, slots: 1)
        h.request(1)
        h.request(2)
        h.start(1, [tile(1, 0)])
        h.send(.jobCancelled(job: 1))
        let out = h.send(.tilesRequested(worker: 1, freeSlots: 1))
        XCTAssertTrue(out.assigned.allSatisfy { $0.tile.job == 2 })
        var cancelled = Harness(SchedulerConfig(prefetchPerSlot: 1))
        cancelled.submit(1, tiles: 100)
        cancelled.join(1, slots: 1)
        cancelled.join(2, slots: 1)
        cancelled.request(1)
        cancelled.request(2)
        cancelled.start(1, [tile(1, 0)])
        let directives = cancelled.send(.jobCancelled(job: 1))
        XCTAssertEqual(directives.cancels.filter { $0.worker == 1 }.map(\.tile.index), [0, 1])
        XCTAssertEqual(directives.cancels.filter { $0.worker == 2 }.map(\.tile.index), [2, 3])
        XCTAssertEqual(directives.finishedJobs, [1])
        XCTAssertEqual(directives.persisted, [])
        XCTAssertEqual(cancelled.scheduler.jobStatus(1)?.cancelled, 100)
        XCTAssertEqual(cancelled.scheduler.pendingCount, 0)
        XCTAssertEqual(
            cancelled.done(1, [tile(1, 0)]).persisted, [], "results after a cancel are dropped")
        cancelled.assertConsistent()
    }

    func testSameEventsGiveSameDirectives() {
        func run() -> [SchedulerDirective] {
            var h = Harness(SchedulerConfig(prefetchPerSlot: 3))
            var all: [SchedulerDirective] = []
            all += h.submit(1, tiles: 200, order: HilbertCurve.order(width: 20, height: 10))
            for worker in WorkerID(1)...6 { all += h.join(worker, slots: 2) + h.request(worker) }
            for worker in WorkerID(1)...6 { all += h.start(worker, h.queued(worker)) }
            all += h.send(.workerLost(worker: 3))
            all += h.send(.drain(worker: 4, deadlineMs: 10))
            h.now = 20
            all += h.send(.tick)
            for worker in [WorkerID(1), 2, 5, 6] {
                all += h.done(worker, h.running(worker)) + h.request(worker)
            }
            return all
        }
        XCTAssertEqual(run(), run())
    }
}
