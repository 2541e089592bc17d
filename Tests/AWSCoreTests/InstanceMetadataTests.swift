import Foundation
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore

/// IMDSv2 against a stand-in server on loopback that refuses any GET without a token, and the
/// instance profile's credentials signing real EC2 calls to moto (signatures checked).
final class InstanceMetadataTests: XCTestCase {
    func testTokenFirstThenPathsAnd404IsNothing() throws {
        let imds = try IMDSStandIn(instanceID: "i-0abc")
        let client = InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url), tokenTTL: 300)
        XCTAssertEqual(try client.get("meta-data/instance-id"), "i-0abc")
        XCTAssertNil(try client.get("meta-data/spot/instance-action"), "404 is no notice")
        XCTAssertNil(try client.instanceProfileCredentials(), "no role: no credentials")
        let counts = imds.counts()
        XCTAssertEqual(counts["PUT /latest/api/token 200"], 1, "one token for all calls: \(counts)")
        XCTAssertNil(counts.keys.first { $0.hasSuffix(" 401") }, "no GET went without a token: \(counts)")
        // A notice appears: the next poll sees it.
        imds.setInstanceAction(time: Date(timeIntervalSince1970: 1_796_040_120))
        XCTAssertEqual(
            try client.get("meta-data/spot/instance-action"),
            #"{"action": "terminate", "time": "2026-11-30T12:02:00Z"}"#)
    }

    func testADroppedTokenIsReplacedOnce() throws {
        let imds = try IMDSStandIn(instanceID: "i-1")
        let client = InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url))
        XCTAssertEqual(try client.get("meta-data/instance-id"), "i-1")
        // The service restarts: every token it gave is void.
        imds.forgetTokens()
        XCTAssertEqual(try client.get("meta-data/instance-id"), "i-1")
        let counts = imds.counts()
        XCTAssertEqual(counts["GET /latest/meta-data/instance-id 401"], 1, "\(counts)")
        XCTAssertEqual(counts["PUT /latest/api/token 200"], 2, "\(counts)")
    }

    func testTheTokenIsRenewedBeforeItsTTLRunsOut() throws {
        let imds = try IMDSStandIn()
        let client = InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url), tokenTTL: 1)
        // Reads over three seconds with a one-second token: each read carries a live token.
        let end = Date().addingTimeInterval(3)
        var reads = 0
        while Date() < end {
            XCTAssertNil(try client.get("meta-data/spot/instance-action"))
            reads += 1
            usleep(100_000)
        }
        let statuses = imds.requests.filter { $0.method == "GET" }.map(\.status)
        XCTAssertEqual(statuses, Array(repeating: 404, count: reads), "never a 401: renewed in time")
        XCTAssertGreaterThanOrEqual(imds.tokenTTLs.count, 3, "a fresh token at least every second")
        XCTAssertLessThan(imds.tokenTTLs.count, reads, "not one per read")
    }

    func testNothingListeningIsOneLineNamingTheService() throws {
        let port = try freeLoopbackPort()
        let client = InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: "http://127.0.0.1:\(port)"))
        XCTAssertThrowsError(try client.get("meta-data/instance-id")) { error in
            let error = error as! AWSError
            XCTAssertEqual(error.kind, .failed)
            XCTAssertTrue(
                error.description.hasPrefix(
                    "the instance metadata service at http://127.0.0.1:\(port): cannot reach it"),
                error.description)
        }
    }

    /// The instance profile's keys sign EC2 calls that moto checks; they are cached, and fetched
    /// again before they expire, not after.
    func testInstanceProfileCredentialsSignEC2AndAreRefreshedBeforeExpiry() throws {
        let moto = try MotoServer(name: "imdsec2")
        let imds = try IMDSStandIn()
        let start = Int(Date().timeIntervalSince1970)
        // Two sessions of a role moto knows (it checks key, secret and token); the first expires
        // in an hour, the second in two.
        let sessions = try moto.assumedRoleCredentials(role: "grow-node", count: 2)
        XCTAssertEqual(sessions.count, 2)
        imds.setInstanceProfile(
            role: "grow-node",
            credentials: sessions.enumerated().map { index, session in
                .init(
                    accessKeyID: session.accessKeyID, secretAccessKey: session.secretAccessKey,
                    token: session.sessionToken, expiration: start + 3600 * (index + 1))
            })
        // A clock the test moves: the provider's idea of now, in Unix ms.
        let skew = Mutex<UInt64>(0)
        let provider = CredentialProvider.instanceProfile(
            InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url)),
            now: { UInt64(Date().timeIntervalSince1970 * 1000) + skew.withLock { $0 } })
        let ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: moto.endpoint, credentials: provider))
        for _ in 0..<3 { _ = try ec2.describeInstances() }
        let credentialsPath = "GET /latest/meta-data/iam/security-credentials/grow-node 200"
        XCTAssertEqual(imds.counts()[credentialsPath], 1, "cached: \(imds.counts())")
        XCTAssertEqual(try provider.current()?.sessionToken, sessions[0].sessionToken)
        XCTAssertEqual(try provider.current()?.source, .instanceProfile(role: "grow-node"))

        // 54 minutes on: still more than the 5-minute margin left, no fetch.
        skew.withLock { $0 = 54 * 60_000 }
        _ = try ec2.describeInstances()
        XCTAssertEqual(imds.counts()[credentialsPath], 1)
        // 56 minutes on: 4 minutes left, inside the margin: fetched again before they expire.
        skew.withLock { $0 = 56 * 60_000 }
        _ = try ec2.describeInstances()
        XCTAssertEqual(imds.counts()[credentialsPath], 2)
        XCTAssertEqual(try provider.current()?.sessionToken, sessions[1].sessionToken)
    }

    /// A refresh that fails keeps the cached credentials while they last, and says why after.
    func testAFailedRefreshKeepsTheCachedCredentialsUntilTheyExpire() throws {
        let imds = try IMDSStandIn()
        let start = Int(Date().timeIntervalSince1970)
        imds.setInstanceProfile(
            role: "grow-node",
            credentials: [.init(accessKeyID: "ASIA1", secretAccessKey: "s", token: "t", expiration: start + 240)])
        let skew = Mutex<UInt64>(0)
        let provider = CredentialProvider.instanceProfile(
            InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url)),
            now: { UInt64(Date().timeIntervalSince1970 * 1000) + skew.withLock { $0 } })
        XCTAssertEqual(try provider.current()?.accessKeyID, "ASIA1")
        // The role's credentials vanish from the service; 20 s on, inside the margin, a fetch fails.
        imds.setInstanceProfile(role: "grow-node", credentials: [])
        skew.withLock { $0 = 20_000 }
        XCTAssertEqual(try provider.current()?.accessKeyID, "ASIA1", "still valid: kept")
        let path = "GET /latest/meta-data/iam/security-credentials/grow-node 404"
        XCTAssertEqual(imds.counts()[path], 1)
        skew.withLock { $0 = 300_000 }
        XCTAssertThrowsError(try provider.current()) { error in
            XCTAssertEqual(
                "\(error)",
                "the instance metadata service at \(imds.url): the instance profile's role grow-node has no credentials (404)"
            )
        }
    }

    func testRefusedInstanceProfileKeysNameTheRole() throws {
        let moto = try MotoServer(name: "imdsbad")
        let imds = try IMDSStandIn()
        let session = try XCTUnwrap(moto.assumedRoleCredentials(role: "grow-node", count: 1).first)
        imds.setInstanceProfile(
            role: "grow-node",
            credentials: [
                .init(
                    accessKeyID: session.accessKeyID, secretAccessKey: "wrong", token: session.sessionToken,
                    expiration: Int(Date().timeIntervalSince1970) + 3600)
            ])
        let ec2 = EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: moto.endpoint,
                credentials: .instanceProfile(InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: imds.url)))
            ))
        XCTAssertThrowsError(try ec2.describeInstances()) { error in
            let error = error as! AWSError
            XCTAssertEqual(error.kind, .denied)
            XCTAssertEqual(
                error.description,
                "ec2 DescribeInstances at \(moto.endpoint): AWS was not able to validate the provided access credentials (401 AuthFailure): check the credentials from the instance profile (role grow-node)"
            )
        }
    }
}
