import Foundation
import GrowTestSupport
import ProjectStorage
import XCTest

/// mosaicking, grid sampling (grow's short name) and merge_samples on EOPatches that numpy wrote
/// in eo-learn's layout; numpy then checks what the pipelines wrote (np.nanmedian, np.nanmean,
/// argmax of NDVI, the sampled pixels in their dtypes, their merge and the patch ids).
final class CompositeAndSamplingPipelineTests: XCTestCase {
    let names = ["eopatch-id-0-col-0-row-0", "eopatch-id-1-col-1-row-0"]

    func testCompositesSamplesAndMergeEqualNumpy() async throws {
        let project = try makeScratchDirectory(self)
        _ = try runNumpy(
            """
            import json, os, sys
            import numpy as np
            project = sys.argv[1]
            rng = np.random.default_rng(5)
            for i, name in enumerate(sys.argv[2].split(',')):
                p = f"{project}/features/{name}"
                for folder in ("data", "mask"):
                    os.makedirs(f"{p}/{folder}", exist_ok=True)
                T, H, W, C = 7, 20, 24, 4
                valid = rng.random((T, H, W, 1)) < 0.6
                valid[:, 0, 0, 0] = False                      # a pixel never observed
                bands = rng.random((T, H, W, C), dtype=np.float32)
                bands[:, 1, 1, :] = 0.5                         # the same NDVI in every frame: a tie
                bands = np.where(valid, bands, np.float32(np.nan))
                ndvi = rng.random((T, H, W, 1), dtype=np.float32) * 2 - 1
                ndvi[:, 1, 1, :] = 0.25
                np.save(f"{p}/data/BANDS.npy", bands)
                np.save(f"{p}/data/NDVI.npy", ndvi)
                np.save(f"{p}/mask/VALID_DATA.npy", valid)
                with open(f"{p}/timestamps.json", "w") as f:
                    json.dump([f"2021-0{m + 1}-01T00:00:00" for m in range(T)], f)
                x0, y0 = 500000.0 + 240 * i, 4990000.0
                bbox = {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
                        "type": "Polygon", "coordinates": [[[x0, y0], [x0, y0 + 200], [x0 + 240, y0 + 200], [x0 + 240, y0], [x0, y0]]]}
                with open(f"{p}/bbox.geojson", "w") as f:
                    json.dump(bbox, f)
            """, [project, names.joined(separator: ",")])

        let tiles = "[" + names.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let common =
            #""storage": {"project_folder": "\#(project)", "structure": {"features": "features", "mosaics": "mosaics", "samples": "samples", "training": "training"}}"#
        for (method, output) in [("median", "MEDIAN"), ("mean", "MEAN"), ("max_ndvi", "MAX_NDVI")] {
            await runAllTiles(
                try eoSpec(
                    #"{\#(common), "tiles": \#(tiles), "pipeline": "mosaicking", "input_folder_key": "features", "output_folder_key": "mosaics", "feature": ["data", "BANDS"], "method": "\#(method)", "valid_data_feature": ["mask", "VALID_DATA"], "output_feature_name": "\#(output)"}"#
                ))
        }
        // grow's short name for eo-grow's GridSamplingPipeline: every 3rd row, every 4th column.
        await runAllTiles(
            try eoSpec(
                #"{\#(common), "tiles": \#(tiles), "pipeline": "sampling", "sampling": "grid", "output_folder_key": "samples", "apply_to": {"features": {"data": ["BANDS", "NDVI"], "mask": ["VALID_DATA"]}}, "sample_size": [1, 1], "stride": [3, 4], "mask_of_samples_name": "MASK_OF_SAMPLES"}"#
            ))
        await runAllTiles(
            try eoSpec(
                #"{\#(common), "pipeline": "merge_samples", "input_folder_key": "samples", "output_folder_key": "training", "features_to_merge": [["data", "BANDS"], ["data", "NDVI"], ["mask", "VALID_DATA"]], "id_filename": "IDS"}"#
            ))

        let report = try runNumpy(
            """
            import gzip, json, sys
            import numpy as np
            project = sys.argv[1]
            merged, ids = [], []
            for name in sys.argv[2].split(','):
                src = f"{project}/features/{name}"
                bands = np.load(f"{src}/data/BANDS.npy"); ndvi = np.load(f"{src}/data/NDVI.npy"); valid = np.load(f"{src}/mask/VALID_DATA.npy")
                x = np.where(valid, bands, np.nan)
                with np.errstate(all="ignore"):
                    import warnings; warnings.simplefilter("ignore")
                    median = np.nanmedian(x, axis=0).astype(np.float32)
                    mean = np.nanmean(x, axis=0).astype(np.float32)
                with np.errstate(all="ignore"):
                    own = (bands[..., 3] - bands[..., 2]) / (bands[..., 3] + bands[..., 2])
                score = np.where(valid[..., 0] & ~np.isnan(own), own, -np.inf)
                best = np.argmax(score, axis=0)
                picked = np.take_along_axis(bands, best[None, ..., None], axis=0)[0]
                picked[np.isinf(score.max(axis=0))] = np.nan
                out = f"{project}/mosaics/{name}/data_timeless"
                for label, ref in (("MEDIAN", median), ("MEAN", mean), ("MAX_NDVI", picked)):
                    ours = np.load(gzip.open(f"{out}/{label}.npy.gz"))
                    assert ours.dtype == np.float32 and ours.shape == ref.shape, (label, ours.shape)
                    assert np.array_equal(np.isnan(ours), np.isnan(ref)), label
                    assert np.allclose(ours, ref, rtol=1e-6, atol=1e-7, equal_nan=True), (label, np.nanmax(np.abs(ours - ref)))
                # Samples: every 3rd row and 4th column, row by row, in their own dtypes (T×N×1×C).
                s = f"{project}/samples/{name}"
                load = lambda path: np.load(gzip.open(f"{path}.npy.gz"))
                marks = load(f"{s}/mask_timeless/MASK_OF_SAMPLES")[..., 0]
                assert marks.dtype == np.uint8
                grid = np.zeros(marks.shape, np.uint8); grid[::3, ::4] = 1
                assert np.array_equal(marks, grid)
                T, H, W, C = bands.shape
                expect = bands[:, ::3, ::4, :].reshape(T, -1, 1, C)
                got = load(f"{s}/data/BANDS")
                assert got.shape == expect.shape and np.array_equal(got, expect, equal_nan=True), got.shape
                assert np.array_equal(load(f"{s}/data/NDVI"), ndvi[:, ::3, ::4, :].reshape(T, -1, 1, 1))
                sampled_valid = load(f"{s}/mask/VALID_DATA")
                assert sampled_valid.dtype == np.bool_ and np.array_equal(sampled_valid, valid[:, ::3, ::4, :].reshape(T, -1, 1, 1))
                merged.append(np.transpose(expect[:, :, 0, :], (1, 0, 2)))
                ids.append(np.full(expect.shape[1], len(ids), np.uint32))
            # Merged in the order of the tiles, N×T×C, dtypes kept; the ids are the tiles' positions.
            training = np.load(f"{project}/training/BANDS.npy")
            assert np.array_equal(training, np.concatenate(merged), equal_nan=True), training.shape
            assert np.load(f"{project}/training/VALID_DATA.npy").dtype == np.bool_
            assert np.array_equal(np.load(f"{project}/training/IDS.npy"), np.concatenate(ids))
            print("ok", training.shape[0])
            """, [project, names.joined(separator: ",")])
        XCTAssertTrue(report.hasPrefix("ok "), report)
    }
}
