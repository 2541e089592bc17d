import Foundation
import GrowTestSupport
import ObjectStore
import ProjectStorage
import XCTest

/// The demo's pipeline chain with its project folder in S3 (moto, signatures checked): the
/// outputs and the records land in the bucket and boto3 reads them; a second run with
/// `skip_existing` changes nothing but adds its records.
final class S3DemoPipelineTests: XCTestCase {
    let bucket = "grow-demo"

    func testDemoChainInS3WritesOutputsAndRecordsAndSkipsExistingOnASecondRun() throws {
        try PackagePaths.requireBinaries()
        let head = PackagePaths.headBinary.path
        let scene = try sampleScene()
        let moto = try MotoServer(name: "demo")
        let client = S3Client(config: moto.config())
        try client.createBucket(bucket)
        let aoi = moto.directory + "/aoi.geojson"
        try writeFootprint(of: scene, to: aoi)
        let project = S3Store(
            root: "s3://\(bucket)/project", location: S3URI(bucket: bucket, key: "project"), client: client)
        try project.upload("input-data/L7_ETMs.tif", fromFile: scene)
        try project.upload("input-data/aoi.geojson", fromFile: aoi)

        let chain = PackagePaths.root.appendingPathComponent("scripts/demo-pipelines/chain.json").path
        let first = try run(
            head, ["run", chain, "-v", "project:s3://\(bucket)/project", "--workers", "2", "--slots", "1"], moto)
        XCTAssertEqual(first.status, 0, first.output)

        // boto3 sees every output and the records of all three pipelines.
        let listing = try moto.runPython(
            """
            import boto3, gzip, io, json, sys
            import numpy as np
            s3 = boto3.client("s3")
            keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1], Prefix="project/")
                    for o in page.get("Contents", [])]
            patches = sorted({k.split("/")[2] for k in keys if k.startswith("project/data/eopatch-")})
            assert len(patches) == 25, len(patches)
            for name in patches:
                for key in (f"project/data/{name}/bbox.geojson", f"project/features/{name}/data/FEATURES.npy.gz", f"project/maps/ndvi/tiles/{name}.tif"):
                    assert key in keys, key
            load = lambda key: np.load(io.BytesIO(gzip.decompress(s3.get_object(Bucket=sys.argv[1], Key=key + ".gz")["Body"].read())))
            bands = load(f"project/data/{patches[7]}/data/BANDS.npy").astype(np.float32)
            with np.errstate(all="ignore"):
                ndvi = (bands[..., 3] - bands[..., 2]) / (bands[..., 3] + bands[..., 2])
            # FEATURES: the six bands, then NDVI.
            assert np.array_equal(load(f"project/features/{patches[7]}/data/FEATURES.npy")[..., 6], ndvi, equal_nan=True)
            assert "project/maps/ndvi/ndvi_32725.tif" in keys and "project/maps/ndvi/ndvi_32725.png" in keys
            runs = sorted({k.split("/")[2] for k in keys if k.startswith("project/logs/")})
            assert len(runs) == 3, runs
            for run in runs:
                for name in ("pipeline.log", "finished.json", "failed.json", "pipeline-report.json"):
                    assert f"project/logs/{run}/{name}" in keys, (run, name)
                finished = json.loads(s3.get_object(Bucket=sys.argv[1], Key=f"project/logs/{run}/finished.json")["Body"].read())
                assert len(finished) == 25, (run, len(finished))
            state = {o["Key"]: o["ETag"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1], Prefix="project/")
                     for o in page.get("Contents", []) if not o["Key"].startswith("project/logs/")}
            print(json.dumps(state))
            """, arguments: [bucket])

        // The same chain with skip_existing on import and features (export_maps combines every patch,
        // so eo-grow refuses it there): their tiles are already there; export writes the same maps.
        let skipping = moto.directory + "/skip-chain.json"
        let folder = PackagePaths.root.appendingPathComponent("scripts/demo-pipelines").path
        try """
        [
          {"pipeline_config": {"**p": "\(folder)/import.json", "skip_existing": true}},
          {"pipeline_config": {"**p": "\(folder)/features.json", "skip_existing": true}},
          {"pipeline_config": {"**p": "\(folder)/export.json"}}
        ]
        """.write(toFile: skipping, atomically: true, encoding: .utf8)
        let second = try run(head, ["run", skipping, "-v", "project:s3://\(bucket)/project", "--workers", "1"], moto)
        XCTAssertEqual(second.status, 0, second.output)
        let after = try moto.runPython(
            """
            import boto3, json, sys
            s3 = boto3.client("s3")
            objects = [o for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1], Prefix="project/")
                       for o in page.get("Contents", [])]
            state = {o["Key"]: o["ETag"] for o in objects if not o["Key"].startswith("project/logs/")}
            before = json.loads(sys.argv[2])
            assert state == before, sorted(set(state.items()) ^ set(before.items()))[:5]
            runs = sorted({o["Key"].split("/")[2] for o in objects if o["Key"].startswith("project/logs/")})
            assert len(runs) == 6, runs
            logs = [s3.get_object(Bucket=sys.argv[1], Key=f"project/logs/{run}/pipeline.log")["Body"].read().decode() for run in runs[3:]]
            skipped = ["skip_existing: 25 tiles already have their output" in log for log in logs]
            assert sorted(skipped) == [False, True, True], logs
            print("ok")
            """, arguments: [bucket, listing.trimmingCharacters(in: .whitespacesAndNewlines)])
        XCTAssertEqual(after.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    private func run(_ executable: String, _ arguments: [String], _ moto: MotoServer) throws -> (
        status: Int32, output: String
    ) {
        try runProcess(executable, arguments, environment: moto.awsEnvironment())
    }
}
