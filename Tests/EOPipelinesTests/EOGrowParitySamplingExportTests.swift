import Foundation
import GrowTestSupport
import XCTest

/// eo-grow's own configs for Fraction, Block and Grid sampling, MergeSamples and ExportMaps run
/// unchanged through eo-grow 1.7.15 and through `grow-head run`, each in its own copy of one
/// project of patches in two UTM zones: the same files land in the same places, and every array
/// and every map has the same bytes. No tolerance is needed: grow draws its samples with NumPy's
/// own generator, seeded per patch as eo-grow seeds it (also under `test_subset`), erodes with
/// OpenCV's elliptic element, scales and casts as numpy does, and merges maps with the same GDAL
/// and the same gdalwarp and COG options.
final class EOGrowParitySamplingExportTests: XCTestCase {
    private var root = ""
    private var eoGrowProject = ""
    private var growProject = ""

    override func setUpWithError() throws {
        try EOGrowVenv.require()
        try PackagePaths.requireBinaries()
        root = try makeScratchDirectory(self, "parity-sampling")
        eoGrowProject = root + "/eogrow"
        growProject = root + "/grow"
    }

    func testSamplingMergeAndExportMatchEoGrowBitForBit() throws {
        let input = eoGrowProject + "/input-data"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        // Astride 18°E, the border of UTM zones 33 and 34: patches in both.
        try """
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
          "coordinates": [[[17.995, 46.0], [18.0045, 46.0], [18.0045, 46.006], [17.995, 46.006], [17.995, 46.0]]]}}]}
        """.write(toFile: input + "/aoi.geojson", atomically: true, encoding: .utf8)
        let configs = try writeConfigs()
        let zones = try EOGrowVenv.runPython(Self.makeInputs, [configs + "/fraction.json", eoGrowProject])
        // The last line (sentinelhub warns on stderr before it).
        XCTAssertEqual(zones.split(separator: "\n").last, "zones 32633 32634", zones)
        try FileManager.default.copyItem(atPath: eoGrowProject, toPath: growProject)

        for name in [
            "fraction", "subset", "block", "block_share", "grid", "merge", "export_lulc", "export_ndvi", "export_all",
        ] {
            try runBoth(configs + "/\(name).json")
        }
        let report = try EOGrowParity(eoGrow: eoGrowProject, grow: growProject, workers: 2).compare(
            ["samples", "subset", "blocks", "blocks2", "grid", "training", "maps"])
        XCTAssertTrue(report.hasPrefix("ok "), report)
        print("parity:", report)
        // Every folder was compared (an empty one is a problem of its own in the report).
        let compared = Int(report.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        XCTAssertGreaterThan(compared ?? 0, 100, report)
    }

    /// eo-grow's configs, as an eo-grow user writes them (`debug` runs eo-grow without Ray).
    private func writeConfigs() throws -> String {
        let folder = root + "/configs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let folders = ["input", "lulc", "samples", "subset", "blocks", "blocks2", "grid", "training", "maps"]
        let applyTo = #""apply_to": {"input": {"data": ["FEATURES", "F16"]}, "lulc": {"mask_timeless": ["LULC"]}}"#
        let configs: [String: String] = [
            "global": """
            {"storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "${var:project}",
                         "structure": {\(folders.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ", "))}},
             "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson",
                      "patch": {"size_x": 400, "size_y": 400}},
             "logging": {"manager": "eogrow.core.logging.LoggingManager", "save_logs": false, "show_logs": false},
             "debug": true}
            """,
            // Per-class shares, an excluded class, erosion with discs of 3 and 5 pixels.
            "fraction": """
            {"pipeline": "eogrow.pipelines.sampling.FractionSamplingPipeline", "output_folder_key": "samples",
             \(applyTo), "sampling_feature_name": "LULC", "fraction_of_samples": {"1": 0.2, "2": 0.05, "3": 0.5},
             "exclude_values": [0], "erosion_dict": {"3": [1], "5": [2, 3]}, "mask_of_samples_name": "MASK_OF_SAMPLES",
             "seed": 11}
            """,
            // Seeds follow the place in the patch list that test_subset leaves.
            "subset": """
            {"pipeline": "eogrow.pipelines.sampling.FractionSamplingPipeline", "output_folder_key": "subset",
             \(applyTo), "sampling_feature_name": "LULC", "fraction_of_samples": 0.1, "sampled_suffix": "SUB",
             "mask_of_samples_name": "MASK_SUB", "test_subset": [1, 3, 4]}
            """,
            "block": """
            {"pipeline": "eogrow.pipelines.sampling.BlockSamplingPipeline", "output_folder_key": "blocks",
             \(applyTo), "sample_size": [2, 3], "number_of_samples": 7, "sampled_suffix": "BLOCK",
             "mask_of_samples_name": "MASK_BLOCK", "seed": 3}
            """,
            "block_share": """
            {"pipeline": "eogrow.pipelines.sampling.BlockSamplingPipeline", "output_folder_key": "blocks2",
             "apply_to": {"input": {"data": ["FEATURES"]}}, "sample_size": [1, 1], "fraction_of_samples": 0.015,
             "mask_of_samples_name": "MASK"}
            """,
            "grid": """
            {"pipeline": "eogrow.pipelines.sampling.GridSamplingPipeline", "output_folder_key": "grid",
             \(applyTo), "sample_size": [3, 2], "stride": [5, 7], "sampled_suffix": "GRID",
             "mask_of_samples_name": "MASK_GRID"}
            """,
            "merge": """
            {"pipeline": "eogrow.pipelines.merge_samples.MergeSamplesPipeline", "input_folder_key": "samples",
             "output_folder_key": "training",
             "features_to_merge": [["data", "FEATURES"], ["data", "F16"], ["mask_timeless", "LULC"]],
             "id_filename": "PATCH_IDS", "suffix": "v1", "num_threads": 2}
            """,
            // A COG per zone with mode overviews.
            "export_lulc": """
            {"pipeline": "eogrow.pipelines.export_maps.ExportMapsPipeline", "input_folder_key": "lulc",
             "output_folder_key": "maps", "feature": ["mask_timeless", "LULC"], "map_dtype": "uint8",
             "no_data_value": 255, "cogify": true, "cogification_resampling": "MODE"}
            """,
            // A map per zone and time: the last channel scaled to int16 (NaN casts to 0).
            "export_ndvi": """
            {"pipeline": "eogrow.pipelines.export_maps.ExportMapsPipeline", "input_folder_key": "input",
             "output_folder_key": "maps", "feature": ["data", "FEATURES"], "map_name": "ndvi.tif",
             "band_indices": [-1], "scale_factor": 10000, "map_dtype": "int16", "interim_results_suffix": "x"}
            """,
            // float16 frames one after the other in one float32 map per zone.
            "export_all": """
            {"pipeline": "eogrow.pipelines.export_maps.ExportMapsPipeline", "input_folder_key": "input",
             "output_folder_key": "maps", "feature": ["data", "F16"], "map_name": "all.tiff", "map_dtype": "float32",
             "split_per_timestamp": false, "merge_workers": 1, "force_local_copies": true, "warp_resampling": "near"}
            """,
        ]
        for (name, text) in configs {
            let body = name == "global" ? text : "{\"**global\": \"${config_path}/global.json\"," + text.dropFirst()
            try body.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8)
        }
        return folder
    }

    private func runBoth(_ config: String) throws {
        try EOGrowParity(eoGrow: eoGrowProject, grow: growProject, workers: 2).run(config)
    }

    /// The input patches on eo-grow's own grid (its area manager gives the names and boxes): a
    /// land cover of 5-pixel blocks with speckles (erosion has work to do), float32 features with
    /// NaN, float16 ones, three times. Prints the zones the patches are in.
    private static let makeInputs = """
        import datetime as dt, sys
        import numpy as np
        from eolearn.core import EOPatch
        from eogrow.core.config import collect_configs_from_path, interpret_config_from_dict
        from eogrow.utils.meta import load_pipeline_class
        config = interpret_config_from_dict(collect_configs_from_path(sys.argv[1]), {"project": sys.argv[2]})
        pipeline = load_pipeline_class(config).from_raw_config(config)
        rng = np.random.default_rng(21)
        times = [dt.datetime(2020, 5, 1), dt.datetime(2020, 6, 10, 12, 30), dt.datetime(2020, 8, 9)]
        zones = set()
        for name, bbox in pipeline.area_manager.get_patch_list():
            zones.add(bbox.crs.epsg)
            lulc = np.kron(rng.integers(0, 4, size=(8, 8), dtype=np.uint8), np.ones((5, 5), np.uint8))
            lulc[rng.random((40, 40)) < 0.05] = 3
            patch = EOPatch(bbox=bbox)
            patch.mask_timeless["LULC"] = lulc[..., None]
            patch.save(f"{sys.argv[2]}/lulc/{name}")
            features = rng.random((3, 40, 40, 4), dtype=np.float32) * 2 - 1
            features[0, :3, :3, :] = np.nan
            patch = EOPatch(bbox=bbox, timestamps=times)
            patch.data["FEATURES"] = features
            patch.data["F16"] = (rng.random((3, 40, 40, 2)) * 100).astype(np.float16)
            patch.save(f"{sys.argv[2]}/input/{name}")
        print("zones", *sorted(zones))
        """

    /// Every file of each folder in both projects: the same names, and the same bytes (arrays
    /// compared as arrays, since gzip's bytes may differ; maps and plain .npy byte for byte).
    /// Prints "ok N" or the differences.
}
