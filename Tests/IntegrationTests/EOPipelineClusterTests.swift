import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The native EO pipelines on real grow-head and grow-worker processes: a worker SIGKILLed in the
/// middle of an import, and bad configs at the command line.
final class EOPipelineClusterTests: XCTestCase {
    private func makeProject(_ cluster: ClusterHarness) throws -> URL {
        let project = cluster.directory.appendingPathComponent("project")
        let input = project.appendingPathComponent("input-data")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let scene = try sampleScene()
        try FileManager.default.copyItem(atPath: scene, toPath: input.appendingPathComponent("L7.tif").path)
        try writeFootprint(of: scene, to: input.appendingPathComponent("aoi.geojson").path)
        return project
    }

    func testWorkerKilledMidImportLeavesOnlyCompleteValidPatches() throws {
        let cluster = try ClusterHarness(name: "eo-kill")
        let project = try makeProject(cluster)
        try cluster.startHead(extra: ["--heartbeat-timeout", "2"])
        let victim = try cluster.startWorker("victim", slots: 2)
        try cluster.startWorker("survivor", slots: 2)
        let job = try cluster.writeJob(
            "import.json",
            """
            {"name": "import-kill", "pipeline": "import",
             "storage": {"project_folder": "\(project.path)", "structure": {"data": "data"}},
             "area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 600, "size_y": 600}},
             "scenes": [{"path": "L7.tif", "timestamp": "2000-01-01"}], "resolution": 30, "output_folder_key": "data",
             "output_feature": ["data", "BANDS"]}
            """)
        let submit = try cluster.startSubmit(job)
        let data = project.appendingPathComponent("data")
        func completePatches() -> Int {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []
            return names.filter {
                FileManager.default.fileExists(atPath: data.appendingPathComponent("\($0)/bbox.geojson").path)
            }.count
        }
        cluster.eventually("some patches to be written") { completePatches() >= 20 }
        cluster.kill9(victim)
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit") + cluster.log("head"))

        let finished =
            try cluster.readJSON(cluster.recordsFolder(in: project).appendingPathComponent("finished.json"))
            as? [String] ?? []
        XCTAssertGreaterThan(finished.count, 100)
        XCTAssertEqual(completePatches(), finished.count)
        // Every finished patch loads in numpy with whole arrays; whatever the killed worker left
        // half-written carries a temporary name, never a final one.
        let check = try cluster.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                "-c",
                """
                import gzip, json, os, sys
                import numpy as np
                data, names = sys.argv[1], json.loads(sys.argv[2])
                load = lambda path: np.load(gzip.open(path + ".gz"))
                for name in names:
                    p = f"{data}/{name}"
                    bands = load(f"{p}/data/BANDS.npy"); valid = load(f"{p}/mask/IS_DATA.npy")
                    assert bands.shape == (1, 20, 20, 6) and bands.dtype == np.float32, (name, bands.shape)
                    assert valid.shape == (1, 20, 20, 1) and valid.dtype == np.bool_, name
                    json.load(open(f"{p}/bbox.geojson")); json.load(open(f"{p}/timestamps.json"))
                    for root, _, files in os.walk(p):
                        for f in files:
                            assert f.endswith((".npy.gz", ".json", ".geojson")) or ".tmp-" in f, (root, f)
                print("ok", len(names))
                """,
                data.path, String(decoding: try JSONSerialization.data(withJSONObject: finished), as: UTF8.self),
            ])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.hasPrefix("ok \(finished.count)"), check.output)
        let report =
            try cluster.readJSON(cluster.recordsFolder(in: project).appendingPathComponent("pipeline-report.json"))
            as? [String: Any] ?? [:]
        XCTAssertEqual((report["scheduler"] as? [String: Any])?["workers_lost"] as? Int, 1, "\(report)")
    }

    func testBadEOConfigsAreOneLineErrorsWithFileAndKeyExitTwo() throws {
        let cluster = try ClusterHarness(name: "eo-bad")
        let project = try makeProject(cluster)
        let storage =
            #""storage": {"project_folder": "\#(project.path)", "structure": {"data": "data", "features": "features"}}"#
        let area =
            #""area": {"geometry_filename": "aoi.geojson", "patch": {"size_x": 3000, "size_y": 3000}}"#
        let cases: [(file: String, json: String, expected: String)] = [
            (
                "missing.json",
                #"{\#(storage), \#(area), "pipeline": "features", "output_folder_key": "features", "ndis": {"NDVI": [3, 2]}}"#,
                "missing.json: input_folder_key: missing"
            ),
            (
                "type.json",
                #"{\#(storage), \#(area), "pipeline": "import", "scenes": [{"path": "L7.tif", "timestamp": "2000-01-01"}], "resolution": "ten", "output_folder_key": "data"}"#,
                "type.json: resolution: expected a pixel size in metres > 0"
            ),
            (
                "variable.json",
                #"{\#(storage), \#(area), "pipeline": "features", "input_folder_key": "${var:nope}", "output_folder_key": "features", "ndis": {"NDVI": [3, 2]}}"#,
                "variable.json: input_folder_key:"
            ),
            (
                "noaoi.json",
                #"{\#(storage), "area": {"geometry_filename": "gone.geojson", "patch": {"size_x": 3000, "size_y": 3000}}, "pipeline": "noop"}"#,
                "noaoi.json: area.geometry_filename:"
            ),
            (
                "folderaoi.json",
                #"{\#(storage), "area": {"geometry_filename": ".", "patch": {"size_x": 3000, "size_y": 3000}}, "pipeline": "noop"}"#,
                "folderaoi.json: area.geometry_filename:"
            ),
            (
                "arctic.json",
                #"{\#(storage), "area": {"geometry_filename": "arctic.geojson", "patch": {"size_x": 3000, "size_y": 3000}}, "pipeline": "noop"}"#,
                "outside every UTM zone"
            ),
            (
                "cycle.json", #"{"**other": "${config_path}/cycle-b.json", "pipeline": "noop", "tiles": 1}"#,
                "import cycle"
            ),
        ]
        try #"{"**back": "${config_path}/cycle.json"}"#.write(
            to: cluster.directory.appendingPathComponent("cycle-b.json"), atomically: true, encoding: .utf8)
        try #"{"type": "Polygon", "coordinates": [[[10, 85], [20, 85], [20, 88], [10, 88], [10, 85]]]}"#.write(
            to: project.appendingPathComponent("input-data/arctic.geojson"), atomically: true, encoding: .utf8)
        for item in cases {
            let job = try cluster.writeJob(item.file, item.json)
            let result = try cluster.run(ClusterHarness.headBinary, ["run", job.path, "--workers", "1"])
            XCTAssertEqual(result.status, 2, "\(item.file): \(result.output)")
            let lines = result.output.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(item.file): one line, got: \(result.output)")
            XCTAssertTrue(
                result.output.contains(item.expected), "\(item.file): expected \(item.expected), got: \(result.output)")
            XCTAssertTrue(
                result.output.contains(item.file) || item.file == "arctic.json",
                "\(item.file): names the file: \(result.output)")
        }
    }
}
