import Foundation
import GrowBase
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore
@testable import ObjectStore

#if canImport(Glibc)
    import Glibc
#endif

/// The client against a real moto server that checks every signature.
final class S3ClientMotoTests: XCTestCase {
    var moto: MotoServer!
    var client: S3Client!
    let bucket = "grow-test"

    override func setUpWithError() throws {
        moto = try MotoServer(name: name.filter { $0.isLetter })
        client = S3Client(config: moto.config())
        try client.createBucket(bucket)
    }

    override func tearDown() {
        moto = nil
        client = nil
    }

    /// libcurl is not linked but dlopen()ed by the first request: after one, this process maps it.
    func testARequestMapsLibcurl() throws {
        let uri = S3URI(bucket: bucket, key: "loaded")
        try client.putObject(uri, bytes: [1, 2, 3])
        XCTAssertEqual(try client.getObject(uri), [1, 2, 3])
        let libraries = try mappedLibraries(getpid())
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libcurl.so") }, "S3 worked but is not mapped: \(libraries)")
    }

    func testPutGetRangedGetHeadDelete() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Keys with characters that need escaping in the path: the URL and signature must agree.
        for key in ["plain.bin", "folder/sub folder/a+b=c&d ü%.bin", "tilde~dash-under_score.dot"] {
            let uri = S3URI(bucket: bucket, key: key)
            try client.putObject(uri, bytes: bytes)
            XCTAssertEqual(try client.getObject(uri), bytes, key)
            XCTAssertEqual(try client.getObject(uri, range: 100..<200), Array(bytes[100..<200]), key)
            XCTAssertEqual(
                try client.getObject(uri, range: 9_990..<20_000), Array(bytes[9_990...]), "clamped at the end")
            XCTAssertEqual(try client.getObject(uri, range: 10_000..<10_010), [], "a range past the end is empty")
            XCTAssertEqual(try client.getObject(uri, range: 5..<UInt64.max), Array(bytes[5...]))
            let info = try XCTUnwrap(try client.headObject(uri))
            XCTAssertEqual(info.size, 10_000)
            XCTAssertNotNil(info.etag)
            try client.deleteObject(uri)
            XCTAssertNil(try client.headObject(uri), key)
        }
        // Deleting a missing object is fine; reading one is a clear not-found.
        try client.deleteObject(S3URI(bucket: bucket, key: "never-there"))
        XCTAssertThrowsError(try client.getObject(S3URI(bucket: bucket, key: "never-there"))) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertEqual(
                error.description,
                "s3://\(self.bucket)/never-there at \(self.moto.endpoint): no such object (404 NoSuchKey)")
        }
        // An empty object.
        let empty = S3URI(bucket: bucket, key: "empty")
        try client.putObject(empty, bytes: [])
        XCTAssertEqual(try client.getObject(empty), [])
        XCTAssertEqual(try client.headObject(empty)?.size, 0)
    }

    func testListingPagesThroughSmallMaxKeys() throws {
        var expected: [String] = []
        for index in 0..<23 {
            let key = "list/\(index % 3 == 0 ? "a/" : "b c/")item \(String(format: "%03d", index))+x"
            expected.append(key)
            try client.putObject(S3URI(bucket: bucket, key: key), bytes: Array(repeating: 1, count: index))
        }
        try client.putObject(S3URI(bucket: bucket, key: "listing-not-under-prefix"), bytes: [1])
        var pages = 0
        var seen: [S3Object] = []
        try client.listObjects(bucket: bucket, prefix: "list/", pageSize: 5) { page in
            pages += 1
            XCTAssertLessThanOrEqual(page.count, 5)
            seen += page
        }
        XCTAssertEqual(pages, 5)
        XCTAssertEqual(seen.map(\.key), expected.sorted())
        for object in seen {
            let index = Int(object.key.split(separator: " ").last!.prefix(3))!
            XCTAssertEqual(object.size, UInt64(index), object.key)
            XCTAssertNotNil(object.lastModified)
        }
        XCTAssertEqual(try client.listObjects(bucket: bucket, prefix: "list/a/").count, 8)
        XCTAssertEqual(try client.listObjects(bucket: bucket, prefix: "nothing/").count, 0)
    }

    func testListingPastOneThousandKeys() throws {
        let count = 1_003
        let failures = Mutex(0)
        let client = self.client!
        let bucket = self.bucket
        runConcurrently(count: count, width: 4) { index in
            do {
                try client.putObject(
                    S3URI(bucket: bucket, key: "many/\(String(format: "%05d", index))"), bytes: [UInt8(index & 0xFF)])
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
        var pages = 0
        var keys: [String] = []
        try client.listObjects(bucket: bucket, prefix: "many/") { page in
            pages += 1
            keys += page.map(\.key)
        }
        XCTAssertEqual(pages, 2, "S3 pages at 1000 keys")
        XCTAssertEqual(keys, (0..<count).map { "many/\(String(format: "%05d", $0))" })
    }
}
