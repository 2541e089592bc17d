import GrowJob
import XCTest

final class JobSpecParsingTests: XCTestCase {
    private func parse(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> JobSpec? {
        do {
            return try JobSpec.parse(json: json, source: "job.json")
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return nil
        }
    }

    func testMinimalNoopTakesDefaults() throws {
        let spec = try XCTUnwrap(parse(#"{"pipeline": "noop", "tiles": 3}"#))
        XCTAssertEqual(spec.pipeline, .noop)
        XCTAssertEqual(spec.name, "noop")
        XCTAssertEqual(spec.tiles.count, 3)
        XCTAssertEqual(spec.maxAttempts, 3)
        XCTAssertEqual(spec.command, [])
        XCTAssertNil(spec.sleep)
        XCTAssertNil(spec.tileTimeoutSeconds)
        XCTAssertFalse(spec.skipExisting)
        XCTAssertTrue(spec.raiseOnFailure)
        XCTAssertEqual(spec.selectedTiles, [0, 1, 2])
    }

    func testFullCommandSpecWithCommentsAndEveryKey() throws {
        let json = """
            // a comment line, as eo-grow allows
            {
              "name": "ndvi", /* inline comment */
              "pipeline": "command",
              "tiles": {"grid": {"columns": 4, "rows": 3}, "prefix": "t"},
              "command": ["python", "run.py", "--tile", "{tile}", "--x={x}", "--y={y}", "{{literal}}"],
              "environment": {"OUT": "{project_folder}/out/{tile}.tif", "MODE": "fast"},
              "max_attempts": 5,
              "tile_timeout": 2.5,
              "storage": {"project_folder": "/data/project"},
              "test_subset": [0, "t_1_2", 5],
              "skip_existing": true,
              "output": "out/{tile}.tif",
              "raise_on_failure": true
            }
            """
        let spec = try XCTUnwrap(parse(json))
        XCTAssertEqual(spec.name, "ndvi")
        XCTAssertEqual(spec.pipeline, .command)
        XCTAssertEqual(spec.tiles.count, 12)
        XCTAssertEqual(spec.command.count, 7)
        XCTAssertEqual(spec.environment, ["OUT": "{project_folder}/out/{tile}.tif", "MODE": "fast"])
        XCTAssertEqual(spec.maxAttempts, 5)
        XCTAssertEqual(spec.tileTimeoutSeconds, 2.5)
        XCTAssertEqual(spec.projectFolder, .local(path: "/data/project"))
        XCTAssertEqual(spec.testSubset, [0, 9, 5])
        XCTAssertEqual(spec.selectedTiles, [0, 9, 5])
        XCTAssertTrue(spec.skipExisting)
        XCTAssertEqual(spec.output, "out/{tile}.tif")
        XCTAssertTrue(spec.raiseOnFailure)
        XCTAssertEqual(spec.outputPath(forTile: 9, job: 1), "/data/project/out/t_1_2.tif")
    }

    func testTileCountForm() throws {
        let tiles = try XCTUnwrap(parse(#"{"pipeline": "noop", "tiles": 5000}"#)).tiles
        XCTAssertEqual(tiles.count, 5000)
        XCTAssertEqual(tiles.name(of: 0), "tile-0")
        XCTAssertEqual(tiles.name(of: 4999), "tile-4999")
        XCTAssertEqual(tiles.index(named: "tile-4999"), 4999)
        XCTAssertNil(tiles.index(named: "tile-5000"))
        XCTAssertNil(tiles.index(named: "tile-01"))
        XCTAssertNil(tiles.coordinates(of: 3))
        XCTAssertFalse(tiles.isGrid)
    }

    func testGridForm() throws {
        let tiles = try XCTUnwrap(
            parse(#"{"pipeline": "noop", "tiles": {"grid": {"columns": 100, "rows": 50}, "prefix": "t"}}"#)
        ).tiles
        XCTAssertEqual(tiles.count, 5000)
        XCTAssertEqual(tiles.name(of: 0), "t_0_0")
        XCTAssertEqual(tiles.name(of: 101), "t_1_1")
        XCTAssertEqual(tiles.name(of: 4999), "t_99_49")
        XCTAssertEqual(tiles.coordinates(of: 250)?.x, 50)
        XCTAssertEqual(tiles.coordinates(of: 250)?.y, 2)
        XCTAssertEqual(tiles.index(named: "t_50_2"), 250)
        XCTAssertNil(tiles.index(named: "t_100_0"))
        XCTAssertNil(tiles.index(named: "x_1_1"))
        XCTAssertTrue(tiles.isGrid)
        for index: UInt32 in [0, 7, 99, 100, 4321] {
            XCTAssertEqual(tiles.index(named: tiles.name(of: index)), index)
        }
    }

    func testGridDefaultPrefix() throws {
        let tiles = try XCTUnwrap(parse(#"{"pipeline": "noop", "tiles": {"grid": {"columns": 2, "rows": 2}}}"#)).tiles
        XCTAssertEqual(tiles.name(of: 3), "tile_1_1")
    }

    func testNamedForm() throws {
        let tiles = try XCTUnwrap(parse(#"{"pipeline": "noop", "tiles": ["31UDQ_1_1", "31UDQ_1_2", "b"]}"#)).tiles
        XCTAssertEqual(tiles.count, 3)
        XCTAssertEqual(tiles.name(of: 1), "31UDQ_1_2")
        XCTAssertEqual(tiles.index(named: "b"), 2)
        XCTAssertNil(tiles.index(named: "c"))
        XCTAssertNil(tiles.coordinates(of: 0))
    }

    func testSleepForms() throws {
        let cases: [(String, SleepDistribution)] = [
            (#"{"fixed_ms": 10}"#, .fixed(ms: 10)),
            (#"{"pareto": {"scale_ms": 5, "alpha": 1.5}, "seed": 1}"#, .pareto(scaleMs: 5, alpha: 1.5, seed: 1)),
            (#"{"lognormal": {"median_ms": 20, "sigma": 1}, "seed": 2}"#, .lognormal(medianMs: 20, sigma: 1, seed: 2)),
            (#"{"uniform": {"min_ms": 1, "max_ms": 9}, "seed": 3}"#, .uniform(minMs: 1, maxMs: 9, seed: 3)),
            (#"{"uniform": {"min_ms": 1, "max_ms": 9}}"#, .uniform(minMs: 1, maxMs: 9, seed: 0)),
        ]
        for (sleep, expected) in cases {
            let spec = try XCTUnwrap(parse(#"{"pipeline": "sleep", "tiles": 1, "sleep": \#(sleep)}"#))
            XCTAssertEqual(spec.sleep, expected, sleep)
        }
    }

    func testTestSubsetByIndexAndNameDeduplicates() throws {
        let spec = try XCTUnwrap(parse(#"{"pipeline": "noop", "tiles": ["a", "b", "c"], "test_subset": ["c", 0, 2]}"#))
        XCTAssertEqual(spec.testSubset, [2, 0])
    }

    func testEscapedBracesAreNotPlaceholders() throws {
        let spec = try XCTUnwrap(parse(#"{"pipeline": "command", "tiles": 1, "command": ["echo", "{{x}}"]}"#))
        XCTAssertEqual(spec.command, ["echo", "{{x}}"])
    }
}
