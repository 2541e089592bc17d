import Foundation
import GrowTestSupport
import XCTest

/// eo-grow pipelines grow does not implement, run through eo-grow on real grow-head and
/// grow-worker processes with the eo-grow venv: a custom pipeline class from the user's folder,
/// a worker SIGKILLed in the middle, chains mixing grow's pipelines and eo-grow's, and mistakes
/// reported before anything runs.
final class EOGrowBridgeTests: XCTestCase {
    func testCustomPipelineOnTwoWorkersSurvivesAKilledWorkerWithEOGrowsOutputs() throws {
        let python = try EOGrowVenv.require().appendingPathComponent("python").path
        let cluster = try ClusterHarness(name: "eogrow-kill")
        let user = try EOGrowProject(in: cluster.directory)
        let config = try user.writeConfig(
            "ndvi.json",
            #"{"pipeline": "my_pipelines.NdviPipeline", \#(EOGrowProject.managers()), "tiff_file": "L7.tif", "output_folder_key": "ndvi", "delay": 0.25}"#
        )
        try cluster.startHead(extra: ["--heartbeat-timeout", "2"])
        let victim = try cluster.startWorker("victim", slots: 2, extra: ["--python", python])
        try cluster.startWorker("survivor", slots: 2, extra: ["--python", python])
        let submit = try cluster.spawn(
            ClusterHarness.headBinary,
            [
                "submit", config.path, "--python", python, "--address", "127.0.0.1:\(cluster.port)", "--token-file",
                cluster.tokenFile.path,
            ], log: "submit")
        while user.completePatches(in: "ndvi", lastFile: "scalar_timeless/MEAN_NDVI.npy.gz") < 12, submit.isRunning {
            usleep(20_000)
        }
        cluster.kill9(victim)
        submit.waitUntilExit()
        let output = cluster.log("submit")
        XCTAssertEqual(submit.terminationStatus, 0, output + cluster.log("head") + cluster.log("worker-survivor"))

        // grow's records: every patch done exactly once, none failed, the worker's loss seen.
        let growRecords = try XCTUnwrap(user.logFolders(containing: "Pipeline-executions-").last, output)
        let finished = try EOGrowProject.readStrings(growRecords.appendingPathComponent("finished.json"))
        XCTAssertEqual(finished.count, 81, "the 1.2 km grid over the scene has 81 patches")
        XCTAssertEqual(Set(finished).count, finished.count, "each patch once")
        XCTAssertEqual(try EOGrowProject.readStrings(growRecords.appendingPathComponent("failed.json")), [])
        let report =
            try cluster.readJSON(growRecords.appendingPathComponent("pipeline-report.json")) as? [String: Any] ?? [:]
        let scheduler = report["scheduler"] as? [String: Any] ?? [:]
        XCTAssertEqual(scheduler["workers_lost"] as? Int, 1, "\(scheduler)")
        XCTAssertGreaterThan(scheduler["reissued_after_loss"] as? Int ?? 0, 0, "the victim had tiles: \(scheduler)")

        // eo-grow's own logs, as eo-grow writes them: its finished.json, execution logs and report.
        let eoGrowLogs = try XCTUnwrap(user.logFolders(containing: "-NdviPipeline-").last, output)
        XCTAssertEqual(
            Set(try EOGrowProject.readStrings(eoGrowLogs.appendingPathComponent("finished.json"))), Set(finished))
        XCTAssertEqual(try EOGrowProject.readStrings(eoGrowLogs.appendingPathComponent("failed.json")), [])
        let executionReports = try FileManager.default.contentsOfDirectory(atPath: eoGrowLogs.path).filter {
            $0.hasPrefix("eoexecution-report-")
        }
        XCTAssertEqual(executionReports.count, 1)
        let executionFiles = try FileManager.default.contentsOfDirectory(
            atPath: eoGrowLogs.appendingPathComponent(executionReports[0]).path)
        XCTAssertTrue(executionFiles.contains("report.html"))
        XCTAssertEqual(executionFiles.filter { $0.hasPrefix("eoexecution-eopatch-") }.count, 81)

        // The same config run by eo-grow itself (no Ray: debug) into a project of its own gives
        // the same EOPatches and the same summary, which the driver wrote after the executions.
        try user.copyInput(to: "reference")
        let reference = try user.writeConfig(
            "reference.json",
            #"{"**base": "${config_path}/ndvi.json", "debug": true, "delay": 0, "storage": {"project_folder": "${config_path}/../reference"}}"#
        )
        let eogrow = EOGrowVenv.eogrow
        let referenceRun = try captureProcess(
            eogrow, [reference.path],
            environment: ClusterHarness.environment(["PYTHONPATH": user.configs.path]))
        XCTAssertEqual(referenceRun.status, 0, referenceRun.stderr)
        let compare = try captureProcess(
            python,
            [
                "-c",
                #"""
                import json, sys
                import numpy as np
                from eolearn.core import EOPatch
                grow, reference = sys.argv[1], sys.argv[2]
                summary = json.load(open(f"{grow}/ndvi/summary.json"))
                assert summary == json.load(open(f"{reference}/ndvi/summary.json")), "summaries differ"
                assert len(summary) == 81, len(summary)
                for name in summary:
                    a, b = EOPatch.load(f"{grow}/ndvi/{name}"), EOPatch.load(f"{reference}/ndvi/{name}")
                    assert a.bbox == b.bbox, name
                    assert np.array_equal(a.data_timeless["NDVI"], b.data_timeless["NDVI"]), name
                    assert np.array_equal(a.scalar_timeless["MEAN_NDVI"], b.scalar_timeless["MEAN_NDVI"]), name
                    height, width, depth = a.data_timeless["NDVI"].shape
                    assert min(height, width) >= 40 and depth == 1, (name, a.data_timeless["NDVI"].shape)
                print("same", len(summary))
                """#,
                user.project.path, cluster.directory.appendingPathComponent("reference").path,
            ])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertEqual(compare.stdout, "same 81\n")
    }

    func testChainOfGrowsImportAndACustomEOGrowPipelineRunsInOrder() throws {
        let python = try EOGrowVenv.require().appendingPathComponent("python").path
        try PackagePaths.requireBinaries(worker: true)
        let directory = URL(fileURLWithPath: try makeScratchDirectory(self, "eogrow-chain"))
        let user = try EOGrowProject(in: directory)
        let managers = EOGrowProject.managers(patchSize: 2400)
        let chain = try user.writeConfig(
            "chain.json",
            #"""
            [{"pipeline_config": {"pipeline": "import", \#(managers), "scenes": [{"path": "L7.tif", "timestamp": "2000-01-01"}],
                                  "resolution": 30, "output_folder_key": "data", "output_feature": ["data", "BANDS"]}},
             {"pipeline_config": {"pipeline": "my_pipelines.BandsMeanPipeline", \#(managers),
                                  "input_folder_key": "data", "output_folder_key": "means"}}]
            """#)
        let run = try captureProcess(
            PackagePaths.headBinary.path, ["run", chain.path, "--workers", "2", "--slots", "1", "--python", python],
            environment: ClusterHarness.environment([:]))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("[2/2]: eo-grow runs my_pipelines.BandsMeanPipeline here"), run.stdout)
        // The means are those of the BANDS grow's import wrote before: the second step saw the first's output.
        let check = try captureProcess(
            python,
            [
                "-c",
                #"""
                import os, sys
                import numpy as np
                from eolearn.core import EOPatch
                project = sys.argv[1]
                names = sorted(os.listdir(f"{project}/data"))
                assert len(names) == 25, names
                for name in names:
                    bands = EOPatch.load(f"{project}/data/{name}").data["BANDS"]
                    means = EOPatch.load(f"{project}/means/{name}").scalar_timeless["MEAN_BANDS"]
                    expected = np.nanmean(bands.reshape(-1, bands.shape[-1]).astype(np.float64), axis=0)
                    assert np.isfinite(expected).all() and np.array_equal(means, expected), name
                print("means", len(names))
                """#,
                user.project.path,
            ])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "means 25\n")
    }

    func testFailedExecutionsAreFailedTilesInGrowsAndEOGrowsRecords() throws {
        let python = try EOGrowVenv.require().appendingPathComponent("python").path
        try PackagePaths.requireBinaries(worker: true)
        let directory = URL(fileURLWithPath: try makeScratchDirectory(self, "eogrow-fail"))
        let user = try EOGrowProject(in: directory)
        let bad = ["eopatch-id-0-col-0-row-0", "eopatch-id-4-col-1-row-1"]
        let config = try user.writeConfig(
            "ndvi.json",
            #"{"pipeline": "my_pipelines.NdviPipeline", \#(EOGrowProject.managers(patchSize: 4800)), "tiff_file": "L7.tif", "output_folder_key": "ndvi", "fail_patches": ["\#(bad[0])", "\#(bad[1])"]}"#
        )
        let run = try captureProcess(
            PackagePaths.headBinary.path, ["run", config.path, "--workers", "1", "--python", python],
            environment: ClusterHarness.environment([:]))
        // eo-grow's raise_on_failure (default true): the run fails, after every patch has run.
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("Pipeline failed some executions"), run.stderr)

        let growRecords = try XCTUnwrap(user.logFolders(containing: "Pipeline-executions-").last)
        XCTAssertEqual(
            Set(try EOGrowProject.readStrings(growRecords.appendingPathComponent("failed.json"))), Set(bad))
        XCTAssertEqual(try EOGrowProject.readStrings(growRecords.appendingPathComponent("finished.json")).count, 7)
        let report =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: growRecords.appendingPathComponent("pipeline-report.json"))) as? [String: Any]
        let failedTiles = report?["failed_tiles"] as? [[String: Any]] ?? []
        XCTAssertEqual(failedTiles.count, 2)
        for tile in failedTiles {
            let name = tile["name"] as? String ?? ""
            XCTAssertEqual(tile["error"] as? String, "ValueError: no NDVI for \(name) (in NdviTask)")
            XCTAssertEqual(tile["attempts"] as? Int, 1, "an execution that raised is not tried again, as in eo-grow")
        }
        let eoGrowLogs = try XCTUnwrap(user.logFolders(containing: "-NdviPipeline-").last)
        XCTAssertEqual(
            Set(try EOGrowProject.readStrings(eoGrowLogs.appendingPathComponent("failed.json"))), Set(bad))
        XCTAssertTrue(FileManager.default.fileExists(atPath: eoGrowLogs.appendingPathComponent("failure.log").path))
    }

    func testTestPatchesAreEOGrowsT() throws {
        let python = try EOGrowVenv.require().appendingPathComponent("python").path
        try PackagePaths.requireBinaries(worker: true)
        let directory = URL(fileURLWithPath: try makeScratchDirectory(self, "eogrow-t"))
        let user = try EOGrowProject(in: directory)
        let config = try user.writeConfig(
            "ndvi.json",
            #"{"pipeline": "my_pipelines.NdviPipeline", \#(EOGrowProject.managers(patchSize: 4800)), "tiff_file": "L7.tif", "output_folder_key": "ndvi"}"#
        )
        let run = try captureProcess(
            PackagePaths.headBinary.path,
            ["run", config.path, "--workers", "1", "--python", python, "-t", "1", "-t", "7"],
            environment: ClusterHarness.environment([:]))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let growRecords = try XCTUnwrap(user.logFolders(containing: "Pipeline-executions-").last)
        XCTAssertEqual(
            try EOGrowProject.readStrings(growRecords.appendingPathComponent("finished.json")),
            ["eopatch-id-1-col-0-row-1", "eopatch-id-7-col-2-row-1"])
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: user.project.appendingPathComponent("ndvi/summary.json")))
        XCTAssertEqual(
            (summary as? [String: Double])?.keys.sorted(), ["eopatch-id-1-col-0-row-1", "eopatch-id-7-col-2-row-1"])
    }

    func testMistakesAreOneLineBeforeAnythingRuns() throws {
        let python = try EOGrowVenv.require().appendingPathComponent("python").path
        try PackagePaths.requireBinaries(worker: true)
        let directory = URL(fileURLWithPath: try makeScratchDirectory(self, "eogrow-bad"))
        let user = try EOGrowProject(in: directory)
        let managers = EOGrowProject.managers()
        let importStep =
            #"{"pipeline_config": {"pipeline": "import", \#(managers), "scenes": [{"path": "L7.tif", "timestamp": "2000-01-01"}], "resolution": 30, "output_folder_key": "data", "output_feature": ["data", "BANDS"]}}"#
        let cases: [(file: String, json: String, expected: String)] = [
            (
                "noclass.json",
                #"{"pipeline": "my_pipelines.NoSuchPipeline", \#(managers), "tiff_file": "L7.tif", "output_folder_key": "ndvi"}"#,
                "grow-head: \(user.configs.path)/noclass.json: ImportError: Cannot import name `NoSuchPipeline` from my_pipelines"
            ),
            (
                "nomodule.json",
                #"{"pipeline": "their_project.pipelines.Pipeline", \#(managers)}"#,
                "grow-head: \(user.configs.path)/nomodule.json: ModuleNotFoundError: No module named 'their_project'"
            ),
            (
                "badvalue.json",
                #"{"pipeline": "my_pipelines.NdviPipeline", \#(managers), "tiff_file": "L7.tif", "output_folder_key": "ndvi", "delay": "slow"}"#,
                "grow-head: \(user.configs.path)/badvalue.json: delay: value is not a valid float"
            ),
            (
                // The chain's second entry is wrong: its first, grow's import, must not run either.
                "chain.json",
                #"[\#(importStep), {"pipeline_config": {"pipeline": "my_pipelines.NdviPipeline", \#(managers), "tiff_file": "L7.tif"}}]"#,
                "grow-head: \(user.configs.path)/chain.json[1]: output_folder_key: field required"
            ),
        ]
        for item in cases {
            let config = try user.writeConfig(item.file, item.json)
            let run = try captureProcess(
                PackagePaths.headBinary.path, ["run", config.path, "--workers", "1", "--python", python],
                environment: ClusterHarness.environment([:]))
            XCTAssertEqual(run.status, 2, "\(item.file): \(run.stdout) \(run.stderr)")
            XCTAssertEqual(run.stdout, "", item.file)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "\(item.file): one line, got \(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix(item.expected), "\(item.file): \(run.stderr)")
            // Nothing ran, so nothing was written (reading grow's import config may cache its grid).
            for folder in ["logs", "data", "ndvi"] {
                XCTAssertFalse(
                    FileManager.default.fileExists(atPath: user.project.appendingPathComponent(folder).path),
                    "\(item.file): \(folder)")
            }
        }

        // A Python without eo-grow is named, with what to do.
        let config = try user.writeConfig(
            "ndvi.json",
            #"{"pipeline": "my_pipelines.NdviPipeline", \#(managers), "tiff_file": "L7.tif", "output_folder_key": "ndvi"}"#
        )
        let system = try requirement("python3", which("python3"))
        let run = try captureProcess(
            PackagePaths.headBinary.path, ["run", config.path, "--python", system],
            environment: ClusterHarness.environment([:]))
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(
            run.stderr,
            "grow-head: \(system) cannot run eo-grow (ModuleNotFoundError: No module named 'eogrow'): install eo-grow into it (pip install eo-grow) or name a Python that has it with --python or GROW_EOGROW_PYTHON\n"
        )
    }
}
