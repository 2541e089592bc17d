import GrowTestSupport
import XCTest

@testable import AWSCore
@testable import ObjectStore

final class S3PureTests: XCTestCase {
    func testURIs() throws {
        XCTAssertEqual(try S3URI(parsing: "s3://bucket/a/b/"), S3URI(bucket: "bucket", key: "a/b/"))
        XCTAssertEqual(try S3URI(parsing: "s3://my.bucket-1"), S3URI(bucket: "my.bucket-1", key: ""))
        for bad in ["s3://", "s3://ab", "s3://Upper/x", "s3://-bad", "https://bucket/x", "s3://under_score"] {
            XCTAssertThrowsError(try S3URI(parsing: bad), bad) { error in
                XCTAssertEqual((error as? S3Error)?.kind, .invalid)
            }
        }
    }

    func testEndpointURLs() throws {
        let path = try S3Endpoint(parsing: "https://s3.waw3-1.cloudferro.com/", pathStyle: true)
        XCTAssertEqual(path.url(bucket: "b-1", key: "a b/c+d"), "https://s3.waw3-1.cloudferro.com/b-1/a%20b/c%2Bd")
        XCTAssertEqual(
            path.url(bucket: "b-1", query: [("prefix", "x/"), ("list-type", "2")]),
            "https://s3.waw3-1.cloudferro.com/b-1?list-type=2&prefix=x%2F")
        let virtual = S3Endpoint.aws(region: "eu-central-1")
        XCTAssertEqual(virtual.url(bucket: "b-1", key: "k"), "https://b-1.s3.eu-central-1.amazonaws.com/k")
        XCTAssertEqual(
            virtual.url(bucket: "dotted.name", key: "k"), "https://s3.eu-central-1.amazonaws.com/dotted.name/k")
        XCTAssertThrowsError(try S3Endpoint(parsing: "https://host/path", pathStyle: true))
        XCTAssertThrowsError(try S3Endpoint(parsing: "https://user@host", pathStyle: true))
    }

    func testRetryPolicy() {
        XCTAssertTrue(RetryPolicy.isRetryable(.transportFailure))
        XCTAssertFalse(RetryPolicy.isRetryable(.localFailure))
        for status in [500, 502, 503, 504, 429] {
            XCTAssertTrue(RetryPolicy.isRetryable(.answered(status: status, code: nil)), "\(status)")
        }
        for status in [400, 403, 404, 409, 412, 416] {
            XCTAssertFalse(RetryPolicy.isRetryable(.answered(status: status, code: nil)), "\(status)")
        }
        XCTAssertTrue(RetryPolicy.isRetryable(.answered(status: 400, code: "RequestTimeout")))
        XCTAssertFalse(RetryPolicy.isRetryable(.answered(status: 403, code: "SignatureDoesNotMatch")))

        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 0.25, maxDelay: 5)
        XCTAssertEqual(policy.delay(afterAttempt: 1, random: 0.999_999), 0.25, accuracy: 0.001)
        XCTAssertEqual(policy.delay(afterAttempt: 3, random: 0.999_999), 1.0, accuracy: 0.001)
        XCTAssertEqual(policy.delay(afterAttempt: 7, random: 0.999_999), 5.0, accuracy: 0.001, "capped")
        XCTAssertEqual(policy.delay(afterAttempt: 3, random: 0.5), 0.5, accuracy: 0.001, "full jitter")
        XCTAssertEqual(policy.delay(afterAttempt: 100, random: 0), 0)
    }

    func testMultipartPlan() {
        let plan = MultipartPlan(size: 200_000_000, preferredPartSize: 16 << 20)
        XCTAssertEqual(plan.count, 12)
        XCTAssertEqual(plan.range(of: 0), 0..<(16 << 20))
        XCTAssertEqual(plan.range(of: 11).upperBound, 200_000_000)
        let covered = (0..<plan.count).map { plan.range(of: $0).count }.reduce(0, +)
        XCTAssertEqual(covered, 200_000_000)
        let huge = MultipartPlan(size: 1 << 40, preferredPartSize: 8 << 20)
        XCTAssertLessThanOrEqual(huge.count, 10_000)
        XCTAssertEqual(huge.partSize % (1 << 20), 0)
        XCTAssertEqual(MultipartPlan(size: 10, preferredPartSize: 1).partSize, 5 << 20, "never below S3's 5 MiB")
    }

    func testErrorTexts() throws {
        let context = S3ErrorText.Context(
            uri: S3URI(bucket: "b-1", key: "k"),
            endpoint: try S3Endpoint(parsing: "https://s3.example", pathStyle: true),
            region: "us-east-1",
            credentials: AWSCredentials(
                accessKeyID: "K", secretAccessKey: "S", source: .profile(name: "x", file: "~/.aws/credentials")),
            method: "GET")
        func text(_ status: Int, _ code: String?, headers: [String: String] = [:]) -> String {
            S3ErrorText.answer(status: status, body: code.map { S3ErrorBody(code: $0) }, headers: headers, context)
                .description
        }
        XCTAssertEqual(
            text(403, "SignatureDoesNotMatch"),
            "s3://b-1/k at https://s3.example: signature does not match (403 SignatureDoesNotMatch): check aws_secret_access_key of profile \"x\" in ~/.aws/credentials"
        )
        XCTAssertEqual(
            text(404, "NoSuchBucket"), "bucket \"b-1\" does not exist at https://s3.example (404 NoSuchBucket)")
        XCTAssertEqual(
            text(301, "PermanentRedirect", headers: ["x-amz-bucket-region": "eu-west-1"]),
            "s3://b-1/k at https://s3.example: the bucket lives in region \"eu-west-1\" (301 PermanentRedirect): set the region or endpoint to match"
        )
        XCTAssertTrue(text(400, "AuthorizationHeaderMalformed").contains("wrong region \"us-east-1\""))
        XCTAssertTrue(text(403, "AccessDenied").contains("may not read here"))
        XCTAssertEqual(
            S3ErrorText.answer(status: 503, body: S3ErrorBody(code: "SlowDown"), headers: [:], context).kind, .failed)
        XCTAssertEqual(S3ErrorText.answer(status: 400, body: nil, headers: [:], context).kind, .invalid)
        XCTAssertEqual(S3ErrorText.transport(code: 6, text: "Couldn't resolve host name", context).kind, .invalid)
        XCTAssertEqual(S3ErrorText.transport(code: 7, text: "Couldn't connect to server", context).kind, .failed)
    }

    func testConfigFileParsing() {
        let file = AWSConfigFile(
            parsing:
                "[profile a]\r\nregion=x\n  nested = y\ns3 =\n  addressing_style = path\n  endpoint_url = http://h\n[b]\n;c\nkey = v # note\n",
            isConfigFile: true)
        XCTAssertEqual(file.value("region", profile: "a"), "x")
        XCTAssertEqual(file.value("s3.addressing_style", profile: "a"), "path")
        XCTAssertEqual(file.value("s3.endpoint_url", profile: "a"), "http://h")
        XCTAssertEqual(file.value("key", profile: "b"), "v")
        XCTAssertTrue(file.hasProfile("a"))
        XCTAssertFalse(file.hasProfile("profile a"))
    }

    func testSentinelHubPolicyIsTheGuides() throws {
        let parsed =
            try JSONSerialization.jsonObject(with: Data(SentinelHubPolicy.document(bucket: "my-container").utf8))
            as? NSDictionary
        XCTAssertEqual(parsed, guidePolicy(bucket: "my-container"))
    }
}
