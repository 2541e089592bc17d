import Exec
import GrowJob
import XCTest

private let executor = TileExecutor()

final class NoopAndSleepExecutionTests: XCTestCase {
    func testNoopIsDoneRightAway() async throws {
        let spec = try JobSpec.parse(json: #"{"pipeline": "noop", "tiles": 2}"#, source: "t")
        let outcome = await executor.run(spec, tile(1, in: spec, workDir: ""), cancellation: TileCancellation())
        guard case .done(let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "")
    }

    func testSleepSleepsItsDuration() async throws {
        let spec = try JobSpec.parse(
            json: #"{"pipeline": "sleep", "tiles": 2, "sleep": {"fixed_ms": 30}}"#, source: "t")
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: ""), cancellation: TileCancellation())
        }
        guard case .done(_) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertGreaterThanOrEqual(micros, 30_000)
    }

    func testSleepHonoursCancellation() async throws {
        let spec = try JobSpec.parse(
            json: #"{"pipeline": "sleep", "tiles": 2, "sleep": {"fixed_ms": 60000}}"#, source: "t")
        let cancellation = TileCancellation()
        let task = Task { await executor.run(spec, tile(0, in: spec, workDir: ""), cancellation: cancellation) }
        try await Task.sleep(for: .milliseconds(20))
        cancellation.cancel()
        let (outcome, micros) = await timed { await task.value }
        guard case .failed(true, "cancelled") = outcome else { return XCTFail("\(outcome)") }
        XCTAssertLessThan(micros, 60_000_000)
    }

    func testSleepTimesOut() async throws {
        let spec = try JobSpec.parse(
            json: #"{"pipeline": "sleep", "tiles": 2, "sleep": {"fixed_ms": 60000}, "tile_timeout": 0.05}"#, source: "t"
        )
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: ""), cancellation: TileCancellation())
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertEqual(error, "timed out after 0.05s")
    }

    func testCancellationIsIdempotentAndVisible() {
        let cancellation = TileCancellation()
        XCTAssertFalse(cancellation.isCancelled)
        cancellation.cancel()
        cancellation.cancel()
        XCTAssertTrue(cancellation.isCancelled)
    }
}
