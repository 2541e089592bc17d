import EOData
import Foundation
import GrowBase
import GrowJob
import GrowTestSupport
import ObjectStore
import ProjectStorage
import XCTest

/// EOPatch IO goes through `ProjectStore` only, so it works on S3 as it does on a local
/// folder: written to moto, committed last, read back whole and in part.
final class EOPatchS3Tests: XCTestCase {
    var moto: MotoServer!

    override func setUpWithError() throws {
        moto = try MotoServer(name: "eopatch")
        try S3Client(config: moto.config()).createBucket("grow-project")
        setenv("AWS_ACCESS_KEY_ID", moto.accessKeyID, 1)
        setenv("AWS_SECRET_ACCESS_KEY", moto.secretAccessKey, 1)
    }

    override func tearDown() {
        unsetenv("AWS_ACCESS_KEY_ID")
        unsetenv("AWS_SECRET_ACCESS_KEY")
        moto = nil
    }

    func testPatchRoundTripOnS3() throws {
        let storage = try ProjectLocation.openStore(
            "s3://grow-project/project", settings: StorageSettings(region: "us-east-1", endpoint: moto.endpoint))
        var patch = EOPatch(
            bbox: BBox(minX: 500_000, minY: 4_990_000, maxX: 505_000, maxY: 4_995_000, epsg: 32633),
            timestamps: [Date(timeIntervalSince1970: 1_590_000_000), Date(timeIntervalSince1970: 1_591_000_000)])
        patch.data["BANDS"] = .uint16(
            NDArray(shape: [2, 64, 64, 4], storage: (0..<32_768).map { UInt16($0 % 10_000) }))
        patch.mask["CLM"] = .bool(NDArray(shape: [2, 64, 64, 1], storage: (0..<8192).map { $0 % 7 == 0 }))
        patch.maskTimeless["VALID"] = .uint8(NDArray(shape: [64, 64, 1], repeating: 1))
        patch.metaInfo["source"] = .string("test")
        let folder = "data/eopatch-id-0-col-0-row-0"

        XCTAssertFalse(try EOPatch.isComplete(in: storage, folder: folder))
        try patch.write(to: storage, folder: folder, compress: true)
        XCTAssertTrue(try EOPatch.isComplete(in: storage, folder: folder))
        XCTAssertEqual(
            try storage.list(prefix: folder + "/").map(\.key),
            [
                "bbox.geojson", "data/BANDS.npy.gz", "mask/CLM.npy.gz", "mask_timeless/VALID.npy.gz",
                "meta_info/source.json.gz", "timestamps.json",
            ]
            .map { folder + "/" + $0 })
        XCTAssertEqual(try EOPatch.read(from: storage, folder: folder), patch)
        let part = try EOPatch.read(from: storage, folder: folder, features: [(.mask, "CLM")])
        XCTAssertEqual(part.mask, patch.mask)
        XCTAssertTrue(part.data.isEmpty)

        // Rewritten uncompressed in place: the .npy.gz files give way to .npy ones.
        try patch.write(to: storage, folder: folder, compress: false)
        XCTAssertEqual(try storage.list(prefix: folder + "/").filter { $0.key.hasSuffix(".gz") }.map(\.key), [])
        XCTAssertEqual(try EOPatch.read(from: storage, folder: folder), patch)
    }
}
