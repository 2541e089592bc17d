import Dashboard
import Foundation
import GrowJob
import TileScheduler
import Wire
import XCTest

@testable import HeadRuntime

/// What the coordinator tells the dashboard: the tiles' states as the scheduler has them after
/// each input, fed through the dashboard's own board as the head's shell does.
final class DashboardEventsTests: XCTestCase {
    private func dashboardEvents(_ actions: [HeadAction]) -> [DashboardEvent] {
        actions.flatMap { action -> [DashboardEvent] in
            if case .dashboard(let events) = action { return events }
            return []
        }
    }

    func testEveryTileIsSeenQueuedRunningAndDoneOnceAcrossBatchesWithItsWorkerAndTime() throws {
        var h = CoordinatorHarness(config: CoordinatorConfig(stateDirectory: "/state", dashboard: true))
        var board = TileBoard()
        var sequence: UInt64 = 0
        var doneSeen: [Int: Int] = [:]
        var statesSeen: [Int: Set<Int>] = [:]
        /// Applies an input's dashboard events and takes a batch, as a stream reader would see it.
        func feed(_ actions: [HeadAction]) throws {
            for event in dashboardEvents(actions) { board.apply(event) }
            sequence += 1
            guard let batch = board.takeBatch(sequence: sequence) else { return }
            for tile in try TileBoardDecoding.decode(batch.json()) {
                statesSeen[tile.position, default: []].insert(tile.state)
                if tile.state == Int(TileState.done.rawValue) { doneSeen[tile.position, default: 0] += 1 }
            }
        }
        let client = h.connect(.client, "cli")
        let (job, prepared) = try h.submit(noopJob(tiles: 40), from: client)
        try feed(prepared)
        XCTAssertEqual(board.maps[job]?.tileCount, 40)
        let workers = [h.worker("w1", slots: 2), h.worker("w2", slots: 2)]
        for worker in workers { try feed(h.handle(.received(.requestTiles(RequestTiles(count: 2)), from: worker))) }
        var rounds = 0
        while board.maps[job]!.count(.done) < 40 {
            rounds += 1
            XCTAssertLessThan(rounds, 200, "the job does not progress")
            for worker in workers {
                let held = h.log.assigned(to: worker).filter { run in
                    board.maps[job]!.detail(run.index)!.state == .queued
                }
                guard let next = held.first else { continue }
                try feed(
                    h.handle(
                        .received(
                            .tilesStarted(
                                TileBatch(job: job, tiles: [.init(index: next.index, attempt: next.attempt)])),
                            from: worker)))
                XCTAssertEqual(board.maps[job]!.detail(next.index)?.state, .running)
                h.advance(ms: 5)
                try feed(
                    h.handle(
                        .received(
                            .tileDone(
                                TileDone(results: [
                                    TileResult(
                                        job: job, index: next.index, attempt: next.attempt, durationMicros: 7_000,
                                        detail: "")
                                ])), from: worker)))
                try feed(h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker)))
            }
        }
        XCTAssertEqual(doneSeen.count, 40)
        XCTAssertEqual(Set(doneSeen.values), [1], "every tile is done exactly once in the stream")
        for position in 0..<40 {
            let tile = try XCTUnwrap(board.maps[job]?.detail(UInt32(position)))
            XCTAssertEqual(tile.durationMs, 7)
            XCTAssertTrue([1, 2].contains(tile.worker), "finished by a worker: \(tile.worker)")
            XCTAssertTrue(statesSeen[position]!.isSuperset(of: [1, 2, 3]), "\(statesSeen[position]!)")
        }
        // The job ends for the dashboard when its records are written.
        let written = h.handle(.finalRecordsWritten(job, error: nil))
        XCTAssertTrue(
            dashboardEvents(written).contains { if case .jobEnded(job, false, _) = $0 { true } else { false } })
        // Progress ticks list the workers.
        let tick = dashboardEvents(h.handle(.progressTick))
        guard case .workers(let rows)? = tick.first else { return XCTFail("\(tick)") }
        XCTAssertEqual(rows.map(\.name), ["w1", "w2"])
        XCTAssertEqual(rows.map(\.tilesDone).reduce(0, +), 40)
    }

    func testAFailedAttemptsErrorReachesTheTilesDetail() throws {
        var h = CoordinatorHarness(config: CoordinatorConfig(stateDirectory: "/state", dashboard: true))
        var board = TileBoard()
        let client = h.connect(.client, "cli")
        let (job, prepared) = try h.submit(noopJob(tiles: 1, extra: #", "max_attempts": 1"#), from: client)
        dashboardEvents(prepared).forEach { board.apply($0) }
        let worker = h.worker("w1", slots: 1)
        dashboardEvents(h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))).forEach {
            board.apply($0)
        }
        let failed = h.handle(
            .received(
                .tileFailed(
                    TileFailed(failures: [
                        Wire.TileFailure(
                            job: job, index: 0, attempt: 1, durationMicros: 10, retryable: true, error: "exit 7")
                    ])), from: worker))
        dashboardEvents(failed).forEach { board.apply($0) }
        let tile = try XCTUnwrap(board.maps[job]?.detail(0))
        XCTAssertEqual(tile.state, .failed)
        XCTAssertEqual(tile.lastError, "exit 7")
    }

    func testAFinalStepsQuicklooksAreLaidOverTheMap() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        var config = CoordinatorConfig(stateDirectory: "/state", dashboard: true)
        config.finalizer = { _, _ in
            JobFinalization(title: "maps") { .done(["map written"], images: [.init(epsg: 32633, png: png)]) }
        }
        var h = CoordinatorHarness(config: config)
        let feed = DashboardFeed()
        let client = h.connect(.client, "cli")
        let (job, prepared) = try h.submit(noopJob(tiles: 1), from: client)
        feed.apply(dashboardEvents(prepared))
        let worker = h.worker("w1", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        let done = h.handle(
            .received(
                .tileDone(
                    TileDone(results: [TileResult(job: job, index: 0, attempt: 1, durationMicros: 5, detail: "")])),
                from: worker))
        guard case .finalize(job, let step)? = done.last(where: { if case .finalize = $0 { true } else { false } })
        else { return XCTFail("\(done)") }
        feed.apply(dashboardEvents(h.handle(.finalizationEnded(job, step.run()))))
        XCTAssertEqual(feed.quicklook(job: job, index: 0), png)
        let map = try JSONSerialization.jsonObject(with: Data(feed.mapJSON(job: job)!.utf8)) as! [String: Any]
        let quicklooks = try XCTUnwrap(map["quicklooks"] as? [[String: Any]])
        XCTAssertEqual(quicklooks.first?["epsg"] as? Int, 32633)
        XCTAssertEqual(quicklooks.first?["url"] as? String, "api/jobs/\(job)/quicklook/0")
    }

    func testWithoutADashboardTheCoordinatorEmitsNothingForIt() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (_, prepared) = try h.submit(noopJob(tiles: 5), from: client)
        let worker = h.worker("w1", slots: 1)
        let assigned = h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        XCTAssertEqual(dashboardEvents(prepared + assigned + h.handle(.progressTick)).count, 0)
    }
}

/// Reads a stream batch back into tiles (the page's decoding, in Swift).
enum TileBoardDecoding {
    static func decode(_ text: String) throws -> [(job: Int, position: Int, state: Int, worker: Int)] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        var tiles: [(job: Int, position: Int, state: Int, worker: Int)] = []
        for (job, groups) in object["jobs"] as! [String: [[Any]]] {
            for group in groups {
                var position = 0
                for (i, delta) in (group[2] as! [Int]).enumerated() {
                    position = i == 0 ? delta : position + delta
                    tiles.append((Int(job)!, position, group[0] as! Int, group[1] as! Int))
                }
            }
        }
        return tiles
    }
}
