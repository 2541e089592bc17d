import Foundation
import GrowJob
import GrowTestSupport
import JobRecords
import ProjectStorage
import XCTest

final class JobRecordsTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testDirectoryNameLikeEoGrow() {
        let date = Date(timeIntervalSince1970: 1_714_566_605.75)  // 2024-05-01 12:30:05 UTC
        XCTAssertEqual(
            JobRecords.directoryName(startedAt: date, pipeline: "command", id: "7"), "2024-05-01T12-30-05Z-command-7")
        XCTAssertEqual(
            JobRecords.directoryName(startedAt: date, pipeline: "a/b c", id: ".."), "2024-05-01T12-30-05Z-a_b_c-_")
    }

    func testFinalFilesAreCompletePrivateJSON() throws {
        let root = try makeScratchDirectory(self)
        let folder = (root as NSString).appendingPathComponent(
            "logs/" + JobRecords.directoryName(startedAt: Date(), pipeline: "sleep", id: "3"))
        let records = try JobRecords(directory: folder)
        records.log("job 3 started")
        records.log("two\nlines")
        records.flush()

        let spec = try JobSpec.parse(json: #"{"pipeline": "noop", "tiles": ["a", "b", "c"]}"#, source: "t")
        var report = JobReport(
            pipeline: "noop", name: spec.name, jobID: "3", startTime: JobReport.timestamp(Date()),
            config: spec.canonicalValue)
        report.endTime = JobReport.timestamp(Date())
        report.elapsedSeconds = 1.25
        report.state = "finished"
        report.tilesTotal = 3
        report.tilesDone = 2
        report.tilesFailed = 1
        report.retries = 2
        report.attemptsHistogram = [1, 1]
        report.tileDurations = DurationStats(seconds: [0.5, 1.5])
        report.tilesPerWorker = ["w1": 2]
        report.lostPerWorker = ["w2": 1]
        let failed = [FailedTile(name: "c", index: 2, attempts: 3, error: "exit 1: bad \"input\"", quarantined: false)]
        try records.writeFinal(finished: ["a", "b"], failed: failed, report: report)

        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(
            names, ["failed.json", "finished.json", "pipeline-report.json", "pipeline.log"], "no temp files")
        XCTAssertEqual(try mode(folder), 0o700)
        for name in names {
            XCTAssertEqual(try mode((folder as NSString).appendingPathComponent(name)), 0o600, name)
        }
        func read(_ name: String) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)))
        }
        XCTAssertEqual(try JSONSerialization.jsonObject(with: read("finished.json")) as? [String], ["a", "b"])
        XCTAssertEqual(try JSONSerialization.jsonObject(with: read("failed.json")) as? [String], ["c"])
        let object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: read("pipeline-report.json")) as? [String: Any])
        let stats = try XCTUnwrap(object["pipeline_execution_stats"] as? [String: Any])
        XCTAssertEqual(stats["pipeline_id"] as? String, "3")
        XCTAssertEqual(stats["elapsed_time"] as? Double, 1.25)
        let config = try XCTUnwrap(object["config_parameters"] as? [String: Any])
        XCTAssertEqual(config["pipeline"] as? String, "noop")
        let tiles = try XCTUnwrap(object["tiles"] as? [String: Any])
        XCTAssertEqual(tiles["failed"] as? Int, 1)
        XCTAssertEqual(
            (object["failed_tiles"] as? [[String: Any]])?.first?["error"] as? String, "exit 1: bad \"input\"")

        let decoded = try JSONDecoder().decode(JobReport.self, from: read("pipeline-report.json"))
        var expected = report
        expected.failedTiles = failed
        XCTAssertEqual(decoded, expected)

        let log = try String(
            contentsOfFile: (folder as NSString).appendingPathComponent("pipeline.log"), encoding: .utf8)
        XCTAssertTrue(log.contains(" job 3 started\n"), log)
        XCTAssertTrue(log.contains(" two\n\tlines\n"), log)
    }

    func testWritingAgainReplacesFiles() throws {
        let folder = (try makeScratchDirectory(self) as NSString).appendingPathComponent("r")
        let records = try JobRecords(directory: folder)
        let report = JobReport(pipeline: "noop", name: "n", jobID: "1", startTime: JobReport.timestamp(Date()))
        try records.writeFinal(finished: ["a"], failed: [], report: report)
        try records.writeFinal(finished: ["a", "b"], failed: [], report: report)
        let data = try Data(
            contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("finished.json")))
        XCTAssertEqual(try JSONSerialization.jsonObject(with: data) as? [String], ["a", "b"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).count, 4)
    }

    func testDurationStats() throws {
        let stats = try XCTUnwrap(DurationStats(seconds: (1...100).map { Double($0) }))
        XCTAssertEqual(stats.count, 100)
        XCTAssertEqual(stats.mean, 50.5)
        XCTAssertEqual(stats.p50, 50)
        XCTAssertEqual(stats.p95, 95)
        XCTAssertEqual(stats.max, 100)
        XCTAssertNil(DurationStats(seconds: []))
    }
}
