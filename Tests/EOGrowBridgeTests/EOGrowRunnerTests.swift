import EOGrowBridge
import Exec
import Foundation
import GrowJob
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's side of eo-grow pipelines against the real eo-grow venv: one Python process per
/// slot, reused across tiles and jobs, replaced when it dies, killed with its children on a
/// timeout or a cancel; an execution that raises fails its tile with the exception's last line.
final class EOGrowRunnerTests: XCTestCase {
    private static func run(
        _ runner: EOGrowRunner, _ fixture: RunnerFixture, _ spec: JobSpec, _ name: String, job: UInt32 = 1,
        cancellation: TileCancellation = TileCancellation()
    ) async -> TileOutcome {
        await runner.run(spec, fixture.tile(name, job: job, in: spec), cancellation: cancellation)
    }

    func testOneProcessRunsConsecutiveTilesAndJobs() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let runner = EOGrowRunner(python: fixture.python)
        for (name, job) in [("pid-0", UInt32(1)), ("pid-1", 1), ("pid-2", 2)] {
            let outcome = await Self.run(runner, fixture, spec, name, job: job)
            XCTAssertTrue(outcome.isDone, "\(name): \(outcome)")
        }
        let pids = ["pid-0", "pid-1", "pid-2"].map { fixture.pids($0) }
        XCTAssertEqual(pids[0].count, 1)
        XCTAssertEqual(pids[0], pids[1], "the second tile ran in the first one's process")
        XCTAssertEqual(pids[0], pids[2], "another job's tile ran in the same process too")
        XCTAssertNotEqual(pids[0].first, getpid())
    }

    func testAProcessKilledMidTileIsRetryableAndReplaced() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let runner = EOGrowRunner(python: fixture.python)
        let cancellation = TileCancellation()
        async let sleeping = Self.run(runner, fixture, spec, "sleep-0", cancellation: cancellation)
        let pids = await fixture.waitForSleeper("sleep-0")
        kill(pids[0], SIGKILL)
        let outcome = await sleeping
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable, error)
        XCTAssertTrue(error.contains("ended while running sleep-0"), error)

        let next = await Self.run(runner, fixture, spec, "pid-0")
        XCTAssertTrue(next.isDone, "\(next)")
        XCTAssertNotEqual(fixture.pids("pid-0"), [pids[0]], "a new process ran the next tile")
        XCTAssertEqual(fixture.pids("pid-0").count, 1)
    }

    func testTimeoutKillsTheProcessAndItsChildren() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec(extra: #", "tile_timeout": 3"#)
        let runner = EOGrowRunner(python: fixture.python)
        let outcome = await Self.run(runner, fixture, spec, "sleep-0")
        XCTAssertEqual(outcome, .failed(retryable: true, error: "timed out after 3s"))
        let pids = fixture.pids("sleep-0")
        XCTAssertEqual(pids.count, 2, "the execution started")
        for pid in pids { await waitUntilGone(pid) }

        let next = await Self.run(runner, fixture, spec, "pid-0")
        XCTAssertTrue(next.isDone, "\(next)")
        XCTAssertFalse(pids.contains(fixture.pids("pid-0").first ?? -1))
    }

    func testCancelKillsTheProcessAndItsChildren() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let runner = EOGrowRunner(python: fixture.python)
        let cancellation = TileCancellation()
        async let sleeping = Self.run(runner, fixture, spec, "sleep-0", cancellation: cancellation)
        let pids = await fixture.waitForSleeper("sleep-0")
        cancellation.cancel()
        let outcome = await sleeping
        XCTAssertEqual(outcome, .failed(retryable: true, error: "cancelled"))
        for pid in pids { await waitUntilGone(pid) }
    }

    func testAnExceptionFailsTheTileWithItsLastLineAndKeepsTheProcess() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let runner = EOGrowRunner(python: fixture.python)
        _ = await Self.run(runner, fixture, spec, "pid-0")
        let outcome = await Self.run(runner, fixture, spec, "fail-0")
        XCTAssertEqual(outcome, .failed(retryable: false, error: "ValueError: boom in fail-0 (in Act)"))
        _ = await Self.run(runner, fixture, spec, "pid-1")
        XCTAssertEqual(fixture.pids("pid-0"), fixture.pids("pid-1"), "a failed execution does not cost the process")
    }

    func testAnInterpreterThatExitsIsARetryableFailure() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let runner = EOGrowRunner(python: fixture.python)
        let outcome = await Self.run(runner, fixture, spec, "exit-0")
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable, error)
        XCTAssertTrue(error.hasPrefix("the eo-grow process (\(fixture.python)) ended while running exit-0"), error)
        let next = await Self.run(runner, fixture, spec, "pid-0")
        XCTAssertTrue(next.isDone, "\(next)")
    }

    func testModulesMissingOnTheWorkerAreANamedNonRetryableError() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec(sysPath: [fixture.folder + "/elsewhere"])
        let runner = EOGrowRunner(python: fixture.python)
        let outcome = await Self.run(runner, fixture, spec, "pid-0")
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(retryable, error)
        XCTAssertTrue(
            error.hasPrefix(
                "cannot load the executions of bridge_tasks.ActPipeline here: ModuleNotFoundError: No module named 'bridge_tasks'"
            ), error)
    }

    func testAPythonWithoutEOGrowIsNamed() async throws {
        let fixture = try RunnerFixture(self)
        let spec = try fixture.spec()
        let python = try requirement("python3", which("python3"))
        let runner = EOGrowRunner(python: python)
        let outcome = await Self.run(runner, fixture, spec, "pid-0")
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable, "another worker's Python may have eo-grow: \(error)")
        XCTAssertTrue(error.hasPrefix("\(python) cannot run eo-grow (ModuleNotFoundError: No module named '"), error)
    }
}
