import Foundation
import GrowBase
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore
@testable import ObjectStore

/// What a user sees when credentials or names are wrong, against a signature-checking moto.
final class S3ErrorsMotoTests: XCTestCase {
    var moto: MotoServer!
    let bucket = "grow-errors"

    override func setUpWithError() throws {
        moto = try MotoServer(name: "errors")
        try S3Client(config: moto.config()).createBucket(bucket)
    }

    override func tearDown() { moto = nil }

    func testWrongSecretIsOneClearLineAndNotRetried() throws {
        let retries = Mutex<[String]>([])
        let wrongSecret = "definitely-not-the-secret-1234567890"
        let client = S3Client(config: moto.config(secret: wrongSecret)) { line in retries.withLock { $0.append(line) } }
        XCTAssertThrowsError(try client.putObject(S3URI(bucket: bucket, key: "a/b.txt"), bytes: [1, 2, 3])) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .denied)
            XCTAssertFalse(error.isRetryable)
            XCTAssertEqual(
                error.description,
                "s3://\(self.bucket)/a/b.txt at \(self.moto.endpoint): signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY"
            )
            XCTAssertFalse(error.description.contains(wrongSecret))
            XCTAssertFalse(error.description.contains(self.moto.secretAccessKey))
        }
        XCTAssertEqual(retries.withLock { $0 }, [], "a 403 is not retried")
        // The right secret works on the same server: the check is real, not a broken server.
        try S3Client(config: moto.config()).putObject(S3URI(bucket: bucket, key: "a/b.txt"), bytes: [1, 2, 3])
    }

    func testWrongSecretFromAProfileNamesTheProfile() throws {
        let folder = moto.directory
        try "[grow]\naws_access_key_id = \(moto.accessKeyID)\naws_secret_access_key = wrong\n".write(
            toFile: folder + "/credentials", atomically: true, encoding: .utf8)
        let config = try S3ConfigResolver.resolve(
            StorageSettings(profile: "grow", endpoint: moto.endpoint),
            environment: ["HOME": folder, "AWS_SHARED_CREDENTIALS_FILE": folder + "/credentials"],
            readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
        XCTAssertThrowsError(try S3Client(config: config).listObjects(bucket: bucket, prefix: "")) { error in
            XCTAssertEqual(
                "\(error)",
                "s3://\(self.bucket) at \(self.moto.endpoint): signature does not match (403 SignatureDoesNotMatch): check aws_secret_access_key of profile \"grow\" in \(folder)/credentials"
            )
        }
    }

    func testUnknownAccessKey() throws {
        var config = moto.config()
        config.credentials?.accessKeyID = "AKIAUNKNOWNUNKNOWN00"
        XCTAssertThrowsError(try S3Client(config: config).getObject(S3URI(bucket: bucket, key: "x"))) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .denied)
            XCTAssertEqual(error.code, "InvalidAccessKeyId")
            XCTAssertTrue(error.description.contains("check AWS_ACCESS_KEY_ID"), error.description)
        }
    }

    func testMissingBucket() throws {
        let client = S3Client(config: moto.config())
        XCTAssertThrowsError(try client.getObject(S3URI(bucket: "no-such-bucket", key: "x"))) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertEqual(
                error.description,
                "bucket \"no-such-bucket\" does not exist at \(self.moto.endpoint) (404 NoSuchBucket)")
        }
        XCTAssertThrowsError(try client.listObjects(bucket: "no-such-bucket", prefix: "p/")) { error in
            XCTAssertEqual(
                "\(error)", "bucket \"no-such-bucket\" does not exist at \(self.moto.endpoint) (404 NoSuchBucket)")
        }
    }

    func testNothingListensIsRetriedThenReportedWithTheEndpoint() throws {
        var options = S3Options()
        options.retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.05)
        let port = try freeLoopbackPort()
        let config = S3Config(
            endpoint: try S3Endpoint(parsing: "http://127.0.0.1:\(port)", pathStyle: true), region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "AKIA", secretAccessKey: "s", source: .explicit), options: options)
        let retries = Mutex(0)
        let client = S3Client(config: config) { _ in retries.withLock { $0 += 1 } }
        XCTAssertThrowsError(try client.getObject(S3URI(bucket: bucket, key: "x"))) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .failed)
            XCTAssertTrue(
                error.description.hasPrefix(
                    "s3://\(self.bucket)/x at http://127.0.0.1:\(port): cannot reach the endpoint"), error.description)
            XCTAssertTrue(error.description.hasSuffix("(after 3 tries)"), error.description)
        }
        XCTAssertEqual(retries.withLock { $0 }, 2)
    }

    func testSessionTokenIsSentAndChecked() throws {
        // Session credentials from AssumeRole (moto checks their token, as STS-backed S3 does).
        let output = try moto.runPython(
            """
            import boto3, json
            iam, sts = boto3.client("iam"), boto3.client("sts")
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
            role = iam.create_role(RoleName="grow-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            policy = iam.create_policy(PolicyName="grow-role-all", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
            iam.attach_role_policy(RoleName="grow-role", PolicyArn=policy)
            c = sts.assume_role(RoleArn=role, RoleSessionName="grow-session")["Credentials"]
            print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            """)
        let parts = output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(parts.count, 3)
        var config = moto.config()
        config.credentials = AWSCredentials(
            accessKeyID: parts[0], secretAccessKey: parts[1], sessionToken: parts[2], source: .environment)
        let uri = S3URI(bucket: bucket, key: "session/x")
        try S3Client(config: config).putObject(uri, bytes: [7])
        XCTAssertEqual(try S3Client(config: config).getObject(uri), [7])
        config.credentials?.sessionToken = "bogus-token"
        XCTAssertThrowsError(try S3Client(config: config).getObject(uri)) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .denied)
            XCTAssertEqual(error.code, "InvalidToken")
            XCTAssertTrue(error.description.contains("the session token is not valid"), error.description)
            XCTAssertTrue(error.description.contains("check AWS_SESSION_TOKEN"), error.description)
            XCTAssertFalse(error.description.contains("bogus-token"))
        }
    }
}
