import EOData
import EOPipelines
import Exec
import Foundation
import GDALRaster
import GrowJob
import GrowTestSupport
import ProjectStorage
import XCTest

/// import -> features -> export_maps on the real Landsat-7 scene, each step checked against an
/// independent computation: GDAL's own warp (Python), numpy's NDVI, GDAL's COG validator.
final class RealScenePipelineTests: XCTestCase {
    func testImportFeaturesAndExportMatchGDALAndNumpy() async throws {
        let scene = try sampleScene()
        let project = try makeScratchDirectory(self)
        try writeFootprint(of: scene, to: project + "/input-data/aoi.geojson")
        try FileManager.default.copyItem(atPath: scene, toPath: project + "/input-data/L7.tif")

        let common = """
            "storage": {"project_folder": "\(project)", "structure": {"data": "data", "features": "features", "maps": "maps"}},
            "area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 3000, "size_y": 3000}}
            """
        let importSpec = try eoSpec(
            #"{\#(common), "pipeline": "import", "scenes": [{"path": "L7.tif", "timestamp": "2000-01-01"}], "resolution": 30, "resample_type": "bilinear", "output_folder_key": "data", "output_feature": ["data", "BANDS"]}"#
        )
        XCTAssertGreaterThan(importSpec.tiles.count, 9)
        await runAllTiles(importSpec)
        let featuresSpec = try eoSpec(
            #"{\#(common), "pipeline": "features", "input_folder_key": "data", "output_folder_key": "features", "bands_feature_name": "BANDS", "data_preparation": {"valid_data_feature_name": "IS_DATA"}, "output_feature_name": "FEATURES", "ndis": {"NDVI": [3, 2], "NDWI": [1, 3]}}"#
        )
        await runAllTiles(featuresSpec)
        let exportSpec = try eoSpec(
            #"{\#(common), "pipeline": "export_maps", "input_folder_key": "features", "output_folder_key": "maps", "feature": ["data", "FEATURES"], "band_indices": [6], "map_name": "ndvi.tif", "quicklook": "ndvi"}"#
        )
        await runAllTiles(exportSpec)
        let names = (0..<UInt32(exportSpec.tiles.count)).map { exportSpec.tiles.name(of: $0) }
        let outputs = try MapMosaic.build(spec: exportSpec, finishedTiles: names)
        XCTAssertEqual(outputs.map(\.epsg), [32725])
        XCTAssertEqual(outputs.first?.tiles, names.count)

        let tiles = importSpec.tiles.areaTiles.map {
            "[\"\($0.name)\", \($0.epsg), \($0.bounds.minX), \($0.bounds.minY), \($0.bounds.maxX), \($0.bounds.maxY)]"
        }
        let report = try runNumpy(
            """
            import gzip, json, sys, subprocess
            import numpy as np
            def load(path):  # eo-learn's layout: gzip level 1
                with gzip.open(path + ".gz") as file:
                    return np.load(file)
            from osgeo import gdal, osr
            gdal.UseExceptions()
            project, scene, validator = sys.argv[1], sys.argv[2], sys.argv[3]
            tiles = json.loads(sys.argv[4])
            checked = 0
            for name, epsg, x0, y0, x1, y1 in tiles:
                bands = load(f"{project}/data/{name}/data/BANDS.npy")
                valid = load(f"{project}/data/{name}/mask/IS_DATA.npy")
                # Import: GDAL's own warp into the same grid.
                ref = gdal.Warp("", scene, format="MEM", dstSRS=f"EPSG:{epsg}", outputBounds=(x0, y0, x1, y1),
                                xRes=30, yRes=30, resampleAlg="bilinear", outputType=gdal.GDT_Float32,
                                dstNodata=float("nan")).ReadAsArray()
                ref = np.moveaxis(ref, 0, -1)[None]
                assert bands.shape == ref.shape, (bands.shape, ref.shape)
                assert np.array_equal(np.isnan(bands), np.isnan(ref)), name
                assert np.allclose(bands, ref, equal_nan=True, atol=1e-4), (name, np.nanmax(np.abs(bands - ref)))
                assert np.array_equal(valid[..., 0], ~np.isnan(bands).any(axis=-1)), name
                # Features: the bands, then numpy's NDVI and NDWI of them, bit for bit; nothing else.
                b = bands.astype(np.float32)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ndvi = (b[..., 3] - b[..., 2]) / (b[..., 3] + b[..., 2])
                    ndwi = (b[..., 1] - b[..., 3]) / (b[..., 1] + b[..., 3])
                features = load(f"{project}/features/{name}/data/FEATURES.npy")
                assert features.dtype == np.float32, features.dtype
                assert np.array_equal(features, np.concatenate([b, ndvi[..., None], ndwi[..., None]], axis=-1), equal_nan=True)
                import os
                assert sorted(os.listdir(f"{project}/features/{name}")) == ["bbox.geojson", "data", "timestamps.json"]
                assert os.listdir(f"{project}/features/{name}/data") == ["FEATURES.npy.gz"]
                # Export: a valid COG placed exactly on the tile.
                cog = f"{project}/maps/ndvi/tiles/{name}.tif"
                subprocess.run([sys.executable, validator, "-q", cog], check=True)
                ds = gdal.Open(cog)
                gt = ds.GetGeoTransform()
                assert abs(gt[0] - x0) < 15 and abs(gt[3] - y1) < 15 and gt[1] == 30 and gt[5] == -30, (name, gt)
                srs = osr.SpatialReference(wkt=ds.GetProjection()); srs.AutoIdentifyEPSG()
                assert srs.GetAuthorityCode(None) == str(epsg)
                assert np.array_equal(ds.ReadAsArray(), ndvi[0], equal_nan=True), name
                checked += 1
            # The zone's mosaic: a valid COG holding every tile's values where they are.
            mosaic = f"{project}/maps/ndvi/ndvi_32725.tif"
            subprocess.run([sys.executable, validator, "-q", mosaic], check=True)
            m = gdal.Open(mosaic); mgt = m.GetGeoTransform(); values = m.ReadAsArray()
            for name, epsg, x0, y0, x1, y1 in tiles:
                col = int(round((x0 - mgt[0]) / 30)); row = int(round((mgt[3] - y1) / 30))
                tile = gdal.Open(f"{project}/maps/ndvi/tiles/{name}.tif").ReadAsArray()
                part = values[row:row + tile.shape[0], col:col + tile.shape[1]]
                assert np.array_equal(part, tile, equal_nan=True), name
            # Georeferencing: the scene's footprint, taken to the mosaic's CRS, matches the mosaic's
            # valid pixels to within one output pixel on every side.
            src = gdal.Open(scene); sgt = src.GetGeoTransform()
            s = osr.SpatialReference(wkt=src.GetProjection()); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            t = osr.SpatialReference(); t.ImportFromEPSG(32725); t.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            ct = osr.CoordinateTransformation(s, t)
            corners = [ct.TransformPoint(sgt[0] + c * sgt[1], sgt[3] + r * sgt[5])[:2] for c in (0, src.RasterXSize) for r in (0, src.RasterYSize)]
            rows, cols = np.nonzero(~np.isnan(values))
            extent = (mgt[0] + cols.min() * 30, mgt[3] - (rows.max() + 1) * 30, mgt[0] + (cols.max() + 1) * 30, mgt[3] - rows.min() * 30)
            expected = (min(x for x, _ in corners), min(y for _, y in corners), max(x for x, _ in corners), max(y for _, y in corners))
            assert all(abs(a - b) <= 45 for a, b in zip(extent, expected)), (extent, expected)
            png = gdal.Open(f"{project}/maps/ndvi/ndvi_32725.png")
            assert png.RasterCount == 4 and max(png.RasterXSize, png.RasterYSize) <= 1024
            print("ok", checked)
            """, [project, scene, cogValidator, "[" + tiles.joined(separator: ",") + "]"],
            requires: ["numpy", "osgeo", "osgeo_utils"])
        XCTAssertTrue(report.hasPrefix("ok \(tiles.count)"), report)
    }
}

/// `tile_timeout` on an EO pipeline: the tile is stopped at its next step and fails as timed
/// out (retryable); without the timeout the same tile finishes.
final class EOTileTimeoutTests: XCTestCase {
    func testImportLongerThanItsTimeoutFailsAsTimedOut() async throws {
        let scene = try sampleScene()
        let project = try makeScratchDirectory(self)
        try writeFootprint(of: scene, to: project + "/input-data/aoi.geojson")
        // 200 scenes (the same file on 200 dates): far more than 1 ms of work.
        let scenes = (0..<200).map {
            #"{"path": "\#(scene)", "timestamp": "2000-01-\#(String(format: "%02d", $0 % 28 + 1))T\#(String(format: "%02d", $0 / 28)):00:00"}"#
        }
        func spec(timeout: String) throws -> JobSpec {
            try eoSpec(
                """
                {"storage": {"project_folder": "\(project)", "structure": {"data": "data"}},
                 "area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 3000, "size_y": 3000}},
                 "pipeline": "import", "scenes": [\(scenes.joined(separator: ","))], "resolution": 300,
                 "output_folder_key": "data", "output_feature": ["data", "BANDS"]\(timeout)}
                """)
        }
        let limited = try spec(timeout: #", "tile_timeout": 0.001"#)
        let context = TileContext(job: 1, index: 0, attempt: 1, name: limited.tiles.name(of: 0), workDir: "")
        let outcome = await TileExecutor(eoPipelines: EOPipelineRunner()).run(
            limited, context, cancellation: TileCancellation())
        guard case .failed(let retryable, let error) = outcome else {
            return XCTFail("finished despite the timeout")
        }
        XCTAssertTrue(retryable)
        XCTAssertTrue(error.hasPrefix("timed out after 0.001s"), error)
        XCTAssertFalse(try EOPatch.isComplete(in: LocalStore(root: project), folder: "data/\(context.name)"))
        let unlimited = await TileExecutor(eoPipelines: EOPipelineRunner()).run(
            try spec(timeout: ""), context, cancellation: TileCancellation())
        XCTAssertTrue(unlimited.isDone, "\(unlimited)")
    }
}
