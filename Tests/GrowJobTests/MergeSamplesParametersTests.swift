import GrowJob
import XCTest

/// eo-grow's MergeSamplesPipeline schema: one tile over the patch list (the area's, after
/// test_subset, in grid order), file names with `_<suffix>`, ids, threads.
final class MergeSamplesParametersTests: XCTestCase {
    let mergeClass = "eogrow.pipelines.merge_samples.MergeSamplesPipeline"
    let keys =
        #""input_folder_key": "samples", "output_folder_key": "training", "features_to_merge": [["data", "FEATURES"], ["mask_timeless", "LULC"]]"#

    private func merge(_ spec: JobSpec) throws -> MergeSamplesParameters {
        guard case .mergeSamples(let parameters)? = spec.eo else {
            throw JobSpecError(source: "", keyPath: "", message: "")
        }
        return parameters
    }

    func testDefaultsAndThePatchListOfTheArea() throws {
        let spec = try EOConfig.parse(mergeClass, keys)
        XCTAssertEqual(spec.pipeline, .mergeSamples)
        XCTAssertEqual(spec.tiles.count, 1, "one tile merges every patch")
        XCTAssertEqual(spec.tiles.name(of: 0), "merged")
        let p = try merge(spec)
        XCTAssertEqual(
            p.features, [FeatureRef(kind: .data, name: "FEATURES"), FeatureRef(kind: .maskTimeless, name: "LULC")])
        XCTAssertNil(p.idFilename)
        XCTAssertEqual(p.suffix, "")
        XCTAssertEqual(p.threads, 1)
        XCTAssertEqual(p.files, ["FEATURES.npy", "LULC.npy"])
        XCTAssertEqual(p.patches, EOConfig.grid.tiles.map(\.name))
        XCTAssertEqual(try merge(try EOConfig.shipped(spec)), p)
        XCTAssertFalse(spec.canonicalJSON().contains("\"tiles\""), spec.canonicalJSON())
    }

    func testEveryKey() throws {
        let spec = try EOConfig.parse(
            mergeClass,
            keys
                + #", "id_filename": "PATCH_IDS", "suffix": "v1", "num_threads": 4, "test_subset": [4, "eopatch-id-1-col-0-row-1", 0]"#
        )
        let p = try merge(spec)
        XCTAssertEqual(p.files, ["FEATURES_v1.npy", "LULC_v1.npy", "PATCH_IDS_v1.npy"])
        XCTAssertEqual(p.threads, 4)
        // eo-grow keeps the patch list's order, whatever the order of test_subset.
        XCTAssertEqual(p.patches, ["eopatch-id-0-col-0-row-0", "eopatch-id-1-col-0-row-1", "eopatch-id-4-col-1-row-0"])
        XCTAssertNil(spec.testSubset, "test_subset is folded into the patch list")
        let shipped = try EOConfig.shipped(spec)
        XCTAssertEqual(try merge(shipped), p)
        XCTAssertEqual(shipped.tiles.count, 1)
        // An empty id file name writes no ids, as in eo-grow.
        XCTAssertNil(try merge(try EOConfig.parse(mergeClass, keys + #", "id_filename": """#)).idFilename)
    }

    func testGrowsShortNameWithoutAnAreaMergesWhatIsThere() throws {
        let spec = try JobSpec.parse(
            json: """
                {"pipeline": "merge_samples", "storage": {"project_folder": "/p", "structure": {"samples": "s", "training": "t"}},
                 \(keys)}
                """, source: "config.json")
        XCTAssertNil(try merge(spec).patches, "every patch in the input folder")
        let listed = try JobSpec.parse(
            json: """
                {"pipeline": "merge_samples", "storage": {"project_folder": "/p", "structure": {"samples": "s", "training": "t"}},
                 "tiles": ["b", "a"], \(keys)}
                """, source: "config.json")
        XCTAssertEqual(try merge(listed).patches, ["b", "a"], "grow's tiles name the patches")
        XCTAssertEqual(try merge(try EOConfig.shipped(listed)).patches, ["b", "a"])
    }

    func testMistakes() {
        EOConfig.expectError(
            mergeClass, keys + #", "skip_existing": true"#, at: "skip_existing", containing: "must be false")
        EOConfig.expectError(mergeClass, keys + #", "num_threads": 0"#, at: "num_threads", containing: "1...256")
        EOConfig.expectError(mergeClass, keys + #", "suffix": "a/b""#, at: "suffix", containing: "file name")
        EOConfig.expectError(mergeClass, keys + #", "id_filename": "x/y""#, at: "id_filename", containing: "file name")
        EOConfig.expectError(
            mergeClass, keys + #", "id_filename": "LULC""#, at: "features_to_merge", containing: "LULC.npy")
        EOConfig.expectError(mergeClass, keys + #", "patches": ["a"]"#, at: "patches", containing: "not both")
        EOConfig.expectError(
            mergeClass, #""input_folder_key": "samples", "output_folder_key": "training""#, at: "features_to_merge",
            containing: "missing")
        EOConfig.expectError(
            mergeClass,
            #""input_folder_key": "samples", "output_folder_key": "training", "features_to_merge": [["bbox", "X"]]"#,
            at: "features_to_merge[0]", containing: "unknown feature type")
    }
}
