import Foundation
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore
@testable import ObjectStore

#if canImport(Glibc)
    import Glibc
#endif

/// Large files, failures in the middle of transfers, and boto3 on the other side.
final class S3TransferMotoTests: XCTestCase {
    var moto: MotoServer!
    let bucket = "grow-transfers"

    override func setUpWithError() throws {
        moto = try MotoServer(name: "transfers")
        try S3Client(config: moto.config()).createBucket(bucket)
    }

    override func tearDown() { moto = nil }

    func testTwoHundredMegabyteMultipartUploadRangedReadsDownloadAndBoto3() throws {
        let path = moto.directory + "/200mb.bin"
        let size: UInt64 = 200_000_000
        try writePatternFile(path, size: size)
        let client = S3Client(config: moto.config())
        let uri = S3URI(bucket: bucket, key: "big/200mb.bin")
        let lastProgress = Mutex<(UInt64, UInt64)>((0, 0))
        try client.uploadFile(path, to: uri) { done, total in lastProgress.withLock { $0 = (done, total) } }
        XCTAssertEqual(lastProgress.withLock { $0.0 }, size)
        XCTAssertEqual(lastProgress.withLock { $0.1 }, size)
        XCTAssertEqual(try client.headObject(uri)?.size, size)
        XCTAssertTrue(try client.headObject(uri)?.etag?.contains("-") == true, "a multipart ETag (md5-of-parts-N)")
        XCTAssertEqual(try client.pendingUploads(bucket: bucket).count, 0, "completed, none left open")

        // Ranged reads, byte for byte against the file: start, across part boundaries, the end.
        let file = open(path, O_RDONLY)
        defer { close(file) }
        let part = client.config.options.partSize
        for range: Range<UInt64> in [
            0..<1, 0..<65_536, part - 100..<part + 100, 3 * part - 1..<3 * part + 1, 123_456_789..<124_000_000,
            size - 10..<size, size - 5..<size + 100,
        ] {
            let got = try client.getObject(uri, range: range)
            let expected = readFile(file, range.clamped(to: 0..<size))
            XCTAssertEqual(got.count, expected.count, "\(range)")
            XCTAssertTrue(got == expected, "bytes \(range) differ")
        }

        // Download streams to a file that appears only when complete; compare piece by piece.
        let copy = moto.directory + "/200mb.copy"
        try client.downloadFile(uri, to: copy)
        XCTAssertTrue(try filesEqual(path, copy))
        try FileManager.default.removeItem(atPath: copy)

        // boto3 reads what grow wrote, and grow reads what boto3 wrote (boto3 uploads in parts too).
        let verdict = try moto.runPython(
            """
            import boto3, hashlib, sys
            s3 = boto3.client("s3")
            bucket, path = sys.argv[1], sys.argv[2]
            def digest(stream):
                h = hashlib.sha256()
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    h.update(chunk)
                return h.hexdigest()
            local = digest(open(path, "rb"))
            remote = digest(s3.get_object(Bucket=bucket, Key="big/200mb.bin")["Body"])
            s3.upload_file(path, bucket, "big/from boto3+multipart.bin")
            print("same" if local == remote else "different")
            """, arguments: [bucket, path])
        XCTAssertEqual(verdict.trimmingCharacters(in: .whitespacesAndNewlines), "same")
        let fromBoto3 = S3URI(bucket: bucket, key: "big/from boto3+multipart.bin")
        try client.downloadFile(fromBoto3, to: copy)
        XCTAssertTrue(try filesEqual(path, copy))
        XCTAssertEqual(
            try client.getObject(fromBoto3, range: 99_999_990..<100_000_010), readFile(file, 99_999_990..<100_000_010))
    }

    func testSmallObjectsBothWaysWithBoto3() throws {
        let client = S3Client(config: moto.config())
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try client.putObject(S3URI(bucket: bucket, key: "interop/from grow+ü.bin"), bytes: bytes)
        let output = try moto.runPython(
            """
            import boto3, sys
            s3 = boto3.client("s3")
            body = s3.get_object(Bucket=sys.argv[1], Key="interop/from grow+ü.bin")["Body"].read()
            expected = bytes((i * 31 + 7) % 256 for i in range(70000))
            s3.put_object(Bucket=sys.argv[1], Key="interop/from boto3 & co.bin", Body=expected[::-1])
            print("same" if body == expected else "different")
            """, arguments: [bucket])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "same")
        XCTAssertEqual(
            try client.getObject(S3URI(bucket: bucket, key: "interop/from boto3 & co.bin")), bytes.reversed())
        XCTAssertEqual(
            try client.listObjects(bucket: bucket, prefix: "interop/").map(\.key),
            ["interop/from boto3 & co.bin", "interop/from grow+ü.bin"])
    }

    func testServerKilledDuringUploadIsRetriedThenFailsClearlyAndNoObjectAppears() throws {
        let path = moto.directory + "/60mb.bin"
        let size: UInt64 = 60_000_000
        try writePatternFile(path, size: size)
        var options = S3Options()
        options.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.1)
        options.partSize = 5 << 20
        options.multipartThreshold = 5 << 20
        options.concurrency = 2
        options.connectTimeout = 2
        options.stallTimeout = 5
        let uri = S3URI(bucket: bucket, key: "killed/60mb.bin")
        let retries = Mutex<[String]>([])
        let client = S3Client(config: moto.config(options: options)) { line in retries.withLock { $0.append(line) } }
        XCTAssertNil(try client.headObject(uri), "no object before the upload")

        // SIGKILL the server once a third of the file is sent (from the progress callback, so it
        // lands mid-upload however fast the machine is).
        let pid = moto.pid
        let killed = Mutex(false)
        XCTAssertThrowsError(
            try client.uploadFile(path, to: uri) { done, total in
                if done > total / 3,
                    !killed.withLock({
                        let was = $0
                        $0 = true
                        return was
                    })
                {
                    kill(pid, SIGKILL)
                }
            }
        ) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .failed)
            XCTAssertTrue(
                error.description.hasPrefix("s3://\(self.bucket)/killed/60mb.bin at \(self.moto.endpoint): "),
                error.description)
            XCTAssertTrue(error.description.contains("(after 4 tries)"), error.description)
        }
        XCTAssertTrue(killed.withLock { $0 })
        let log = retries.withLock { $0 }
        XCTAssertTrue(log.contains { $0.contains("try 2 of 4") }, "\(log)")
        XCTAssertTrue(
            log.contains { $0.contains("could not abort the multipart upload") }, "the abort was tried: \(log)")

        // A server on the same port again: nothing there, and a fresh client works.
        moto.kill()
        try moto.start()
        let fresh = S3Client(config: moto.config(options: options))
        try fresh.createBucket(bucket)
        XCTAssertNil(try fresh.headObject(uri))
        XCTAssertEqual(try fresh.listObjects(bucket: bucket, prefix: "killed/").count, 0)
    }

    func testAFailedMultipartUploadIsAbortedAndLeavesNothing() throws {
        let path = moto.directory + "/40mb.bin"
        try writePatternFile(path, size: 40_000_000)
        var options = S3Options()
        options.partSize = 5 << 20
        options.multipartThreshold = 5 << 20
        options.concurrency = 1
        let client = S3Client(config: moto.config(options: options))
        let uri = S3URI(bucket: bucket, key: "aborted/40mb.bin")
        // The file shrinks under the upload (once 6 MB are sent): a local failure, not retried.
        let shrunk = Mutex(false)
        XCTAssertThrowsError(
            try client.uploadFile(path, to: uri) { done, _ in
                if done > 6_000_000,
                    !shrunk.withLock({
                        let was = $0
                        $0 = true
                        return was
                    })
                {
                    truncate(path, 12_000_000)
                }
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("shrank while being uploaded"), "\(error)")
        }
        XCTAssertNil(try client.headObject(uri))
        XCTAssertEqual(try client.pendingUploads(bucket: bucket).count, 0, "the upload was aborted")
        XCTAssertEqual(try client.listObjects(bucket: bucket, prefix: "").count, 0)
    }

    func testServerSideCopyAndBucketPolicy() throws {
        let client = S3Client(config: moto.config())
        let source = S3URI(bucket: bucket, key: "copy/source.bin")
        try client.putObject(source, bytes: Array(repeating: 42, count: 1000))
        try client.copyObject(from: source, to: S3URI(bucket: bucket, key: "copy/target.bin"))
        XCTAssertEqual(
            try client.getObject(S3URI(bucket: bucket, key: "copy/target.bin")), Array(repeating: 42, count: 1000))

        // Above the single-copy limit the parts go through this machine (ranged GET, UploadPart).
        var options = S3Options()
        options.maximumSingleCopy = 5 << 20
        options.partSize = 5 << 20
        let partCopier = S3Client(config: moto.config(options: options))
        let large = (0..<12_000_000).map { UInt8(truncatingIfNeeded: $0 &* 5 &+ $0 >> 9) }
        try partCopier.putObject(S3URI(bucket: bucket, key: "copy/large.bin"), bytes: large)
        let copied = Mutex<UInt64>(0)
        try partCopier.copyObject(
            from: S3URI(bucket: bucket, key: "copy/large.bin"), to: S3URI(bucket: bucket, key: "copy/large copy.bin")
        ) { done, _ in copied.withLock { $0 = done } }
        XCTAssertEqual(copied.withLock { $0 }, 12_000_000)
        XCTAssertTrue(try client.getObject(S3URI(bucket: bucket, key: "copy/large copy.bin")) == large)
        XCTAssertEqual(
            try client.headObject(S3URI(bucket: bucket, key: "copy/large copy.bin"))?.etag?.hasSuffix("-3\""), true)

        try client.putBucketPolicy(bucket: bucket, policy: SentinelHubPolicy.document(bucket: bucket))
        let stored =
            try JSONSerialization.jsonObject(with: Data(try client.getBucketPolicy(bucket: bucket).utf8))
            as? NSDictionary
        XCTAssertEqual(stored, guidePolicy(bucket: bucket))
    }
}
