import Foundation
import GrowTestSupport
import ObjectStore
import XCTest

/// `grow-head storage` as a user runs it, against moto with signature checks on.
final class StorageCommandTests: XCTestCase {
    var moto: MotoServer!
    let bucket = "grow-cli"

    override func setUpWithError() throws {
        try PackagePaths.requireBinaries()
        moto = try MotoServer(name: "cli")
        try S3Client(config: moto.config()).createBucket(bucket)
    }

    override func tearDown() { moto = nil }

    func run(_ arguments: [String], secret: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        let result = try captureProcess(
            PackagePaths.headBinary.path, arguments, environment: moto.awsEnvironment(secret: secret))
        return (result.status, result.stdout, result.stderr)
    }

    func testGrantSetsTheGuidesPolicyAndPrintsItBack() throws {
        let result = try run(["storage", "grant", "s3://\(bucket)", "--endpoint", moto.endpoint])
        XCTAssertEqual(result.status, 0, result.errors)
        let printed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? NSDictionary
        XCTAssertEqual(printed, guidePolicy(bucket: bucket))
        // boto3 reads the policy back and compares it with the guide's own dict.
        let verdict = try moto.runPython(
            """
            import boto3, json, sys
            bucket_name = sys.argv[1]
            share_to = "ddf4c98b5e6647f0a246f0624c8341d9"
            guide = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Sentinel Hub permissions",
                        "Effect": "Allow",
                        "Principal": {"AWS": [f"arn:aws:iam::{share_to}:root"]},
                        "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject", "s3:GetObject"],
                        "Resource": [f"arn:aws:s3:::{bucket_name}", f"arn:aws:s3:::{bucket_name}/*"],
                    }
                ],
            }
            stored = json.loads(boto3.client("s3").get_bucket_policy(Bucket=bucket_name)["Policy"])
            print("same" if stored == guide else "different: " + json.dumps(stored))
            """, arguments: [bucket])
        XCTAssertEqual(verdict.trimmingCharacters(in: .whitespacesAndNewlines), "same")
    }

    func testWrongSecretExitsTwoWithOneLine() throws {
        for arguments in [
            ["storage", "ls", "s3://\(bucket)/x"], ["storage", "grant", "s3://\(bucket)"],
            ["storage", "cp", "s3://\(bucket)/a", moto.directory + "/a"],
        ] {
            let result = try run(arguments, secret: "wrong-secret-value")
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.errors)")
            XCTAssertEqual(result.errors.split(separator: "\n").count, 1, result.errors)
            XCTAssertTrue(
                result.errors.contains(
                    "signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY"), result.errors)
            XCTAssertTrue(result.errors.contains(moto.endpoint), result.errors)
            XCTAssertFalse(result.errors.contains("wrong-secret-value"))
        }
    }

    func testMissingBucketAndBadAddressesExitTwo() throws {
        let missing = try run(["storage", "ls", "s3://no-such-bucket/p"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(
            missing.errors,
            "grow-head: bucket \"no-such-bucket\" does not exist at \(moto.endpoint) (404 NoSuchBucket)\n")
        for arguments in [
            ["storage", "ls", "not-s3"], ["storage", "grant", "s3://\(bucket)/prefix"], ["storage", "cp", "a", "b"],
            ["storage", "ls", "s3://\(bucket)", "--endpoint", "ftp://x"], ["storage", "ls"],
        ] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.errors)")
        }
    }

    func testCopyBothWaysWithinS3AndList() throws {
        let local = moto.directory + "/20mb.bin"
        try writePatternFile(local, size: 20_000_000)
        try "small".write(toFile: moto.directory + "/small.txt", atomically: true, encoding: .utf8)

        var result = try run(["storage", "cp", local, "s3://\(bucket)/project/input/"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(result.output.contains("→ s3://\(bucket)/project/input/20mb.bin"), result.output)
        XCTAssertTrue(result.errors.contains("100.0%"), "a progress line for a large file: \(result.errors)")
        XCTAssertTrue(result.errors.contains("/s  ETA"), result.errors)
        result = try run(["storage", "cp", moto.directory + "/small.txt", "s3://\(bucket)/project/small.txt"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertEqual(result.errors, "", "no bar for a small file")
        result = try run(["storage", "cp", "s3://\(bucket)/project/input/20mb.bin", "s3://\(bucket)/project/copy/"])
        XCTAssertEqual(result.status, 0, result.errors)
        result = try run(["storage", "cp", "s3://\(bucket)/project/copy/20mb.bin", moto.directory + "/back/"])
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertTrue(try filesEqual(local, moto.directory + "/back/20mb.bin"))

        result = try run(["storage", "ls", "s3://\(bucket)/project/"])
        XCTAssertEqual(result.status, 0, result.errors)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.output)
        XCTAssertTrue(lines[0].hasSuffix("  19.1 MiB  project/copy/20mb.bin"), lines[0])
        XCTAssertTrue(lines[1].hasSuffix("  19.1 MiB  project/input/20mb.bin"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix("       5 B  project/small.txt"), lines[2])
        XCTAssertEqual(lines[3], "3 objects, 38.1 MiB")
        XCTAssertNotNil(lines[0].range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "#, options: .regularExpression), lines[0])
        result = try run(["storage", "ls", "s3://\(bucket)/project/small", "--bytes"])
        XCTAssertTrue(result.output.contains("             5  project/small.txt"), result.output)

        result = try run(["storage", "cp", "s3://\(bucket)/project/none", moto.directory + "/none"])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: moto.directory + "/none"))
    }
}
