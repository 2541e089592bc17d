import Exec
import Foundation
import GrowTestSupport
import XCTest

private let executor = TileExecutor()

final class CommandExecutionTests: XCTestCase {
    func testSuccessReportsLastStdoutLine() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "echo first; echo; echo 'last line {tile}'; echo '  '"])
        let outcome = await executor.run(spec, tile(2, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .done(_, let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "last line tile-2")
    }

    func testDetailIsTruncated() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .done(_, let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail.count, 200)
        XCTAssertTrue(detail.allSatisfy { $0 == "x" })
    }

    func testNonZeroExitKeepsStderrTail() async throws {
        let dir = try makeScratchDirectory(self)
        // 3000 bytes of 'a' then a message: only the last 2 KiB survive.
        let spec = try commandSpec(["sh", "-c", "head -c 3000 /dev/zero | tr '\\0' a >&2; echo ' boom' >&2; exit 3"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(_, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertTrue(error.hasPrefix("exit 3: "), error)
        XCTAssertTrue(error.hasSuffix("boom"), error)
        XCTAssertLessThanOrEqual(error.utf8.count, 2048 + "exit 3: ".utf8.count)
        XCTAssertGreaterThan(error.utf8.count, 1500)
    }

    func testNotFoundIsNotRetryable() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["grow-no-such-program-xyz", "{tile}"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(_, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(retryable)
        XCTAssertEqual(error, "command not found: grow-no-such-program-xyz")
    }

    func testNonExecutableFileIsNotRetryable() async throws {
        let dir = try makeScratchDirectory(self)
        let script = (dir as NSString).appendingPathComponent("script.sh")
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        let spec = try commandSpec([script])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(_, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(retryable)
        XCTAssertEqual(error, "cannot execute \(script): permission denied")
    }

    func testChildClosingItsOutputEarlyIsStillWaitedFor() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "exec >&- 2>&-; sleep 0.1; exit 4"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(let micros, true, "exit 4") = outcome else { return XCTFail("\(outcome)") }
        XCTAssertGreaterThanOrEqual(micros, 100_000)
    }

    func testKilledBySignal() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "echo dying >&2; kill -SEGV $$"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(_, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertEqual(error, "killed by signal \(SIGSEGV): dying")
    }

    func testTimeoutKillsTheGroup() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "echo started >&2; sleep 30; echo never"], #", "tile_timeout": 0.3"#)
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(let micros, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertEqual(error, "timed out after 0.3s: started")
        XCTAssertGreaterThanOrEqual(micros, 300_000)
    }

    func testCancellationKillsSleepingChild() async throws {
        let dir = try makeScratchDirectory(self)
        let marker = (dir as NSString).appendingPathComponent("pid")
        let spec = try commandSpec(["sh", "-c", "echo $$ > \(marker); sleep 30"])
        let cancellation = TileCancellation()
        let task = Task { await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: cancellation) }
        // Wait until the child is really running.
        while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(10)) }
        cancellation.cancel()
        let outcome = await task.value
        guard case .failed(let micros, let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertEqual(error, "cancelled")
        XCTAssertLessThan(micros, 30_000_000, "the child was killed, not waited for")
        let pid = try XCTUnwrap(
            Int32(String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(pid, 0), -1, "the child is gone")
    }

    func testCancellingTheTaskKillsTheChild() async throws {
        let dir = try makeScratchDirectory(self)
        let marker = (dir as NSString).appendingPathComponent("started")
        let spec = try commandSpec(["sh", "-c", "touch \(marker); sleep 30"])
        let task = Task { await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation()) }
        while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let outcome = await task.value
        guard case .failed(_, true, "cancelled") = outcome else { return XCTFail("\(outcome)") }
    }

    func testCancelledBeforeStartRunsNothing() async throws {
        let dir = try makeScratchDirectory(self)
        let marker = (dir as NSString).appendingPathComponent("ran")
        let spec = try commandSpec(["touch", marker])
        let cancellation = TileCancellation()
        cancellation.cancel()
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: cancellation)
        XCTAssertEqual(outcome, .failed(durationMicros: 0, retryable: true, error: "cancelled"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testEnvironmentTemplatesAndWorkDirReachTheChild() async throws {
        let root = try makeScratchDirectory(self)
        let workDir = (root as NSString).appendingPathComponent("work/t_1_2")
        let spec = try commandSpec(
            [
                "sh", "-c",
                "printf '%s\\n' \"$GROW_TILE\" \"$GROW_TILE_INDEX\" \"$GROW_ATTEMPT\" \"$GROW_JOB\" \"$OUT\" \"$PWD\" \"$1\" \"$2\" \"$HOME\" > env.txt",
                "sh", "{tile}:{index}:{x}:{y}:{attempt}:{job}", "{{literal}} {project_folder}",
            ],
            #", "environment": {"OUT": "{project_folder}/{tile}.tif"}, "storage": {"project_folder": "/proj"}"#,
            tiles: #"{"grid": {"columns": 3, "rows": 3}, "prefix": "t"}"#)
        let context = tile(7, in: spec, workDir: workDir, attempt: 2, job: 9)
        let outcome = await executor.run(spec, context, cancellation: TileCancellation())
        XCTAssertTrue(outcome.isDone, "\(outcome)")
        let lines = try String(contentsOfFile: (workDir as NSString).appendingPathComponent("env.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(
            Array(lines.prefix(8)),
            ["t_1_2", "7", "2", "9", "/proj/t_1_2.tif", workDir, "t_1_2:7:1:2:2:9", "{literal} /proj"])
        XCTAssertEqual(lines[8], ProcessInfo.processInfo.environment["HOME"] ?? "", "the worker's environment is kept")
    }

    func testStdinIsEmpty() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "wc -c | tr -d ' '"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(outcome.isDone ? "done" : "\(outcome)", "done")
        if case .done(_, let detail) = outcome { XCTAssertEqual(detail, "0") }
    }

    func testSeveralTilesConcurrently() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(
            ["sh", "-c", "sleep 0.2; echo {index} > out-{index}.txt; echo ok-{index}"], tiles: "8")
        let outcomes = await withTaskGroup(of: (UInt32, TileOutcome).self) { group in
            for index: UInt32 in 0..<4 {
                group.addTask {
                    (
                        index,
                        await executor.run(spec, tile(index, in: spec, workDir: dir), cancellation: TileCancellation())
                    )
                }
            }
            // The async runtime stays responsive while the children run.
            group.addTask {
                try? await Task.sleep(for: .milliseconds(10))
                return (99, .done(durationMicros: 0, detail: "ticker"))
            }
            var collected: [UInt32: TileOutcome] = [:]
            for await (index, outcome) in group { collected[index] = outcome }
            return collected
        }
        XCTAssertEqual(outcomes.count, 5)
        for index: UInt32 in 0..<4 {
            guard case .done(_, let detail) = outcomes[index] else {
                return XCTFail("\(String(describing: outcomes[index]))")
            }
            XCTAssertEqual(detail, "ok-\(index)")
            let written = try String(
                contentsOfFile: (dir as NSString).appendingPathComponent("out-\(index).txt"), encoding: .utf8)
            XCTAssertEqual(written, "\(index)\n")
        }
    }

    func testBackgroundLeftoversDoNotHangTheTile() async throws {
        let dir = try makeScratchDirectory(self)
        // The leader exits at once; its background child holds stdout open. The group is killed.
        let spec = try commandSpec(["sh", "-c", "sleep 30 & echo leader-done"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .done(let micros, let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "leader-done")
        XCTAssertLessThan(micros, 30_000_000)
    }
}
