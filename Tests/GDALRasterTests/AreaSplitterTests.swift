import Foundation
import GDALRaster
import GrowJob
import GrowTestSupport
import XCTest

/// The UTM grid against GDAL's own geometry (in Python, computed by the test): every patch
/// meets the AOI, the patches cover it, names and alignment are eo-grow's.
final class AreaSplitterTests: XCTestCase {
    func testAreaAcrossTwoZonesIsSplitPerZoneCoveredAndNamedLikeEoGrow() throws {
        let folder = try makeScratchDirectory(self)
        let aoi = folder + "/aoi.geojson"
        // Straddles 12°E, the border of UTM zones 32 and 33, with a hole-free irregular outline.
        try polygonGeoJSON([(11.80, 45.00), (12.25, 45.02), (12.30, 45.30), (11.95, 45.35), (11.80, 45.00)])
            .write(toFile: aoi, atomically: true, encoding: .utf8)
        let settings = AreaSettings(filename: aoi, sizeX: 5000, sizeY: 5000, offsetX: 0, offsetY: 0)
        let grid = try AreaSplitter.split(aoiPath: aoi, settings: settings)

        XCTAssertEqual(grid.zones.map(\.epsg), [32632, 32633])
        let tiles = grid.tiles
        XCTAssertGreaterThan(tiles.count, 10)
        let width = String(tiles.count - 1).count
        for (index, tile) in tiles.enumerated() {
            let number = String(repeating: "0", count: width - String(index).count) + String(index)
            XCTAssertEqual(tile.name, "eopatch-id-\(number)-col-\(tile.cell.col)-row-\(tile.cell.row)")
            XCTAssertEqual(tile.bounds.minX.truncatingRemainder(dividingBy: 5000), 0)
            XCTAssertEqual(tile.bounds.minY.truncatingRemainder(dividingBy: 5000), 0)
            XCTAssertEqual(tile.bounds.width, 5000)
        }
        XCTAssertEqual(Set(tiles.map(\.name)).count, tiles.count)

        // Independent check with GDAL's Python bindings: each patch meets the AOI, and the
        // AOI's part in each zone is covered by that zone's patches.
        let patches = tiles.map {
            "[\($0.epsg), \($0.bounds.minX), \($0.bounds.minY), \($0.bounds.maxX), \($0.bounds.maxY)]"
        }
        let report = try runNumpy(
            """
            import json, sys
            from osgeo import ogr, osr
            source = ogr.Open(sys.argv[1]); feature = source.GetLayer(0).GetNextFeature()
            aoi = feature.GetGeometryRef().Clone()
            wgs = osr.SpatialReference(); wgs.ImportFromEPSG(4326); wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            patches = json.loads(sys.argv[2])
            union = {}
            for epsg, x0, y0, x1, y1 in patches:
                utm = osr.SpatialReference(); utm.ImportFromEPSG(epsg); utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
                ring = ogr.Geometry(ogr.wkbLinearRing)
                for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]: ring.AddPoint_2D(x, y)
                box = ogr.Geometry(ogr.wkbPolygon); box.AddGeometry(ring)
                box.Transform(osr.CoordinateTransformation(utm, wgs))
                assert box.Intersects(aoi), ("patch misses the AOI", epsg, x0, y0)
                union[epsg] = box if epsg not in union else union[epsg].Union(box)
            for epsg, covered in union.items():
                zone = epsg - 32600
                west = -180 + 6 * (zone - 1)
                ring = ogr.Geometry(ogr.wkbLinearRing)
                for x, y in [(west, 0), (west + 6, 0), (west + 6, 84), (west, 84), (west, 0)]: ring.AddPoint_2D(x, y)
                cell = ogr.Geometry(ogr.wkbPolygon); cell.AddGeometry(ring)
                part = aoi.Intersection(cell)
                uncovered = part.Difference(covered).GetArea()
                assert uncovered < 1e-9 * part.GetArea() + 1e-12, ("zone not covered", epsg, uncovered)
            print("ok", len(patches))
            """, [aoi, "[" + patches.joined(separator: ",") + "]"], requires: ["osgeo"])
        XCTAssertTrue(report.hasPrefix("ok \(tiles.count)"), report)
    }

    func testOffsetAndBufferMoveAndGrowEveryPatch() throws {
        let folder = try makeScratchDirectory(self)
        let aoi = folder + "/aoi.geojson"
        try polygonGeoJSON([(14.5, 46.0), (14.6, 46.0), (14.6, 46.1), (14.5, 46.1), (14.5, 46.0)])
            .write(toFile: aoi, atomically: true, encoding: .utf8)
        let grid = try AreaSplitter.split(
            aoiPath: aoi,
            settings: AreaSettings(
                filename: aoi, sizeX: 2000, sizeY: 2000, bufferX: 100, bufferY: 50, offsetX: 300, offsetY: 700))
        XCTAssertEqual(grid.zones.map(\.epsg), [32633])
        for tile in grid.tiles {
            XCTAssertEqual((tile.bounds.minX + 100 - 300).truncatingRemainder(dividingBy: 2000), 0)
            XCTAssertEqual((tile.bounds.minY + 50 - 700).truncatingRemainder(dividingBy: 2000), 0)
            XCTAssertEqual(tile.bounds.width, 2200)
            XCTAssertEqual(tile.bounds.height, 2100)
        }
    }

    func testAreaOutsideEveryUTMZoneIsAClearError() throws {
        let folder = try makeScratchDirectory(self)
        let aoi = folder + "/arctic.geojson"
        try polygonGeoJSON([(10, 85), (20, 85), (20, 88), (10, 88), (10, 85)]).write(
            toFile: aoi, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(
            try AreaSplitter.split(aoiPath: aoi, settings: AreaSettings(filename: aoi, sizeX: 10000, sizeY: 10000))
        ) {
            let text = "\($0)"
            XCTAssertTrue(text.contains(aoi) && text.contains("outside every UTM zone"), text)
        }
    }

    func testConfigAreaIsResolvedCachedAndShippedAsAGrid() throws {
        let project = try makeScratchDirectory(self)
        try FileManager.default.createDirectory(atPath: project + "/input-data", withIntermediateDirectories: true)
        try polygonGeoJSON([(14.5, 46.0), (14.6, 46.0), (14.6, 46.1), (14.5, 46.1), (14.5, 46.0)])
            .write(toFile: project + "/input-data/aoi.geojson", atomically: true, encoding: .utf8)
        let config = """
            {"pipeline": "noop", "storage": {"project_folder": "\(project)"},
             "area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 3000, "size_y": 3000}},
             "test_subset": [0]}
            """
        let spec = try JobSpec.parse(json: config, source: "area.json", resolveArea: AreaResolver.resolve)
        XCTAssertNotNil(spec.tiles.areaGrid)
        XCTAssertEqual(spec.testSubset, [0])
        XCTAssertEqual(
            try JobSpec.parse(
                json: config.replacingOccurrences(of: "[0]", with: "[\"\(spec.tiles.name(of: 1))\"]"),
                source: "area.json", resolveArea: AreaResolver.resolve
            ).testSubset, [1])
        let cached = try FileManager.default.contentsOfDirectory(atPath: project + "/cache")
        XCTAssertEqual(cached, ["UtmZoneAreaManager_aoi_3000_3000_0_0_0_0.json"])
        // What the head ships to workers parses back to the same tiles without the AOI file.
        try FileManager.default.removeItem(atPath: project + "/input-data/aoi.geojson")
        let shipped = try JobSpec.parse(json: spec.canonicalJSON(), source: "canonical")
        XCTAssertEqual(shipped, spec)
        XCTAssertEqual(shipped.tiles.areaTiles, spec.tiles.areaTiles)
        // Parsing stays pure: without a resolver an area is an error, not a file read.
        XCTAssertThrowsError(try JobSpec.parse(json: config, source: "area.json")) { error in
            XCTAssertTrue("\(error)".contains("area: this job's area is not resolved"), "\(error)")
        }
    }

    func testAreaMistakesNameTheFileAndKey() throws {
        let project = try makeScratchDirectory(self)
        func problem(_ area: String) -> String {
            let config = #"{"pipeline": "noop", "storage": {"project_folder": "\#(project)"}, "area": \#(area)}"#
            do {
                _ = try JobSpec.parse(json: config, source: "bad.json", resolveArea: AreaResolver.resolve)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(
            problem(#"{"patch": {"size_x": 10, "size_y": 10}}"#).hasPrefix("bad.json: area.geometry_filename: missing"))
        XCTAssertTrue(
            problem(#"{"geometry_filename": "aoi.geojson", "patch": {"size_x": "big", "size_y": 10}}"#)
                .hasPrefix("bad.json: area.patch.size_x: expected"))
        let missing = problem(
            #"{"geometry_filename": "nowhere.geojson", "patch": {"size_x": 100, "size_y": 100}}"#)
        XCTAssertTrue(
            missing.hasPrefix("bad.json: area.geometry_filename:") && missing.contains("nowhere.geojson"),
            missing)
        XCTAssertTrue(
            problem(
                #"{"geometry_filename": "a.geojson", "patch": {"size_x": 100, "size_y": 100}, "sizes": 1}"#
            )
            .hasPrefix("bad.json: area.sizes: unknown key"))
    }
}

/// A one-feature GeoJSON polygon in longitude/latitude.
func polygonGeoJSON(_ ring: [(Double, Double)]) -> String {
    let coordinates = ring.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
    return
        #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[\#(coordinates)]]}}]}"#
}
