import GrowJob
import XCTest

/// eo-grow configs as users write them (storage, area and logging managers, a class path), parsed
/// with an area resolver that gives a fixed grid: 3 patches in UTM 33N, then 2 in 34N.
enum EOConfig {
    static let grid = AreaGrid(
        sizeX: 1000, sizeY: 1000, bufferX: 0, bufferY: 0,
        zones: [
            AreaGrid.Zone(
                epsg: 32633, originX: 500_000, originY: 5_000_000,
                cells: [AreaGrid.Cell(col: 0, row: 0), AreaGrid.Cell(col: 0, row: 1), AreaGrid.Cell(col: 1, row: 0)]),
            AreaGrid.Zone(
                epsg: 32634, originX: 300_000, originY: 5_000_000,
                cells: [AreaGrid.Cell(col: 0, row: 0), AreaGrid.Cell(col: 1, row: 0)]),
        ])

    /// The sections every eo-grow config has, then `keys` (JSON members without braces).
    static func json(_ pipeline: String, _ keys: String) -> String {
        """
        {
          "pipeline": "\(pipeline)",
          "storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "/p",
                      "structure": {"features": "features", "lulc": "lulc", "samples": "samples", "training": "training", "maps": "maps"}},
          "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson", "patch": {"size_x": 1000, "size_y": 1000}},
          "logging": {"manager": "eogrow.core.logging.LoggingManager"},
          \(keys)
        }
        """
    }

    static func parse(_ pipeline: String, _ keys: String) throws -> JobSpec {
        try JobSpec.parse(json: json(pipeline, keys), source: "config.json", resolveArea: { _ in grid })
    }

    /// Parses and expects one error at `keyPath` whose one-line message contains `fragment`.
    static func expectError(
        _ pipeline: String, _ keys: String, at keyPath: String, containing fragment: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let spec = try parse(pipeline, keys)
            XCTFail("expected an error at \(keyPath), parsed \(spec)", file: file, line: line)
        } catch let error as JobSpecError {
            XCTAssertEqual(error.keyPath, keyPath, "\(error)", file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error) lacks \(fragment)", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("config.json: \(keyPath): "), "\(error)", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    /// The spec after the trip to a worker (canonical JSON, parsed again): it must be the same.
    static func shipped(_ spec: JobSpec, file: StaticString = #filePath, line: UInt = #line) throws -> JobSpec {
        let again = try JobSpec.parse(json: spec.canonicalJSON(), source: "canonical")
        XCTAssertEqual(again.eo, spec.eo, spec.canonicalJSON(), file: file, line: line)
        XCTAssertEqual(again.tiles, spec.tiles, file: file, line: line)
        XCTAssertEqual(again.testSubset, spec.testSubset, file: file, line: line)
        XCTAssertEqual(again.canonicalJSON(), spec.canonicalJSON(), file: file, line: line)
        return again
    }
}
