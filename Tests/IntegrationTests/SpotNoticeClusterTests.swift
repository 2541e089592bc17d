import Foundation
import GrowTestSupport
import XCTest

/// Real grow-head and grow-worker processes, each worker watching a metadata stand-in of its own;
/// the test makes one announce a spot interruption in the middle of a job.
final class SpotNoticeClusterTests: XCTestCase {
    func testASpotNoticeMidJobDrainsTheWorkerReissuesItsTilesAndLosesNone() throws {
        let cluster = try ClusterHarness(name: "spot-notice")
        try cluster.startHead(extra: ["--no-backups"])
        let markers = try cluster.makeMarkers()
        var standIns: [String: IMDSStandIn] = [:]
        var processes: [String: Process] = [:]
        for name in ["w0", "w1", "w2"] {
            let standIn = try IMDSStandIn(instanceID: "i-\(name)")
            standIns[name] = standIn
            processes[name] = try cluster.startWorker(
                name, slots: 2,
                extra: ["--imds-endpoint", standIn.url, "--notice-poll-interval", "0.2", "--notice-margin", "2"])
        }
        let tiles = 320
        // Every 40th tile sleeps 20 s, the rest 0.1 s.
        let job = try cluster.writeJob(
            "spot.json",
            #"{"name": "spot", "pipeline": "command", "tiles": \#(tiles), "command": "#
                + SpotMarkers.command(folder: markers, short: 0.1, long: 20, every: 40, which: 7) + "}")
        let submit = try cluster.startSubmit(job)

        // The notice goes to the first worker that runs one of the long tiles: that one cannot end
        // before the deadline and must be reissued at the margin.
        var longTile = ""
        var name = ""
        try cluster.eventually("a long tile to start") {
            let marks = try SpotMarkers(folder: markers)
            for (tile, runs) in marks.runs where Int(tile.split(separator: "-").last ?? "")! % 40 == 7 {
                if let run = runs.first {
                    (longTile, name) = (tile, run.worker)
                    return true
                }
            }
            return false
        }
        let standIn = try XCTUnwrap(standIns[name])
        let spot = try XCTUnwrap(processes[name])
        let termination = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 6).rounded(.down))
        standIn.setInstanceAction("terminate", time: termination)
        let deadline = termination.addingTimeInterval(-2)

        spot.waitUntilExit()
        XCTAssertEqual(spot.terminationStatus, 0, cluster.log("worker-\(name)"))
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit") + cluster.log("head"))
        let notice = try XCTUnwrap(standIn.firstServedNotice, "the worker never read the notice")
        let spotLog = cluster.log("worker-\(name)")
        XCTAssertTrue(spotLog.contains("spot interruption notice"), spotLog)

        // Every tile recorded once; none lost, none failed.
        let finished =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("finished.json")) as? [String]
        XCTAssertEqual(finished?.count, tiles)
        XCTAssertEqual(Set(finished ?? []), Set((0..<tiles).map { "tile-\($0)" }))
        let failed = try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("failed.json")) as? [String]
        XCTAssertEqual(failed, [])
        let report = try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json"))
        let scheduler = (report as? [String: Any])?["scheduler"] as? [String: Any]
        XCTAssertEqual(scheduler?["workers_lost"] as? Int, 0, "a drained worker is not a lost one")

        // The queued tiles it gave back at the notice ran elsewhere.
        let marks = try SpotMarkers(folder: markers)
        XCTAssertEqual(marks.runs.count, tiles, "every tile ran")
        let givenBack = spotLog.split(separator: "\n").filter { $0.contains("gave back queued tiles") }
            .flatMap { line -> [String] in
                guard let range = line.range(of: "tiles=") else { return [] }
                return line[range.upperBound...].split(separator: " ").first?.split(separator: ",").map {
                    "tile-\($0)"
                } ?? []
            }
        XCTAssertFalse(givenBack.isEmpty, "the spot worker held queued tiles at the notice:\n\(spotLog)")
        var reissued: [TimeInterval] = []
        for tile in givenBack {
            let run = try XCTUnwrap(marks.firstRun(of: tile, awayFrom: name), "\(tile) never ran after the notice")
            XCTAssertFalse(marks.runs[tile]?.contains { $0.worker == name } ?? true, "\(tile) ran on the spot worker")
            reissued.append(run.startedAt.timeIntervalSince(notice))
        }
        // The long tile it was running: stopped at the deadline, run again elsewhere, not earlier.
        let again = try XCTUnwrap(marks.firstRun(of: longTile, awayFrom: name), "\(longTile) was not reissued")
        XCTAssertGreaterThanOrEqual(again.startedAt.timeIntervalSince(deadline), -0.2, "reissued before the margin")
        XCTAssertTrue(spotLog.contains("drain deadline reached"), spotLog)
        // No tile started on the spot worker once it had seen the notice.
        let lateStarts = marks.runs.values.flatMap { $0 }.filter {
            $0.worker == name && $0.startedAt > notice.addingTimeInterval(0.5)
        }
        XCTAssertEqual(lateStarts, [])

        let lastQueued = reissued.max() ?? 0
        print(
            String(
                format:
                    "spot notice → %d queued tiles reissued and started elsewhere within %.0f ms; the running %@ reissued at the margin, %.0f ms after the notice (deadline: notice time − 2 s, %.0f ms after the worker saw it)",
                givenBack.count, lastQueued * 1000, longTile, again.startedAt.timeIntervalSince(notice) * 1000,
                deadline.timeIntervalSince(notice) * 1000))
    }
}
