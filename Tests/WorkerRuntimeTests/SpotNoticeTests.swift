import AWSCore
import Foundation
import GrowBase
import GrowTestSupport
import Wire
import WorkerRuntime
import XCTest

/// A worker with its interruption watcher, a metadata stand-in on loopback and a head played by
/// the test: the spot notice becomes a drain with the notice's deadline, the rebalance
/// recommendation a word to the head.
final class SpotNoticeTests: XCTestCase {
    typealias Harness = WorkerHarness

    /// Starts watching `standIn` for `harness`'s worker; the task ends with the worker.
    func watch(_ standIn: IMDSStandIn, _ harness: Harness, marginMs: UInt64) throws -> Task<Void, Never> {
        let watcher = InterruptionWatcher(
            client: InstanceMetadataClient(endpoint: InstanceMetadataEndpoint(url: standIn.url)), pollIntervalMs: 50,
            marginMs: marginMs, logger: harness.logs.logger)
        let worker = harness.worker
        return Task { await watcher.watch(worker) }
    }

    func testANoticeDrainsTheWorkerWithTheNoticesTimeLessTheMarginAsDeadline() async throws {
        let standIn = try IMDSStandIn()
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        let watching = try watch(standIn, harness, marginMs: 1000)
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 1)]))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0)])

        // The machine goes in 3 s (whole seconds, as AWS writes the time).
        let termination = (Clock.unixMs() / 1000 + 3) * 1000
        standIn.setInstanceAction("terminate", time: Date(timeIntervalSince1970: Double(termination) / 1000))
        let drainWrite = try await head.nextWrite("the Drain")
        guard drainWrite.count == 1, case .drain(let drain) = drainWrite[0] else {
            return XCTFail("expected Drain alone, got \(drainWrite)")
        }
        XCTAssertEqual(drain.cause, .interruption)
        XCTAssertEqual(drain.terminationUnixMs, termination)
        XCTAssertEqual(drain.deadlineUnixMs, termination - 1000)
        XCTAssertTrue(drain.reason.contains("spot interruption notice"), drain.reason)

        // Queued tiles go back at once.
        try await head.send(.revoke(TileIndices(job: 1, indices: [1, 2])))
        let ack = try await head.nextWrite("the RevokeAck")
        XCTAssertEqual(ack, [.revokeAck(TileIndices(job: 1, indices: [1, 2]))])

        // Tile 0 cannot finish by the deadline: it is stopped then, unreported, and the worker ends.
        let ending = try await harness.ending()
        let endedAt = Clock.unixMs()
        XCTAssertEqual(ending, .drained)
        XCTAssertGreaterThanOrEqual(endedAt, drain.deadlineUnixMs, "ended at the deadline, not before")
        XCTAssertEqual(harness.runner.cancelled.map(\.index), [0])
        XCTAssertEqual(harness.runner.started.map(\.index), [0], "nothing started after the notice")
        let unread = try await head.unreadWrites()
        XCTAssertEqual(unread, [], "no result for the stopped tile")
        await watching.value
        XCTAssertNotNil(standIn.firstServedNotice)
        XCTAssertTrue(standIn.requests.allSatisfy { $0.status != 401 }, "every read with a valid token")
    }

    func testATileThatFinishesBeforeTheDeadlineIsReported() async throws {
        let standIn = try IMDSStandIn()
        let harness = try Harness(slots: 1, prefetch: 0)
        let (head, _) = try await harness.connect()
        let watching = try watch(standIn, harness, marginMs: 0)
        try await head.send(Harness.definition(), Harness.assign([(0, 1)]))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0)])
        standIn.setInstanceAction("terminate", time: Date().addingTimeInterval(600))
        let drainWrite = try await head.nextWrite("the Drain")
        guard case .drain(let drain) = drainWrite.first else { return XCTFail("expected Drain, got \(drainWrite)") }
        XCTAssertEqual(drain.cause, .interruption)
        harness.runner.finish(0, .done(detail: "in time"))
        let result = try await head.nextWrite("the result")
        XCTAssertEqual(
            result,
            [
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "in time")]))
            ])
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .drained)
        XCTAssertEqual(harness.runner.cancelled, [])
        await watching.value
    }

    func testARebalanceRecommendationIsToldToTheHeadAndTheWorkerGoesOn() async throws {
        let standIn = try IMDSStandIn()
        let harness = try Harness(slots: 1, prefetch: 0)
        let (head, _) = try await harness.connect()
        let watching = try watch(standIn, harness, marginMs: 1000)
        let noticeTime = Date(timeIntervalSince1970: 1_796_032_680)
        standIn.setRebalance(noticeTime: noticeTime)
        let heartbeat = try await head.nextHeartbeat()
        XCTAssertEqual(heartbeat.rebalanceNoticeUnixMs, 1_796_032_680_000)
        // Not a drain: tiles still run, and later heartbeats keep saying it.
        try await head.send(Harness.definition(), Harness.assign([(0, 1)]))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0)])
        harness.runner.finish(0, .done(detail: ""))
        let done = try await head.nextWrite("the result")
        guard case .tileDone = done.first else { return XCTFail("expected TileDone, got \(done)") }
        XCTAssertNil(harness.ended)
        watching.cancel()
        try await harness.stop(through: head)
        XCTAssertEqual(
            standIn.requests.filter { $0.path.hasSuffix("/rebalance") && $0.status == 200 }.count, 1,
            "read once: the worker remembers it")
    }

    func testTheWorkerTellsTheHeadItsNodeID() async throws {
        let harness = try Harness(slots: 1, prefetch: 0, nodeID: "i-0abc")
        let (head, register) = try await harness.connect()
        XCTAssertEqual(register.nodeID, "i-0abc")
        try await harness.stop(through: head)
    }
}
