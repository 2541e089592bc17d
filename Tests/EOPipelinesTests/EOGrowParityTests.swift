import Foundation
import GrowTestSupport
import XCTest

/// eo-grow's own configs for ImportTiff, Features (with `data_preparation`) and
/// MosaickingFeatures run unchanged through eo-grow 1.7.15 and through `grow-head run`, each in
/// its own copy of one project: the same files land in the same places, and every array has the
/// same dtype, shape and bits (no tolerance is needed: grow follows numpy's arithmetic).
final class EOGrowParityTests: XCTestCase {
    private var root = ""
    private var eoGrowProject = ""
    private var growProject = ""

    override func setUpWithError() throws {
        try EOGrowVenv.require()
        try PackagePaths.requireBinaries()
        root = try makeScratchDirectory(self, "parity")
        eoGrowProject = root + "/eogrow"
        growProject = root + "/grow"
    }

    func testImportFeaturesAndMosaickingMatchEoGrowBitForBit() throws {
        let scene = try sampleScene()
        let input = eoGrowProject + "/input-data"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        // A UInt16 tiff on the 30 m UTM grid the patches align with; the AOI reaches past its
        // eastern edge, so some patches are partly outside it (filled with no_data_value).
        try check(
            runProcess(
                "/usr/bin/gdalwarp",
                ["-q", "-t_srs", "EPSG:32725", "-tr", "30", "30", "-tap", "-ot", "UInt16", scene, input + "/bands.tif"])
        )
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32725"}},
         "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
           "coordinates": [[[293500, 9113500], [299000, 9113500], [299000, 9119000], [293500, 9119000], [293500, 9113500]]]}}]}
        """.write(toFile: root + "/box.geojson", atomically: true, encoding: .utf8)
        try check(
            runProcess(
                "/usr/bin/ogr2ogr",
                ["-f", "GeoJSON", "-t_srs", "EPSG:4326", input + "/aoi.geojson", root + "/box.geojson"]))
        _ = try EOGrowVenv.runPython(Self.makeLandCover, [input + "/bands.tif", input + "/lulc.tif"])
        try FileManager.default.copyItem(atPath: eoGrowProject, toPath: growProject)
        let configs = try writeConfigs()

        for name in ["import_bands", "import_lulc"] { try runBoth(configs + "/\(name).json") }
        // Temporal input patches on the same grid: uint16 bands (with 0/0 and wrapping pixels), a
        // valid-data mask, a cloud mask, an extra feature and timestamps, the same in both projects.
        _ = try EOGrowVenv.runPython(Self.makeTemporalPatches, [eoGrowProject])
        try FileManager.default.copyItem(atPath: eoGrowProject + "/input", toPath: growProject + "/input")
        for name in ["features", "features16", "mosaics", "maxndi", "sparse"] { try runBoth(configs + "/\(name).json") }

        let report = try EOGrowParity(eoGrow: eoGrowProject, grow: growProject, workers: 1).compare(
            ["data", "lulc", "features", "features16", "mosaics", "maxndi", "sparse"])
        XCTAssertEqual(report.trimmingCharacters(in: .whitespacesAndNewlines), "ok 171", report)
    }

    /// eo-grow's configs, as an eo-grow user writes them (`debug` runs eo-grow without Ray).
    private func writeConfigs() throws -> String {
        let folder = root + "/configs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let folders = ["data", "lulc", "input", "features", "features16", "mosaics", "maxndi", "sparse"]
        let configs: [String: String] = [
            "global": """
            {"storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "${var:project}",
                         "structure": {\(folders.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ", "))}},
             "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson",
                      "patch": {"size_x": 2400, "size_y": 2400}},
             "logging": {"manager": "eogrow.core.logging.LoggingManager", "save_logs": false, "show_logs": false},
             "debug": true}
            """,
            "import_bands": """
            {"pipeline": "eogrow.pipelines.import_tiff.ImportTiffPipeline", "output_folder_key": "data",
             "input_filename": "bands.tif", "output_feature": ["data", "REF"]}
            """,
            "import_lulc": """
            {"pipeline": "eogrow.pipelines.import_tiff.ImportTiffPipeline", "output_folder_key": "lulc",
             "input_filename": "lulc", "output_feature": ["mask_timeless", "LULC"], "dtype": "uint8", "no_data_value": 0}
            """,
            "features": """
            {"pipeline": "eogrow.pipelines.features.FeaturesPipeline", "input_folder_key": "input",
             "output_folder_key": "features", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA", "cloud_mask_feature_name": "CLM", "validity_threshold": 0.6},
             "ndis": {"NDWI": [1, 3], "NDVI": [3, 2]}, "output_feature_name": "FEATURES"}
            """,
            "features16": """
            {"pipeline": "eogrow.pipelines.features.FeaturesPipeline", "input_folder_key": "input",
             "output_folder_key": "features16", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA"}, "ndis": {"NDVI": [3, 2]}, "dtype": "float16",
             "output_feature_name": "FEATURES"}
            """,
            "mosaics": """
            {"pipeline": "eogrow.pipelines.features.MosaickingFeaturesPipeline", "input_folder_key": "input",
             "output_folder_key": "mosaics", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA", "cloud_mask_feature_name": "CLM"},
             "ndis": {"NDVI": [3, 2]}, "output_feature_name": "FEATURES",
             "mosaicking": {"time_period": ["2020-05-01", "2020-08-31"], "n_mosaics": 3}}
            """,
            "maxndi": """
            {"pipeline": "eogrow.pipelines.features.MosaickingFeaturesPipeline", "input_folder_key": "input",
             "output_folder_key": "maxndi", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA"}, "ndis": {"NDWI": [1, 3]}, "dtype": "float32",
             "output_feature_name": "FEATURES",
             "mosaicking": {"time_period": ["Q2", 2020], "n_mosaics": 2, "max_ndi_indices": [3, 2]}}
            """,
            // Intervals without frames (float64, as numpy's NaN fill makes it) and microsecond centres.
            "sparse": """
            {"pipeline": "eogrow.pipelines.features.MosaickingFeaturesPipeline", "input_folder_key": "input",
             "output_folder_key": "sparse", "bands_feature_name": "BANDS",
             "data_preparation": {"valid_data_feature_name": "IS_DATA", "validity_threshold": 0.5},
             "ndis": {"NDVI": [-3, 2]}, "output_feature_name": "FEATURES",
             "mosaicking": {"time_period": ["2020-01-01", "2020-05-20T13:00:00"], "n_mosaics": 7}}
            """,
        ]
        for (name, text) in configs {
            let body = name == "global" ? text : "{\"**global\": \"${config_path}/global.json\"," + text.dropFirst()
            try body.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8)
        }
        return folder
    }

    private func runBoth(_ config: String) throws {
        try EOGrowParity(eoGrow: eoGrowProject, grow: growProject, workers: 1).run(config)
    }

    private func check(_ result: (status: Int32, output: String)) throws {
        guard result.status == 0 else { throw HarnessError("failed: \(result.output)") }
    }

    private static let makeLandCover = """
        import sys
        import numpy as np, rasterio
        with rasterio.open(sys.argv[1]) as src:
            nir, profile = src.read(4), src.profile
        profile.update(count=1, dtype="uint8")
        with rasterio.open(sys.argv[2], "w", **profile) as out:
            out.write(((nir > 60).astype(np.uint8) + (nir > 90))[None])
        """

    private static let makeTemporalPatches = """
        import datetime as dt, os, sys
        import numpy as np
        from eolearn.core import EOPatch
        project = sys.argv[1]
        rng = np.random.default_rng(7)
        times = [dt.datetime(2020, 4, 28), dt.datetime(2020, 5, 15, 10, 30), dt.datetime(2020, 6, 2),
                 dt.datetime(2020, 6, 30, 23, 59, 59), dt.datetime(2020, 7, 21), dt.datetime(2020, 8, 9),
                 dt.datetime(2020, 9, 3)]
        for name in sorted(os.listdir(f"{project}/data")):
            reference = EOPatch.load(f"{project}/data/{name}")
            h, w = reference.data["REF"].shape[1:3]
            patch = EOPatch(bbox=reference.bbox, timestamps=times)
            bands = rng.integers(0, 3000, size=(len(times), h, w, 6), dtype=np.uint16)
            bands[:, :2, :2, :] = 0
            bands[1, 2:4, :, 3] = 65535
            patch.data["BANDS"] = bands
            share = np.linspace(0.3, 0.95, len(times))[:, None, None, None]
            patch.mask["IS_DATA"] = rng.random((len(times), h, w, 1)) < share
            patch.mask["CLM"] = (rng.random((len(times), h, w, 1)) < 0.15).astype(np.uint8)
            patch.data["OTHER"] = rng.random((len(times), h, w, 1)).astype(np.float32)
            patch.save(f"{project}/input/{name}")
        """
}
