import GrowJob
import XCTest

/// eo-grow's Fraction, Block and Grid sampling schemas: every key with eo-grow's default and
/// meaning, and grow's short name `sampling` with a `sampling` key naming the class.
final class SamplingParametersTests: XCTestCase {
    let fractionClass = "eogrow.pipelines.sampling.FractionSamplingPipeline"
    let blockClass = "eogrow.pipelines.sampling.BlockSamplingPipeline"
    let gridClass = "eogrow.pipelines.sampling.GridSamplingPipeline"
    let applyTo = #""apply_to": {"lulc": {"mask_timeless": ["LULC"]}, "features": {"data": ["FEATURES", "NDVI"]}}"#

    private func sampling(_ spec: JobSpec, file: StaticString = #filePath, line: UInt = #line) throws
        -> SamplingParameters
    {
        guard case .sampling(let parameters)? = spec.eo else {
            XCTFail("not sampling: \(String(describing: spec.eo))", file: file, line: line)
            throw JobSpecError(source: "", keyPath: "", message: "")
        }
        return parameters
    }

    func testFractionDefaults() throws {
        let spec = try EOConfig.parse(
            fractionClass,
            #""output_folder_key": "samples", \#(applyTo), "sampling_feature_name": "LULC", "fraction_of_samples": 0.1"#
        )
        XCTAssertEqual(spec.pipeline, .sampling)
        let p = try sampling(spec)
        XCTAssertEqual(p.outputFolderKey, "samples")
        // apply_to keeps the config's order: folders, then types, then names.
        XCTAssertEqual(p.applyTo.map(\.folderKey), ["lulc", "features"])
        XCTAssertEqual(
            p.applyTo.flatMap(\.features),
            [
                FeatureRef(kind: .maskTimeless, name: "LULC"), FeatureRef(kind: .data, name: "FEATURES"),
                FeatureRef(kind: .data, name: "NDVI"),
            ])
        XCTAssertEqual(
            p.method,
            .fraction(.init(samplingFeatureName: "LULC", share: .all(0.1), excludeValues: [], erosion: [])))
        XCTAssertEqual(p.seed, 42)
        XCTAssertNil(p.maskOfSamplesName)
        XCTAssertNil(p.maskOfSamples)
        XCTAssertNil(p.sampledSuffix)
        XCTAssertEqual(p.compressLevel, 1)
        XCTAssertEqual(p.sampledFeatures.map(\.output.name), ["LULC", "FEATURES", "NDVI"])
        XCTAssertEqual(spec.tiles.count, 5, "one tile per patch of the area")
        let shipped = try sampling(try EOConfig.shipped(spec))
        XCTAssertEqual(shipped, p)
        XCTAssertTrue(spec.canonicalJSON().contains(#""pipeline":"sampling""#), spec.canonicalJSON())
        XCTAssertTrue(spec.canonicalJSON().contains(#""sampling":"fraction""#), spec.canonicalJSON())
    }

    func testEveryFractionKey() throws {
        let spec = try EOConfig.parse(
            fractionClass,
            #"""
            "output_folder_key": "samples", \#(applyTo), "sampling_feature_name": "LULC",
            "fraction_of_samples": {"2": 0.5, "1": 0.25, "-3": 1}, "exclude_values": [0, 7],
            "erosion_dict": {"3": [1, 4], "1": [2]}, "seed": null, "sampled_suffix": "S",
            "mask_of_samples_name": "MASK", "compress_level": 0, "skip_existing": true, "debug": true
            """#)
        let p = try sampling(spec)
        guard case .fraction(let fraction) = p.method else { return XCTFail("\(p.method)") }
        XCTAssertEqual(fraction.share, .perClass([(2, 0.5), (1, 0.25), (-3, 1)]))
        XCTAssertEqual(fraction.excludeValues, [0, 7])
        XCTAssertEqual(
            fraction.erosion,
            [
                SamplingParameters.Erosion(radius: 3, labels: [1, 4]),
                SamplingParameters.Erosion(radius: 1, labels: [2]),
            ])
        XCTAssertNil(p.seed, "seed null: a new draw every run")
        XCTAssertEqual(p.sampledFeatures.map(\.output.name), ["LULC_S", "FEATURES_S", "NDVI_S"])
        XCTAssertEqual(p.maskOfSamples, FeatureRef(kind: .maskTimeless, name: "MASK"))
        XCTAssertEqual(p.compressLevel, 0)
        XCTAssertTrue(spec.skipExisting)
        XCTAssertEqual(try sampling(try EOConfig.shipped(spec)), p)
        // skip_existing checks every written feature under either name, the bbox and the timestamps.
        let files = spec.eoOutputFiles(forTile: 0) ?? []
        XCTAssertEqual(files.count, 6)
        XCTAssertEqual(
            files[1],
            [
                "samples/eopatch-id-0-col-0-row-0/data/FEATURES_S.npy",
                "samples/eopatch-id-0-col-0-row-0/data/FEATURES_S.npy.gz",
            ])
        XCTAssertEqual(files.last, ["samples/eopatch-id-0-col-0-row-0/timestamps.json"])
    }

    func testSkipExistingSkipsOnlyPatchesWithEveryWrittenFeature() throws {
        let spec = try EOConfig.parse(
            gridClass,
            #""output_folder_key": "samples", \#(applyTo), "sample_size": [1, 1], "stride": [2, 2], "sampled_suffix": "G", "skip_existing": true"#
        )
        let patch = { (index: Int) in "/p/samples/" + EOConfig.grid.tiles[index].name }
        var existing: Set<String> = []
        for index in [0, 1, 2] {
            existing.insert(patch(index) + "/bbox.geojson")
            existing.insert(patch(index) + "/mask_timeless/LULC_G.npy.gz")
            existing.insert(patch(index) + "/data/FEATURES_G.npy")
        }
        // Patch 0 has everything; 1 lacks NDVI_G; 2 lacks the timestamps; 3 and 4 have nothing.
        existing.insert(patch(0) + "/data/NDVI_G.npy.gz")
        existing.insert(patch(0) + "/timestamps.json")
        existing.insert(patch(1) + "/timestamps.json")
        existing.insert(patch(2) + "/data/NDVI_G.npy.gz")
        let plan = spec.planTiles(job: 1) { existing.contains($0) }
        XCTAssertEqual(plan.skipped, [0])
        XCTAssertEqual(plan.run, [1, 2, 3, 4])
    }

    func testEmptyMaskNameMeansNoMaskAndEmptySuffixIsASuffix() throws {
        let p = try sampling(
            try EOConfig.parse(
                gridClass,
                #""output_folder_key": "samples", \#(applyTo), "sample_size": [1, 1], "stride": [2, 3], "mask_of_samples_name": "", "sampled_suffix": """#
            ))
        XCTAssertNil(p.maskOfSamples)
        XCTAssertEqual(p.sampledFeatures.map(\.output.name), ["LULC_", "FEATURES_", "NDVI_"])
        XCTAssertEqual(p.method, .grid(.init(height: 1, width: 1, strideY: 2, strideX: 3)))
        XCTAssertNil(p.seed, "grid sampling draws nothing")
    }

    func testBlockTakesExactlyOneAmount() throws {
        let base = #""output_folder_key": "samples", \#(applyTo), "sample_size": [2, 3]"#
        let byCount = try sampling(try EOConfig.parse(blockClass, base + #", "number_of_samples": 5, "seed": 7"#))
        XCTAssertEqual(byCount.method, .block(.init(height: 2, width: 3, amount: .count(5))))
        XCTAssertEqual(byCount.seed, 7)
        let byShare = try sampling(try EOConfig.parse(blockClass, base + #", "fraction_of_samples": 0.25"#))
        XCTAssertEqual(byShare.method, .block(.init(height: 2, width: 3, amount: .fraction(0.25))))
        EOConfig.expectError(
            blockClass, base + #", "number_of_samples": 5, "fraction_of_samples": 0.5"#, at: "fraction_of_samples",
            containing: "exactly one of number_of_samples and fraction_of_samples")
        EOConfig.expectError(
            blockClass, base, at: "number_of_samples", containing: "exactly one of")
        EOConfig.expectError(
            blockClass, base + #", "fraction_of_samples": 1.5"#, at: "fraction_of_samples", containing: "(0, 1]")
    }

    func testShortNameTakesTheClassFromItsSamplingKey() throws {
        let keys = #""output_folder_key": "samples", \#(applyTo), "sample_size": [1, 1], "number_of_samples": 3"#
        let spec = try EOConfig.parse("sampling", #""sampling": "block", "# + keys)
        XCTAssertEqual(
            try sampling(spec),
            try sampling(try EOConfig.parse(blockClass, keys)), "the short name means the class")
        EOConfig.expectError(
            "sampling", #""sampling": "block", "stride": [1, 1], "# + keys, at: "stride",
            containing: "not a key of block sampling")
        EOConfig.expectError("sampling", keys, at: "sampling", containing: "missing")
        EOConfig.expectError(
            "sampling", #""sampling": {"type": "block"}, "# + keys, at: "sampling", containing: "expected a")
        EOConfig.expectError(blockClass, #""sampling": "block", "# + keys, at: "sampling", containing: "unknown key")
    }

    func testMistakesAreOneLineAtTheirKey() {
        let fraction = #""output_folder_key": "samples", "sampling_feature_name": "LULC", "fraction_of_samples": 0.1"#
        EOConfig.expectError(fractionClass, fraction, at: "apply_to", containing: "missing")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"lulc": {"scalar": ["X"]}}"#, at: "apply_to.lulc.scalar",
            containing: "only raster features")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"lulc": {"vector": ["X"]}}"#, at: "apply_to.lulc.vector",
            containing: "only raster features")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"lulc": {"raster": ["X"]}}"#, at: "apply_to.lulc.raster",
            containing: "unknown feature type")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"lulc": {"mask_timeless": "LULC"}}"#,
            at: "apply_to.lulc.mask_timeless", containing: "list of feature names")
        EOConfig.expectError(
            fractionClass,
            fraction + #", "apply_to": {"lulc": {"mask_timeless": ["LULC"]}, "features": {"mask_timeless": ["LULC"]}}"#,
            at: "apply_to.features.mask_timeless[0]", containing: "named twice")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"lulc": {"mask_timeless": []}}"#, at: "apply_to",
            containing: "no feature")
        EOConfig.expectError(
            fractionClass, fraction + #", "apply_to": {"nowhere": {"mask_timeless": ["LULC"]}}"#,
            at: "storage.structure", containing: "nowhere")
        let withApply = #""output_folder_key": "samples", \#(applyTo), "sampling_feature_name": "LULC""#
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 1.5"#, at: "fraction_of_samples",
            containing: "0...1")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": {"x": 0.5}"#, at: "fraction_of_samples.x",
            containing: "integer class label")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 0.1, "erosion_dict": {"0": [1]}"#,
            at: "erosion_dict.0", containing: "disc size")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 0.1, "exclude_values": [0.5]"#,
            at: "exclude_values", containing: "integers")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 0.1, "seed": -1"#, at: "seed",
            containing: "integer")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 0.1, "sampled_suffix": "a/b""#,
            at: "sampled_suffix", containing: "file name")
        EOConfig.expectError(
            fractionClass, withApply + #", "fraction_of_samples": 0.1, "mask_of_samples_name": "LULC""#,
            at: "mask_of_samples_name", containing: "both be written as mask_timeless/LULC")
        EOConfig.expectError(
            gridClass, #""output_folder_key": "samples", \#(applyTo), "sample_size": [0, 1], "stride": [1, 1]"#,
            at: "sample_size", containing: "integers in 1...")
        EOConfig.expectError(
            gridClass, #""output_folder_key": "samples", \#(applyTo), "sample_size": [1, 1]"#, at: "stride",
            containing: "missing")
        EOConfig.expectError(
            gridClass,
            #""output_folder_key": "samples", \#(applyTo), "sample_size": [1, 1], "stride": [1, 1], "seed": 3"#,
            at: "seed", containing: "unknown key")
    }
}
