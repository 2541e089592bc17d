import GrowJob
import XCTest

/// eo-grow's ExportMapsPipeline schema, its interim file names and where the maps go.
final class ExportMapsParametersTests: XCTestCase {
    let exportClass = "eogrow.pipelines.export_maps.ExportMapsPipeline"
    let keys =
        #""input_folder_key": "features", "output_folder_key": "maps", "feature": ["data", "NDVI"], "map_dtype": "float32""#

    private func export(_ spec: JobSpec) throws -> ExportMapsParameters {
        guard case .exportMaps(let parameters)? = spec.eo else {
            throw JobSpecError(source: "", keyPath: "", message: "")
        }
        return parameters
    }

    func testDefaults() throws {
        let spec = try EOConfig.parse(exportClass, keys)
        let p = try export(spec)
        XCTAssertEqual(p.feature, FeatureRef(kind: .data, name: "NDVI"))
        XCTAssertEqual(p.mapName, "NDVI.tiff", "eo-grow's default: the feature's name")
        XCTAssertEqual(p.dtype, .float32)
        XCTAssertNil(p.noDataValue)
        XCTAssertNil(p.scaleFactor)
        XCTAssertNil(p.bandIndices)
        XCTAssertNil(p.warpResampling)
        XCTAssertFalse(p.cogify, "eo-grow writes LZW GeoTIFFs unless cogify")
        XCTAssertNil(p.cogResampling)
        XCTAssertEqual(p.interimSuffix, "")
        XCTAssertTrue(p.splitPerTimestamp)
        XCTAssertTrue(p.splitsTime)
        XCTAssertNil(p.mergeWorkers)
        XCTAssertEqual(p.quicklook, .none, "no PNG unless asked: eo-grow writes none")
        XCTAssertEqual(spec.tiles.count, 5)
        XCTAssertEqual(try export(try EOConfig.shipped(spec)), p)
    }

    func testEveryKey() throws {
        let spec = try EOConfig.parse(
            exportClass,
            #"""
            "input_folder_key": "features", "output_folder_key": "maps", "feature": ["mask_timeless", "LULC"],
            "map_name": "lulc.tif", "map_dtype": "uint8", "no_data_value": 255, "scale_factor": 2.5,
            "band_indices": [0, -1], "warp_resampling": "mode", "cogify": true, "cogification_resampling": "MODE",
            "force_local_copies": true, "interim_results_suffix": "run1", "split_per_timestamp": false,
            "merge_workers": 3, "quicklook": "gray", "worker_resources": {"memory": 1}, "raise_on_temporal_mismatch": true
            """#)
        let p = try export(spec)
        XCTAssertEqual(p.mapName, "lulc.tif")
        XCTAssertEqual(p.dtype, .uint8)
        XCTAssertEqual(p.noDataValue, 255)
        XCTAssertEqual(p.scaleFactor, 2.5)
        XCTAssertEqual(p.bandIndices, [0, -1])
        XCTAssertEqual(p.warpResampling, "mode")
        XCTAssertTrue(p.cogify)
        XCTAssertEqual(p.cogResampling, "MODE")
        XCTAssertEqual(p.interimSuffix, "run1")
        XCTAssertFalse(p.splitsTime)
        XCTAssertEqual(p.mergeWorkers, 3)
        XCTAssertEqual(p.quicklook, .gray)
        XCTAssertEqual(try export(try EOConfig.shipped(spec)), p)
    }

    func testEoGrowsNamesOfInterimFilesAndMaps() throws {
        // eo-grow strips ".tiff" only, so a ".tif" map keeps it in the interim names.
        let tif = try export(
            try EOConfig.parse(exportClass, keys + #", "map_name": "ndvi.tif", "interim_results_suffix": "x""#))
        XCTAssertEqual(tif.mapStem, "ndvi.tif")
        XCTAssertEqual(
            ExportMapsLayout.patchKey(tif, output: "maps", patch: "eopatch-id-0-col-0-row-0"),
            "maps/ndvi.tif_eopatch-id-0-col-0-row-0_x.tiff")
        let split = ExportMapsLayout.splitKey(
            tif, output: "maps", patch: "eopatch-id-0-col-0-row-0", epsg: 32633, time: "2020-05-01T00-00-00")
        XCTAssertEqual(
            split, "maps/UTM_32633/ndvi.tif_ndvi.tif_eopatch-id-0-col-0-row-0_x_UTM_32633_2020-05-01T00-00-00_x.tiff")
        XCTAssertEqual(
            ExportMapsLayout.splitTime(
                tif, fileName: (split as NSString).lastPathComponent, patch: "eopatch-id-0-col-0-row-0", epsg: 32633),
            "2020-05-01T00-00-00")
        XCTAssertNil(
            ExportMapsLayout.splitTime(
                tif, fileName: (split as NSString).lastPathComponent, patch: "eopatch-id-1-col-0-row-1", epsg: 32633))
        XCTAssertEqual(
            ExportMapsLayout.mapKey(tif, output: "maps", epsg: 32634, time: "2020-05-01T00-00-00"),
            "maps/UTM_32634/2020-05-01T00-00-00/ndvi.tif")
        let tiff = try export(try EOConfig.parse(exportClass, keys))
        XCTAssertEqual(ExportMapsLayout.patchKey(tiff, output: "m", patch: "p"), "m/NDVI_p.tiff")
        XCTAssertEqual(ExportMapsLayout.mapKey(tiff, output: "m", epsg: 32633, time: nil), "m/UTM_32633/NDVI.tiff")
        XCTAssertEqual(ExportMapsLayout.timeName(Date(timeIntervalSince1970: 1_591_792_200)), "2020-06-10T12-30-00")
    }

    func testMapsGroupByZoneAndTimeInPatchListOrder() throws {
        let p = try export(try EOConfig.parse(exportClass, keys + #", "map_name": "n.tiff""#))
        let patches: [(name: String, epsg: Int32)] = [("b", 32633), ("a", 32634), ("c", 32633), ("d", 32633)]
        var existing: Set<String> = ["m/UTM_32633/n.tiff", "m/other.txt"]
        for (name, epsg) in patches where name != "d" {
            for time in ["2020-05-01T00-00-00", "2020-06-01T00-00-00"] {
                existing.insert(ExportMapsLayout.splitKey(p, output: "m", patch: name, epsg: epsg, time: time))
            }
        }
        let (groups, missing) = ExportMapsLayout.groups(p, output: "m", patches: patches, existing: existing)
        XCTAssertEqual(missing, ["d"])
        XCTAssertEqual(groups.map(\.epsg), [32633, 32633, 32634, 32634])
        XCTAssertEqual(
            groups.map(\.time),
            ["2020-05-01T00-00-00", "2020-06-01T00-00-00", "2020-05-01T00-00-00", "2020-06-01T00-00-00"])
        XCTAssertEqual(
            groups[0].keys,
            [
                "m/UTM_32633/n_n_b_UTM_32633_2020-05-01T00-00-00.tiff",
                "m/UTM_32633/n_n_c_UTM_32633_2020-05-01T00-00-00.tiff",
            ], "patch-list order: where patches overlap the later one wins")
        XCTAssertEqual(groups[3].mapKey, "m/UTM_32634/2020-06-01T00-00-00/n.tiff")

        let timeless = try export(try EOConfig.parse(exportClass, keys + #", "split_per_timestamp": false"#))
        let files: Set<String> = ["m/NDVI_b.tiff", "m/NDVI_a.tiff"]
        let plan = ExportMapsLayout.groups(timeless, output: "m", patches: patches, existing: files)
        XCTAssertEqual(plan.missing, ["c", "d"])
        XCTAssertEqual(plan.groups.map(\.keys), [["m/NDVI_b.tiff"], ["m/NDVI_a.tiff"]])
        XCTAssertEqual(plan.groups.map(\.mapKey), ["m/UTM_32633/NDVI.tiff", "m/UTM_32634/NDVI.tiff"])
    }

    func testMapNameAsEoGrowChecksIt() throws {
        for good in ["a.tif", "a.tiff", "a.b.TIF.tif", "x.tif.png", "a.tiff-1"] {
            XCTAssertNoThrow(try EOConfig.parse(exportClass, keys + #", "map_name": "\#(good)""#), good)
        }
        for bad in [".tif", "a.tifx", "a.tiffx", "ndvi.png", "tif", "a/b.tif"] {
            EOConfig.expectError(exportClass, keys + #", "map_name": "\#(bad)""#, at: "map_name", containing: ".tif")
        }
    }

    func testMistakes() {
        let base = #""input_folder_key": "features", "output_folder_key": "maps", "feature": ["data", "NDVI"]"#
        EOConfig.expectError(exportClass, base, at: "map_dtype", containing: "missing")
        EOConfig.expectError(
            exportClass, base + #", "map_dtype": "int8""#, at: "map_dtype", containing: "int8 maps cannot be merged")
        EOConfig.expectError(
            exportClass, base + #", "map_dtype": "float64""#, at: "map_dtype", containing: "expected one of")
        EOConfig.expectError(
            exportClass, keys + #", "warp_resampling": "nearest""#, at: "warp_resampling", containing: "\"near\"")
        EOConfig.expectError(
            exportClass, keys + #", "cogification_resampling": "mode""#, at: "cogification_resampling",
            containing: "\"MODE\"")
        EOConfig.expectError(
            exportClass, keys + #", "skip_existing": true"#, at: "skip_existing", containing: "must be false")
        EOConfig.expectError(exportClass, keys + #", "merge_workers": 0"#, at: "merge_workers", containing: "1...1024")
        EOConfig.expectError(exportClass, keys + #", "band_indices": []"#, at: "band_indices", containing: "list")
        EOConfig.expectError(exportClass, keys + #", "time_index": 0"#, at: "time_index", containing: "unknown key")
        EOConfig.expectError(exportClass, keys + #", "quicklook": "png""#, at: "quicklook", containing: "\"ndvi\"")
        EOConfig.expectError(
            exportClass,
            #""input_folder_key": "features", "output_folder_key": "maps", "feature": ["scalar", "X"], "map_dtype": "uint8""#,
            at: "feature", containing: "unknown feature type")
    }
}
