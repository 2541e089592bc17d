import Dashboard
import Foundation
import GrowJob
import TileScheduler
import XCTest

final class TileBoardTests: XCTestCase {
    private func opening(_ job: JobID = 1, tiles: Int = 10) -> JobOpening {
        JobOpening(
            job: job, name: "noop", pipeline: "noop", tiles: TileSet.numbered(tiles)!, selected: nil,
            submittedUnixMs: 1000)
    }

    /// Decodes a batch's JSON back into (job, position, state, worker).
    static func decode(_ text: String) throws -> [(job: Int, position: Int, state: Int, worker: Int)] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        var tiles: [(Int, Int, Int, Int)] = []
        for (job, groups) in object["jobs"] as! [String: [[Any]]] {
            for group in groups {
                var position = 0
                for (i, delta) in (group[2] as! [Int]).enumerated() {
                    position = i == 0 ? delta : position + delta
                    tiles.append((Int(job)!, position, group[0] as! Int, group[1] as! Int))
                }
            }
        }
        return tiles.map { (job: $0.0, position: $0.1, state: $0.2, worker: $0.3) }
    }

    func testABatchHoldsEachChangedTileOnceInItsLatestState() throws {
        var board = TileBoard()
        board.apply(.jobOpened(opening()))
        board.apply(.tiles([TileChange(job: 1, position: 3, state: .queued, worker: 2, attempt: 1)]))
        board.apply(.tiles([TileChange(job: 1, position: 3, state: .running, worker: 2, attempt: 1)]))
        board.apply(
            .tiles([
                TileChange(job: 1, position: 3, state: .done, worker: 2, attempt: 1, durationMicros: 42_000),
                TileChange(job: 1, position: 7, state: .queued, worker: 5, attempt: 1),
                TileChange(job: 1, position: 4, state: .queued, worker: 5, attempt: 1),
            ]))
        let batch = try XCTUnwrap(board.takeBatch(sequence: 1))
        XCTAssertEqual(batch.opened, [1])
        let tiles = try Self.decode(batch.json())
        XCTAssertEqual(tiles.count, 3)
        XCTAssertTrue(tiles.contains { $0.position == 3 && $0.state == 3 && $0.worker == 2 })
        XCTAssertTrue(tiles.contains { $0.position == 4 && $0.state == 1 && $0.worker == 5 })
        XCTAssertTrue(tiles.contains { $0.position == 7 && $0.state == 1 && $0.worker == 5 })
        // Positions of one group are delta-coded: 4 then +3.
        XCTAssertTrue(batch.json().contains("[1,5,[4,3]]"), batch.json())
        XCTAssertNil(board.takeBatch(sequence: 2), "nothing changed since")
        let map = try XCTUnwrap(board.maps[1])
        XCTAssertEqual(map.count(.done), 1)
        XCTAssertEqual(map.count(.queued), 2)
        XCTAssertEqual(map.count(.pending), 7)
        XCTAssertEqual(map.detail(3)?.durationMs, 42)
    }

    func testAFinishedTileNeverGoesBack() throws {
        var board = TileBoard()
        board.apply(.jobOpened(opening()))
        board.apply(.tiles([TileChange(job: 1, position: 0, state: .done, worker: 1, attempt: 1)]))
        _ = board.takeBatch(sequence: 1)
        // A late copy's report (a backup's, a duplicate) cannot undo it.
        board.apply(.tiles([TileChange(job: 1, position: 0, state: .running, worker: 2, attempt: 2)]))
        XCTAssertNil(board.takeBatch(sequence: 2))
        XCTAssertEqual(board.maps[1]?.count(.done), 1)
    }

    func testSettledTilesStartInTheirStateAndErrorsShowInTheDetail() {
        var board = TileBoard()
        var start = opening()
        start.settled = [(0, .done), (1, .failed), (2, .quarantined)]
        board.apply(.jobOpened(start))
        board.apply(.tileError(job: 1, position: 1, error: "exit 3: no such band"))
        let map = board.maps[1]!
        XCTAssertEqual(map.count(.done), 1)
        XCTAssertEqual(map.count(.failed), 1)
        XCTAssertEqual(map.count(.quarantined), 1)
        XCTAssertEqual(map.detail(1)?.lastError, "exit 3: no such band")
        XCTAssertEqual(map.detail(1)?.name, "tile-1")
    }

    func testOnlyTheNewestEndedJobsAreKept() {
        var board = TileBoard(keepJobs: 2)
        for job in JobID(1)...3 {
            board.apply(.jobOpened(opening(job)))
            board.apply(.jobEnded(job: job, cancelled: false, atUnixMs: 2000))
        }
        XCTAssertEqual(board.order, [2, 3])
        XCTAssertNil(board.maps[1])
    }

    func testTheFeedSealsBatchesAtMostOncePerIntervalAndCountsWhatItSent() throws {
        let feed = DashboardFeed(batchIntervalMs: 100)
        feed.apply([.jobOpened(opening())])
        feed.apply([.tiles([TileChange(job: 1, position: 1, state: .queued, worker: 1, attempt: 1)])])
        guard case .batches(let first, let last) = feed.poll(after: 0, nowMs: 1000) else { return XCTFail() }
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(last, 1)
        feed.apply([.tiles([TileChange(job: 1, position: 1, state: .done, worker: 1, attempt: 1)])])
        // Within the interval: no new batch yet.
        XCTAssertEqual(feed.poll(after: 1, nowMs: 1050), .batches([], last: 1))
        guard case .batches(let second, let newest) = feed.poll(after: 1, nowMs: 1100) else { return XCTFail() }
        XCTAssertEqual(newest, 2)
        XCTAssertEqual(try Self.decode(second[0]).map(\.state), [3])
        XCTAssertEqual(feed.streamTotals.tiles, 2)
        // The map snapshot says which batches it already includes.
        let map = try JSONSerialization.jsonObject(with: Data(feed.mapJSON(job: 1)!.utf8)) as! [String: Any]
        XCTAssertEqual(map["seq"] as? Int, 2)
        XCTAssertEqual(map["tiles"] as? Int, 10)
        let states = Data(base64Encoded: map["state"] as! String)!
        XCTAssertEqual(Array(states), [0, 3, 0, 0, 0, 0, 0, 0, 0, 0])
    }
}
