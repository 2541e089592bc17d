import Foundation
import GrowBase
import GrowJob
import GrowTestSupport
import ProjectStorage
import Synchronization
import XCTest

@testable import ObjectStore

/// `S3Store` keeps `ProjectStore`'s promises, as `LocalStore` does, on moto.
final class S3StorageTests: XCTestCase {
    var moto: MotoServer!

    override func setUpWithError() throws {
        moto = try MotoServer(name: "storage")
        try S3Client(config: moto.config()).createBucket("grow-project")
    }

    override func tearDown() { moto = nil }

    func open(_ root: String) throws -> any ProjectStore {
        // Through the same door the pipelines use, with the storage section's settings.
        let storage = try ProjectLocation.openStore(
            root, settings: StorageSettings(region: "us-east-1", endpoint: moto.endpoint))
        XCTAssertTrue(storage is S3Store)
        return storage
    }

    func testProjectStorageContract() throws {
        setenv("AWS_ACCESS_KEY_ID", moto.accessKeyID, 1)
        setenv("AWS_SECRET_ACCESS_KEY", moto.secretAccessKey, 1)
        defer {
            unsetenv("AWS_ACCESS_KEY_ID")
            unsetenv("AWS_SECRET_ACCESS_KEY")
        }
        let storage = try open("s3://grow-project/runs/2026/")
        let key = "data/eopatch-id-0-col-0-row-0/bbox.geojson"
        XCTAssertFalse(try storage.exists(key))
        try storage.write(key, bytes: Array("{\"type\": \"Polygon\"}".utf8))
        XCTAssertTrue(try storage.exists(key))
        XCTAssertEqual(String(decoding: try storage.read(key), as: UTF8.self), "{\"type\": \"Polygon\"}")
        XCTAssertEqual(String(decoding: try storage.read(key, range: 2..<6), as: UTF8.self), "type")
        XCTAssertEqual(try storage.read(key, range: 100..<200), [])

        let local = moto.directory + "/tile.npy"
        try writePatternFile(local, size: 3_000_000)
        try storage.upload("data/eopatch-id-0-col-0-row-0/data/BANDS.npy", fromFile: local)
        try storage.download("data/eopatch-id-0-col-0-row-0/data/BANDS.npy", toFile: moto.directory + "/back/tile.npy")
        XCTAssertTrue(try filesEqual(local, moto.directory + "/back/tile.npy"))
        try storage.write("logs/run/finished.json", bytes: Array("[]".utf8))

        // Keys relative to the project folder, at any depth, sorted; nothing outside the prefix.
        try S3Client(config: moto.config()).putObject(
            S3URI(bucket: "grow-project", key: "runs/2026-other/x"), bytes: [1])
        XCTAssertEqual(
            try storage.list(prefix: "").map(\.key),
            [
                "data/eopatch-id-0-col-0-row-0/bbox.geojson", "data/eopatch-id-0-col-0-row-0/data/BANDS.npy",
                "logs/run/finished.json",
            ])
        XCTAssertEqual(try storage.list(prefix: "data/").map(\.size), [19, 3_000_000])
        XCTAssertEqual(try storage.list(prefix: "logs").map(\.key), ["logs/run/finished.json"])

        XCTAssertThrowsError(try storage.read("missing")) { error in
            let error = error as! StorageError
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertEqual(
                error.description,
                "s3://grow-project/runs/2026/missing at \(self.moto.endpoint): no such object (404 NoSuchKey)")
        }
        try storage.delete(key)
        try storage.delete(key)
        XCTAssertFalse(try storage.exists(key))
        XCTAssertEqual(storage.directAccess?.path("data/x.tif"), "/vsis3/grow-project/runs/2026/data/x.tif")
    }

    func testWrongSecretIsADeniedStorageError() throws {
        setenv("AWS_ACCESS_KEY_ID", moto.accessKeyID, 1)
        setenv("AWS_SECRET_ACCESS_KEY", "wrong", 1)
        defer {
            unsetenv("AWS_ACCESS_KEY_ID")
            unsetenv("AWS_SECRET_ACCESS_KEY")
        }
        let storage = try open("s3://grow-project/p")
        XCTAssertThrowsError(try storage.write("k", bytes: [1])) { error in
            let error = error as! StorageError
            XCTAssertEqual(error.kind, .denied)
            XCTAssertFalse(error.isRetryable)
            XCTAssertEqual(
                error.description,
                "s3://grow-project/p/k at \(self.moto.endpoint): signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY"
            )
        }
        XCTAssertThrowsError(try ProjectLocation.openStore("s3://X")) { error in
            XCTAssertEqual((error as? StorageError)?.kind, .invalid)
        }
    }

    func testLargeWritesGoInPartsAndManyThreadsShareOneStorage() throws {
        let storage = try S3Store(
            root: "s3://grow-project/big", settings: StorageSettings(endpoint: moto.endpoint),
            environment: moto.awsEnvironment())
        // 20 MB from memory: above the 16 MiB threshold, so a multipart upload.
        let bytes = (0..<20_000_000).map { UInt8(truncatingIfNeeded: $0 >> 3 &* 13) }
        try storage.write("maps/ndvi.tif", bytes: bytes)
        XCTAssertTrue(try storage.client.headObject(storage.uri("maps/ndvi.tif"))?.etag?.contains("-") == true)
        XCTAssertTrue(try storage.read("maps/ndvi.tif") == bytes)

        // One storage value used by 8 threads at once (as tiles running in parallel do).
        let failures = Mutex<[String]>([])
        runConcurrently(count: 40, width: 8) { index in
            do {
                let key = "tiles/tile-\(index)/data.bin"
                let payload = Array(repeating: UInt8(index), count: 1000 + index)
                try storage.write(key, bytes: payload)
                if try storage.read(key) != payload { failures.withLock { $0.append("\(key) differs") } }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try storage.list(prefix: "tiles/").count, 40)
    }
}
