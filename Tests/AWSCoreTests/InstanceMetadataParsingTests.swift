import XCTest

@testable import AWSCore

/// The pure parts: notices, endpoints, the token's renewal rule.
final class InstanceMetadataParsingTests: XCTestCase {
    func testNoticesAsEC2WritesThem() throws {
        XCTAssertEqual(
            try InterruptionNotice.instanceAction(#"{"action": "terminate", "time": "2026-11-30T10:00:00Z"}"#),
            .init(action: "terminate", timeUnixMs: 1_796_032_800_000))
        XCTAssertEqual(
            try InterruptionNotice.instanceAction(#"{"action":"stop","time":"2026-11-30T10:00:00.250Z"}"#),
            .init(action: "stop", timeUnixMs: 1_796_032_800_250))
        XCTAssertEqual(
            try InterruptionNotice.rebalance(#"{"noticeTime": "2026-11-30T09:58:00Z"}"#),
            .init(noticeUnixMs: 1_796_032_680_000))
    }

    func testMalformedNoticesAreErrorsThatSayWhatWasWrong() {
        for body in ["", "terminate", #"{"action": "terminate"}"#, #"{"action": "terminate", "time": "soon"}"#] {
            XCTAssertThrowsError(try InterruptionNotice.instanceAction(body), body) { error in
                XCTAssertTrue("\(error)".contains("instance-action"), "\(error)")
            }
        }
        XCTAssertThrowsError(try InterruptionNotice.rebalance(#"{"time": "2026-11-30T09:58:00Z"}"#))
    }

    func testEndpointsAsAUserWritesThem() {
        XCTAssertEqual(InstanceMetadataEndpoint.parse("http://169.254.169.254"), .awsDefault)
        XCTAssertEqual(InstanceMetadataEndpoint.parse("http://127.0.0.1:8111/")?.url, "http://127.0.0.1:8111")
        XCTAssertEqual(InstanceMetadataEndpoint.parse("http://[fd00:ec2::254]")?.url, "http://[fd00:ec2::254]")
        for bad in ["https://169.254.169.254", "169.254.169.254", "http://", "http://h:0", "http://h/path"] {
            XCTAssertNil(InstanceMetadataEndpoint.parse(bad), bad)
        }
    }

    func testATokenIsRenewedWithATenthOfItsLifeLeftAtMostAMinute() {
        let short = InstanceMetadataToken(value: "t", obtainedAtMs: 1000, ttlSeconds: 10)
        XCTAssertFalse(short.needsRefresh(nowMs: 9_999, ttlSeconds: 10))
        XCTAssertTrue(short.needsRefresh(nowMs: 10_000, ttlSeconds: 10), "1 s before the 11 s expiry")
        let long = InstanceMetadataToken(value: "t", obtainedAtMs: 0, ttlSeconds: 21_600)
        XCTAssertFalse(long.needsRefresh(nowMs: 21_539_999, ttlSeconds: 21_600))
        XCTAssertTrue(long.needsRefresh(nowMs: 21_540_000, ttlSeconds: 21_600), "a minute before")
    }
}
