import Foundation
import GrowTestSupport
import XCTest

/// `grow-head validate` against eo-grow 1.7.15's own validator (`eogrow-validate`'s command, run
/// in eo-grow's venv) on the same configs: valid and broken ones agree, and grow's verdict on a
/// broken one is a single line naming the file and the key, exit code 2.
final class ValidateCommandTests: XCTestCase {
    private static let cases = PackagePaths.root.appendingPathComponent("Tests/Fixtures/eogrow-validate").path

    /// Where grow means something else on purpose, the case is left out, with the reason.
    private static let differences = [
        "b10_pipeline_short_name.json": "grow's short pipeline names (features) are its extension",
        "b13_storage_unknown_aws_profile.json": "storage.aws_profile is grow's extension of the storage section",
        "v04_import_tiff.json": "grow refuses resize: it does not reproduce cv2's resampling",
    ]

    func testAgreesWithEoGrowValidate() throws {
        try EOGrowVenv.require()
        try PackagePaths.requireBinaries()
        // b27 imports a file by a relative name, which both resolve against the working directory:
        // an empty one here.
        let workingDirectory = try makeScratchDirectory(self, "validate")
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.cases)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix("_") && Self.differences[$0] == nil }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 20)
        let paths = names.map { Self.cases + "/" + $0 }
        let verdicts = try EOGrowVenv.runPython(
            """
            import os, sys
            from click.testing import CliRunner
            from eogrow.cli import validate_config
            os.chdir(sys.argv[1])
            for path in sys.argv[2:]:
                print(CliRunner().invoke(validate_config, [path]).exit_code == 0)
            """, [workingDirectory] + paths
        ).split(separator: "\n").map { $0 == "True" }
        XCTAssertEqual(verdicts.count, names.count)

        var valid = 0
        for (name, eoGrowValid) in zip(names, verdicts) {
            let result = try runProcess(
                "/usr/bin/env",
                ["-C", workingDirectory, PackagePaths.headBinary.path, "validate", Self.cases + "/" + name])
            let lines = result.output.split(separator: "\n")
            if eoGrowValid {
                valid += 1
                XCTAssertEqual(result.status, 0, "\(name): eo-grow finds it valid, grow says: \(result.output)")
            } else {
                XCTAssertEqual(result.status, 2, "\(name): eo-grow finds it broken, grow says: \(result.output)")
                XCTAssertEqual(lines.count, 1, "\(name): \(result.output)")
                XCTAssertTrue(lines.first?.hasPrefix("grow-head: ") == true, "\(name): \(result.output)")
                XCTAssertTrue(result.output.contains(name), "\(name): the message names the file: \(result.output)")
            }
        }
        XCTAssertGreaterThanOrEqual(valid, 8, "valid cases among \(names)")
        XCTAssertGreaterThanOrEqual(names.count - valid, 12, "broken cases among \(names)")
    }

    /// A pipeline class of the user's, next to the config: eo-grow checks it, found where grow's
    /// driver finds it; its problems come back as one line of `key: message`.
    func testCustomClassesAreCheckedByEoGrowInTheConfigsFolder() throws {
        try EOGrowVenv.require()
        try PackagePaths.requireBinaries()
        let folder = try makeScratchDirectory(self, "custom")
        try FileManager.default.copyItem(
            atPath: PackagePaths.root.appendingPathComponent("scripts/eogrow-example/my_pipelines.py").path,
            toPath: folder + "/my_pipelines.py")
        let common = """
            "storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "\(folder)/project",
                        "structure": {"ndvi": "ndvi"}},
            "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson",
                     "patch": {"size_x": 2400, "size_y": 2400}},
            "logging": {"manager": "eogrow.core.logging.LoggingManager"},
            "pipeline": "my_pipelines.NdviPipeline"
            """
        try "{\(common), \"tiff_file\": \"scene.tif\", \"output_folder_key\": \"ndvi\"}".write(
            toFile: folder + "/good.json", atomically: true, encoding: .utf8)
        try "{\(common), \"tiff_file\": \"scene.tif\"}".write(
            toFile: folder + "/bad.json", atomically: true, encoding: .utf8)
        let elsewhere = try makeScratchDirectory(self, "elsewhere")
        let good = try runProcess(
            "/usr/bin/env", ["-C", elsewhere, PackagePaths.headBinary.path, "validate", folder + "/good.json"])
        XCTAssertEqual(good.status, 0, good.output)
        let bad = try runProcess(
            "/usr/bin/env", ["-C", elsewhere, PackagePaths.headBinary.path, "validate", folder + "/bad.json"])
        XCTAssertEqual(bad.status, 2, bad.output)
        XCTAssertEqual(
            bad.output.trimmingCharacters(in: .whitespacesAndNewlines),
            "grow-head: bad.json: output_folder_key: field required (type=value_error.missing)")
    }

    func testTemplateListsEveryKeyAndItsDefault() throws {
        try PackagePaths.requireBinaries()
        let result = try runProcess(
            PackagePaths.headBinary.path,
            ["template", "eogrow.pipelines.features.MosaickingFeaturesPipeline", "--add-descriptions"])
        XCTAssertEqual(result.status, 0, result.output)
        guard case let template as [String: Any] = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        else { return XCTFail(result.output) }
        XCTAssertEqual(template["pipeline"] as? String, "eogrow.pipelines.features.MosaickingFeaturesPipeline")
        XCTAssertEqual(
            (template["storage"] as? [String: Any])?["manager"] as? String, "eogrow.core.storage.StorageManager")
        let mosaicking = try XCTUnwrap(template["mosaicking"] as? [String: String])
        XCTAssertEqual(Set(mosaicking.keys), ["time_period", "n_mosaics", "max_ndi_indices"])
        XCTAssertTrue(mosaicking["n_mosaics"]?.hasPrefix("<< int // ") == true, "\(mosaicking)")
        XCTAssertTrue((template["raise_on_failure"] as? String)?.hasPrefix("<< true : bool // ") == true)
        XCTAssertTrue((template["compress_level"] as? String)?.contains("// grow: ") == true)

        let required = try runProcess(
            PackagePaths.headBinary.path, ["template", "eogrow.pipelines.features.FeaturesPipeline", "--required-only"])
        guard case let minimal as [String: Any] = try JSONSerialization.jsonObject(with: Data(required.output.utf8))
        else { return XCTFail(required.output) }
        XCTAssertEqual(
            Set(minimal.keys),
            [
                "pipeline", "storage", "area", "logging", "input_folder_key", "output_folder_key", "bands_feature_name",
                "data_preparation", "output_feature_name",
            ])

        let unknown = try runProcess(PackagePaths.headBinary.path, ["template", "nope"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.output.hasPrefix("grow-head: unknown pipeline \"nope\""), unknown.output)
    }
}
