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
            RecordsFolder.directoryName(startedAt: date, pipeline: "command", id: "7"), "2024-05-01T12-30-05Z-command-7"
        )
        XCTAssertEqual(
            RecordsFolder.directoryName(startedAt: date, pipeline: "a/b c", id: ".."), "2024-05-01T12-30-05Z-a_b_c-_")
    }

    func testFinalFilesAreCompletePrivateJSON() throws {
        let root = try makeScratchDirectory(self)
        let folder = (root as NSString).appendingPathComponent(
            "logs/" + RecordsFolder.directoryName(startedAt: Date(), pipeline: "sleep", id: "3"))
        let records = try RecordsFolder(directory: folder)
        records.log("job 3 started")
        records.log("two\nlines")
        records.flush()

        let spec = try JobSpec.parse(json: #"{"pipeline": "noop", "tiles": ["a", "b", "c"]}"#, source: "t")
        let report = JobReport(
            configParameters: spec.canonicalValue,
            pipelineExecutionStats: .init(
                pipeline: "noop", name: spec.name, pipelineID: "3", startTime: JobReport.timestamp(Date()),
                endTime: JobReport.timestamp(Date()), elapsedTime: 1.25, state: "finished"),
            tiles: .init(total: 3, done: 2, failed: 1, quarantined: 0, skipped: 0, retries: 2),
            tileDurations: DurationStats(seconds: [0.5, 1.5]), workers: .init(tiles: ["w1": 2]),
            scheduler: .init(
                steals: 1, tilesStolen: 2, backupsLaunched: 0, duplicateResults: 0, workersLost: 1,
                reissuedAfterLoss: 3),
            failedTiles: [], versions: ["grow": GrowVersion.current], instanceInfo: .init(host: "h"))
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
        let scheduler = try XCTUnwrap(object["scheduler"] as? [String: Any])
        XCTAssertEqual(scheduler["workers_lost"] as? Int, 1)
        XCTAssertEqual(scheduler["reissued_after_loss"] as? Int, 3)
        XCTAssertEqual((object["workers"] as? [String: Any])?["tiles"] as? [String: Int], ["w1": 2])
        XCTAssertEqual((object["instance_info"] as? [String: Any])?["host"] as? String, "h")
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
        let records = try RecordsFolder(directory: folder)
        let report = JobReport(
            configParameters: .null,
            pipelineExecutionStats: .init(
                pipeline: "noop", name: "n", pipelineID: "1", startTime: "s", endTime: "e", elapsedTime: 0,
                state: "finished"),
            tiles: .init(total: 2, done: 2, failed: 0, quarantined: 0, skipped: 0, retries: 0), tileDurations: nil,
            workers: .init(tiles: [:]),
            scheduler: .init(
                steals: 0, tilesStolen: 0, backupsLaunched: 0, duplicateResults: 0, workersLost: 0, reissuedAfterLoss: 0
            ),
            failedTiles: [], versions: [:], instanceInfo: .init(host: ""))
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
