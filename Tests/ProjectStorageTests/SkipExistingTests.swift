import Foundation
import GrowJob
import GrowTestSupport
import ProjectStorage
import XCTest

final class SkipExistingTests: XCTestCase {
    func testOnlyTilesWithoutOutputAreRun() throws {
        let root = try makeScratchDirectory(self)
        let spec = try JobSpec.parse(
            json: """
                {"pipeline": "command", "tiles": ["a", "b", "c", "d"], "command": ["true"],
                 "storage": {"project_folder": "\(root)"}, "output": "out/{tile}.tif", "skip_existing": true}
                """, source: "t")
        try FileManager.default.createDirectory(
            atPath: (root as NSString).appendingPathComponent("out"), withIntermediateDirectories: true)
        for name in ["b", "d"] {
            _ = FileManager.default.createFile(
                atPath: (root as NSString).appendingPathComponent("out/\(name).tif"), contents: Data())
        }
        XCTAssertEqual(spec.outputPath(forTile: 1, job: 5), (root as NSString).appendingPathComponent("out/b.tif"))
        XCTAssertEqual(try spec.planTilesAgainstExistingOutputs(job: 5), TilePlan(run: [0, 2], skipped: [1, 3]))
    }

    func testWithoutSkipExistingEverySelectedTileRuns() throws {
        let spec = try JobSpec.parse(
            json: #"{"pipeline": "noop", "tiles": 5, "output": "/nonexistent/{tile}", "test_subset": [4, 1]}"#,
            source: "t")
        XCTAssertEqual(spec.planTiles(job: 1, outputExists: { _ in true }), TilePlan(run: [4, 1], skipped: []))
    }

    func testSkipExistingRespectsTestSubsetAndCustomCheck() throws {
        let spec = try JobSpec.parse(
            json:
                #"{"pipeline": "noop", "tiles": {"grid": {"columns": 3, "rows": 2}}, "output": "s3://b/{x}-{y}-{job}", "skip_existing": true, "test_subset": [0, 4, 5]}"#,
            source: "t")
        let existing: Set<String> = ["s3://b/1-1-2"]
        XCTAssertEqual(spec.planTiles(job: 2, outputExists: existing.contains), TilePlan(run: [0, 5], skipped: [4]))
        XCTAssertEqual(
            try spec.planTilesAgainstExistingOutputs(job: 2), TilePlan(run: [0, 4, 5], skipped: []),
            "s3 paths are not checked locally")
    }
}
