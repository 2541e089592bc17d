import Foundation
import GrowTestSupport
import XCTest

/// `grow-head cancel` as a user runs it: it answers once the job has ended, its running tiles are
/// stopped, and the records say so.
final class CancelTests: XCTestCase {
    func testCancelStopsTheJobAndAnswersWhenItsRecordsAreWritten() throws {
        let cluster = try ClusterHarness(name: "cancel")
        try cluster.startHead()
        try cluster.startWorker("w1", slots: 2)
        let markers = try cluster.makeMarkers()
        let job = try cluster.writeJob(
            "slow.json",
            """
            {"name": "slow", "pipeline": "command", "tiles": 40,
             "command": ["sh", "-c", "echo started >> \(markers.path)/{tile}; sleep 30"]}
            """)
        let submit = try cluster.headCommand(["submit", job.path])
        XCTAssertEqual(submit.status, 0, submit.output)
        cluster.eventually("two tiles to run") { cluster.markerCount(markers) >= 2 }

        let cancel = try cluster.headCommand(["cancel", "1"])
        XCTAssertEqual(cancel.status, 0, cancel.output)
        XCTAssertTrue(cancel.output.contains("job 1 cancelled: 0 done"), cancel.output)
        // The answer came after the records: they are there to read.
        let records = try cluster.recordsFolder()
        let report = try XCTUnwrap(
            try cluster.readJSON(records.appendingPathComponent("pipeline-report.json")) as? [String: Any])
        let stats = try XCTUnwrap(report["pipeline_execution_stats"] as? [String: Any])
        XCTAssertEqual(stats["state"] as? String, "cancelled")
        XCTAssertEqual(try cluster.readJSON(records.appendingPathComponent("finished.json")) as? [String], [])
        // The running commands were stopped, not left to sleep.
        cluster.eventually("the cancelled commands to be gone") {
            let left = try? cluster.run(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", "\(markers.path)/"])
            return left?.status != 0
        }
        XCTAssertEqual(cluster.markerCount(markers), 2, "no tile started after the cancel")
    }
}
