import XCTest

@testable import AWSCore

/// The credential chain's pure parts: where keys come from, when IMDS is asked, when an instance
/// profile's credentials are fetched again.
final class CredentialTests: XCTestCase {
    func testRefreshHappensInsideTheMarginNotBefore() {
        let policy = CredentialRefresh(margin: 300_000, minimumInterval: 10_000, urgent: 60_000)
        let expiration: UInt64 = 10_000_000
        XCTAssertFalse(policy.shouldFetch(now: expiration - 300_001, expiration: expiration, lastFetch: 0))
        XCTAssertTrue(policy.shouldFetch(now: expiration - 300_000, expiration: expiration, lastFetch: 0))
        // Inside the margin, not again within the minimum interval of the last fetch...
        XCTAssertFalse(
            policy.shouldFetch(now: expiration - 200_000, expiration: expiration, lastFetch: expiration - 205_000))
        XCTAssertTrue(
            policy.shouldFetch(now: expiration - 200_000, expiration: expiration, lastFetch: expiration - 210_000))
        // ...unless they are about to expire.
        XCTAssertTrue(
            policy.shouldFetch(now: expiration - 60_000, expiration: expiration, lastFetch: expiration - 60_001))
        XCTAssertFalse(policy.shouldFetch(now: 0, expiration: nil, lastFetch: nil), "long-lived keys stay")
    }

    func testIMDSIsAskedOnlyOnEC2OrWhenPointedAt() {
        let none: (String) -> String? = { _ in nil }
        XCTAssertNil(InstanceMetadataEndpoint.resolve(environment: [:], readFile: none), "not EC2: never")
        XCTAssertEqual(
            InstanceMetadataEndpoint.resolve(
                environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8111/"], readFile: none)?.url,
            "http://127.0.0.1:8111")
        let nitro: (String) -> String? = { $0 == "/sys/devices/virtual/dmi/id/sys_vendor" ? "Amazon EC2\n" : nil }
        XCTAssertEqual(InstanceMetadataEndpoint.resolve(environment: [:], readFile: nitro), .awsDefault)
        let xen: (String) -> String? = { $0 == "/sys/hypervisor/uuid" ? "ec2e1916-9099-7caf-fd21-012345abcdef" : nil }
        XCTAssertEqual(InstanceMetadataEndpoint.resolve(environment: [:], readFile: xen)?.url, "http://169.254.169.254")
        XCTAssertNil(
            InstanceMetadataEndpoint.resolve(environment: ["AWS_EC2_METADATA_DISABLED": "true"], readFile: nitro))
    }

    func testInstanceProfileDocument() throws {
        let body = Array(
            #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAX","SecretAccessKey":"s/+","Token":"t","Expiration":"2026-11-30T12:00:00Z"}"#
                .utf8)
        let credentials = try InstanceProfileDocument.credentials(body, role: "grow-node")
        XCTAssertEqual(credentials.accessKeyID, "ASIAX")
        XCTAssertEqual(credentials.sessionToken, "t")
        XCTAssertEqual(credentials.expiration, 1_796_040_000_000)
        XCTAssertEqual(credentials.source, .instanceProfile(role: "grow-node"))
        XCTAssertFalse("\(credentials)".contains("s/+"))
        XCTAssertThrowsError(
            try InstanceProfileDocument.credentials(Array(#"{"Code":"Failure"}"#.utf8), role: "r")
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "the instance profile (role r): the metadata service reports Failure for the role's credentials")
        }
        XCTAssertEqual(AWSTime.unixMilliseconds(iso8601: "2026-11-30T12:00:00.250Z"), 1_796_040_000_250)
    }

    func testServiceConfigFollowsTheCLIsOrder() throws {
        let files: [String: String] = [
            "/h/.aws/config":
                "[default]\nregion = eu-west-1\n[profile p]\nregion = eu-central-1\nec2 =\n  endpoint_url = http://127.0.0.1:1\n",
            "/h/.aws/credentials": "[p]\naws_access_key_id = PK\naws_secret_access_key = PS\n",
        ]
        let read: (String) -> String? = { files[$0] }
        let plain = try AWSServiceConfig.resolve(
            service: "ec2", hostPrefix: "ec2", region: nil, environment: ["HOME": "/h"], readFile: read)
        XCTAssertEqual(plain.region, "eu-west-1")
        XCTAssertEqual(plain.endpoint, "https://ec2.eu-west-1.amazonaws.com")
        XCTAssertEqual(try plain.credentials.current(), nil, "no keys, not on EC2: none")
        let profiled = try AWSServiceConfig.resolve(
            service: "ec2", hostPrefix: "ec2", region: nil, environment: ["HOME": "/h", "AWS_PROFILE": "p"],
            readFile: read)
        XCTAssertEqual(profiled.region, "eu-central-1")
        XCTAssertEqual(profiled.endpoint, "http://127.0.0.1:1")
        XCTAssertEqual(try profiled.credentials.current()?.accessKeyID, "PK")
        let environment = try AWSServiceConfig.resolve(
            service: "ecr", hostPrefix: "api.ecr", region: "us-west-2",
            environment: [
                "HOME": "/h", "AWS_PROFILE": "p", "AWS_ACCESS_KEY_ID": "EK", "AWS_SECRET_ACCESS_KEY": "ES",
                "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:2/",
            ], readFile: read)
        XCTAssertEqual(environment.region, "us-west-2")
        XCTAssertEqual(environment.endpoint, "http://127.0.0.1:2")
        XCTAssertEqual(
            try environment.credentials.current()?.accessKeyID, "EK", "the environment's keys beat AWS_PROFILE's")
        XCTAssertThrowsError(
            try AWSServiceConfig.resolve(
                service: "ec2", hostPrefix: "ec2", region: nil, environment: ["HOME": "/h", "AWS_PROFILE": "nope"],
                readFile: read)
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "profile \"nope\": not found in /h/.aws/credentials or /h/.aws/config (named by AWS_PROFILE)")
        }
        let imds = try AWSServiceConfig.resolve(
            service: "ec2", hostPrefix: "ec2", region: "us-east-1",
            environment: ["HOME": "/none", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:3"], readFile: read)
        XCTAssertTrue(imds.credentials.isInstanceProfile)
    }
}
