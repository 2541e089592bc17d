import Foundation
import GrowTestSupport
import InstanceMetadata
import XCTest

/// The metadata client against a stand-in on loopback that insists on IMDSv2 tokens.
final class IMDSClientTests: XCTestCase {
    func testItTakesATokenFirstAndReadsNothingUntilANoticeThenAWSsJSON() async throws {
        let standIn = try IMDSStandIn()
        let client = IMDSClient(endpoint: try XCTUnwrap(IMDSEndpoint(url: standIn.url)), tokenTTLSeconds: 300)
        let before = try await client.get("/latest/meta-data/spot/instance-action")
        XCTAssertNil(before, "404 until there is a notice")
        let time = Date(timeIntervalSince1970: 1_795_000_000)
        standIn.setInstanceAction("terminate", time: time)
        let body = try await client.get("/latest/meta-data/spot/instance-action")
        let notice = try InterruptionNotice.instanceAction(try XCTUnwrap(body))
        XCTAssertEqual(notice, .init(action: "terminate", timeUnixMs: 1_795_000_000_000))
        let id = try await client.get("/latest/meta-data/instance-id")
        XCTAssertEqual(id, standIn.instanceID)
        XCTAssertEqual(
            standIn.requests.map { "\($0.method) \($0.path) \($0.status)" },
            [
                "PUT /latest/api/token 200",
                "GET /latest/meta-data/spot/instance-action 404",
                "GET /latest/meta-data/spot/instance-action 200",
                "GET /latest/meta-data/instance-id 200",
            ], "one token for all three reads")
        XCTAssertEqual(standIn.tokenTTLs, [300])
    }

    func testTheTokenIsRenewedBeforeItsTTLRunsOut() async throws {
        let standIn = try IMDSStandIn()
        let client = IMDSClient(endpoint: try XCTUnwrap(IMDSEndpoint(url: standIn.url)), tokenTTLSeconds: 1)
        // Reads over three seconds with a one-second token: each read carries a live token.
        let end = Date().addingTimeInterval(3)
        var reads = 0
        while Date() < end {
            _ = try await client.get("/latest/meta-data/spot/instance-action")
            reads += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        let statuses = standIn.requests.filter { $0.method == "GET" }.map(\.status)
        XCTAssertEqual(statuses, Array(repeating: 404, count: reads), "never a 401: renewed in time")
        XCTAssertGreaterThanOrEqual(standIn.tokenTTLs.count, 3, "a fresh token at least every second")
    }

    func testARefusedTokenIsReplacedOnce() async throws {
        let standIn = try IMDSStandIn()
        let client = IMDSClient(endpoint: try XCTUnwrap(IMDSEndpoint(url: standIn.url)))
        _ = try await client.get("/latest/meta-data/instance-id")
        standIn.forgetTokens()
        let id = try await client.get("/latest/meta-data/instance-id")
        XCTAssertEqual(id, standIn.instanceID)
        XCTAssertEqual(
            standIn.requests.map { "\($0.method) \($0.status)" },
            ["PUT 200", "GET 200", "GET 401", "PUT 200", "GET 200"])
    }

    func testAServiceThatIsNotThereIsAnErrorNotAHang() async throws {
        let port = try freeLoopbackPort()
        let client = IMDSClient(endpoint: IMDSEndpoint(host: "127.0.0.1", port: port), timeout: .seconds(1))
        do {
            _ = try await client.get("/latest/meta-data/spot/instance-action")
            XCTFail("read from a closed port")
        } catch {
            XCTAssertFalse("\(error)".isEmpty)
        }
    }
}
