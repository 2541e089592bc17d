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
        guard case .done(let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "last line tile-2")
    }

    func testDetailIsTruncated() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .done(let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail.count, 200)
        XCTAssertTrue(detail.allSatisfy { $0 == "x" })
    }

    func testNonZeroExitKeepsStderrTail() async throws {
        let dir = try makeScratchDirectory(self)
        // 3000 bytes of 'a' then a message: only the last 2 KiB survive.
        let spec = try commandSpec(["sh", "-c", "head -c 3000 /dev/zero | tr '\\0' a >&2; echo ' boom' >&2; exit 3"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
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
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(retryable)
        XCTAssertEqual(error, "command not found: grow-no-such-program-xyz")
    }

    func testNonExecutableFileIsNotRetryable() async throws {
        let dir = try makeScratchDirectory(self)
        let script = (dir as NSString).appendingPathComponent("script.sh")
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        let spec = try commandSpec([script])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(retryable)
        XCTAssertEqual(error, "cannot execute \(script): permission denied")
    }

    func testChildClosingItsOutputEarlyIsStillWaitedFor() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "exec >&- 2>&-; sleep 0.1; exit 4"])
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        }
        guard case .failed(true, "exit 4") = outcome else { return XCTFail("\(outcome)") }
        XCTAssertGreaterThanOrEqual(micros, 100_000)
    }

    func testKilledBySignal() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "echo dying >&2; kill -SEGV $$"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(retryable)
        XCTAssertEqual(error, "killed by signal \(SIGSEGV): dying")
    }

    func testTimeoutKillsTheGroup() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "echo started >&2; sleep 30; echo never"], #", "tile_timeout": 0.3"#)
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        }
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
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
        let (outcome, micros) = await timed { await task.value }
        guard case .failed(let retryable, let error) = outcome else { return XCTFail("\(outcome)") }
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
        guard case .failed(true, "cancelled") = outcome else { return XCTFail("\(outcome)") }
    }

    func testCancelledBeforeStartRunsNothing() async throws {
        let dir = try makeScratchDirectory(self)
        let marker = (dir as NSString).appendingPathComponent("ran")
        let spec = try commandSpec(["touch", marker])
        let cancellation = TileCancellation()
        cancellation.cancel()
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: cancellation)
        XCTAssertEqual(outcome, .failed(retryable: true, error: "cancelled"))
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
        if case .done(let detail) = outcome { XCTAssertEqual(detail, "0") }
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
                return (99, .done(detail: "ticker"))
            }
            var collected: [UInt32: TileOutcome] = [:]
            for await (index, outcome) in group { collected[index] = outcome }
            return collected
        }
        XCTAssertEqual(outcomes.count, 5)
        for index: UInt32 in 0..<4 {
            guard case .done(let detail) = outcomes[index] else {
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
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        }
        guard case .done(let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "leader-done")
        XCTAssertLessThan(micros, 30_000_000)
    }

    func testHundredMegabytesOfOutputKeepOnlyTheTailInMemory() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sh", "-c", "head -c 100000000 /dev/zero | tr '\\0' x; echo; echo after-100MB"])
        let baseline = try residentKiB()
        let sampler = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, (try? residentKiB()) ?? 0)
                try? await Task.sleep(for: .milliseconds(5))
            }
            return peak
        }
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        sampler.cancel()
        let peak = await sampler.value
        guard case .done(let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(detail, "after-100MB")
        XCTAssertGreaterThan(peak, 0)
        XCTAssertLessThan(
            peak - baseline, 20_000, "resident memory grew by \(peak - baseline) KiB for 100 MB of output")
    }

    func testTimeoutKillsGrandchildren() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(
            ["sh", "-c", "sleep 100 & echo $! > background.pid; echo $$ > leader.pid; sleep 100"],
            #", "tile_timeout": 0.5"#)
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(
            outcome, .failed(retryable: true, error: "timed out after 0.5s"))
        try await assertGone(pidFiles: ["leader.pid", "background.pid"], in: dir)
    }

    func testCancellationKillsGrandchildren() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec([
            "sh", "-c", "sleep 100 & echo $! > background.pid; echo $$ > leader.pid; sleep 100",
        ])
        let cancellation = TileCancellation()
        let task = Task { await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: cancellation) }
        let leaderFile = (dir as NSString).appendingPathComponent("leader.pid")
        while !FileManager.default.fileExists(atPath: leaderFile) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        cancellation.cancel()
        let outcome = await task.value
        XCTAssertEqual(outcome, .failed(retryable: true, error: "cancelled"))
        try await assertGone(pidFiles: ["leader.pid", "background.pid"], in: dir)
    }

    func testWhatTheLeaderLeavesBehindIsKilled() async throws {
        let dir = try makeScratchDirectory(self)
        // One leftover holds stdout open, the other has let go of it: both go when the leader ends.
        let spec = try commandSpec([
            "sh", "-c",
            "sleep 100 & echo $! > holding.pid; sleep 100 >/dev/null 2>&1 & echo $! > detached.pid; echo done",
        ])
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        }
        XCTAssertEqual(outcome, .done(detail: "done"))
        XCTAssertLessThan(micros, 10_000_000)
        try await assertGone(pidFiles: ["holding.pid", "detached.pid"], in: dir)
    }

    func testLeaderThatClosedItsOutputIsStillTimedOut() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(
            ["sh", "-c", "echo $$ > leader.pid; exec >&- 2>&-; sleep 100"], #", "tile_timeout": 0.3"#)
        let (outcome, micros) = await timed {
            await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        }
        XCTAssertEqual(
            outcome, .failed(retryable: true, error: "timed out after 0.3s"))
        XCTAssertLessThan(micros, 10_000_000)
        try await assertGone(pidFiles: ["leader.pid"], in: dir)
    }

    func testNoDescriptorOfTheWorkerIsInherited() async throws {
        let dir = try makeScratchDirectory(self)
        // Descriptors without close-on-exec, which a plain fork+exec would hand down.
        let file = open("/dev/null", O_RDONLY)
        var pipeEnds: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        defer {
            close(file)
            close(pipeEnds[0])
            close(pipeEnds[1])
        }
        XCTAssertGreaterThan(file, 2)
        XCTAssertEqual(fcntl(file, F_GETFD) & FD_CLOEXEC, 0)
        // The shell looks at its own descriptors without redirecting anything (dash would keep a
        // copy of a redirected one); `open` counts the directory the glob itself is reading.
        let ours = [file, pipeEnds[0], pipeEnds[1]].map(String.init).joined(separator: " ")
        let spec = try commandSpec([
            "sh", "-c",
            "out=; for fd in \(ours); do [ -e /proc/$$/fd/$fd ] && out=\"$out $fd\"; done; set -- /proc/$$/fd/*; echo \"leaked:$out open:$#\"",
        ])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(outcome, .done(detail: "leaked: open:4"))
    }

    func testSignalMaskAndDispositionsAreReset() async throws {
        let dir = try makeScratchDirectory(self)
        // Ignored here, as the worker ignores SIGTERM and SIGINT: the command must not inherit that.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let spec = try commandSpec(["sh", "-c", "exec grep -E '^Sig(Blk|Ign):' /proc/self/status > signals.txt"])
        let outcome = await executor.run(spec, tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertTrue(outcome.isDone, "\(outcome)")
        var masks: [String: UInt64] = [:]
        for line in try String(contentsOfFile: (dir as NSString).appendingPathComponent("signals.txt"), encoding: .utf8)
            .split(separator: "\n")
        {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            masks[parts[0]] = UInt64(parts[1], radix: 16)
        }
        XCTAssertEqual(masks["SigBlk"], 0)
        let ignored = try XCTUnwrap(masks["SigIgn"])
        XCTAssertEqual(ignored & (1 << (UInt64(SIGUSR2) - 1)), 0, String(ignored, radix: 16))
    }

    func testRelativeProgramPathsResolveInTheWorkDirectory() async throws {
        let dir = try makeScratchDirectory(self)
        let script = (dir as NSString).appendingPathComponent("run.sh")
        try "#!/bin/sh\necho ran-$1\n".write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(script, 0o755), 0)
        let notExecutable = (dir as NSString).appendingPathComponent("plain.sh")
        try "#!/bin/sh\necho hi\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        let noInterpreter = (dir as NSString).appendingPathComponent("orphan.sh")
        try "#!/grow/no/such/interpreter\n".write(toFile: noInterpreter, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(noInterpreter, 0o755), 0)

        let spec = try commandSpec(["./run.sh", "{tile}"])
        let ran = await executor.run(spec, tile(1, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(ran, .done(detail: "ran-tile-1"))
        let denied = await executor.run(
            try commandSpec(["./plain.sh"]), tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(
            denied,
            .failed(
                retryable: false,
                error: "cannot execute ./plain.sh: permission denied"))
        let orphan = await executor.run(
            try commandSpec([noInterpreter]), tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(
            orphan,
            .failed(retryable: false, error: "command not found: \(noInterpreter)"))
        let directory = await executor.run(
            try commandSpec(["/tmp"]), tile(0, in: spec, workDir: dir), cancellation: TileCancellation())
        XCTAssertEqual(
            directory,
            .failed(
                retryable: false,
                error: "cannot execute /tmp: permission denied"))
    }

    func testWaitingCommandsDoNotHoldSwiftConcurrencyThreads() async throws {
        let dir = try makeScratchDirectory(self)
        let spec = try commandSpec(["sleep", "0.5"], tiles: "64")
        // Far more than the cooperative pool has threads (one per core): were each command's wait
        // to block one, they would run a few at a time.
        let tiles = UInt32(max(16, ProcessInfo.processInfo.activeProcessorCount * 8))
        let started = ContinuousClock.now
        let outcomes = await withTaskGroup(of: TileOutcome.self) { group in
            for index in 0..<tiles {
                group.addTask {
                    await executor.run(spec, tile(index, in: spec, workDir: dir), cancellation: TileCancellation())
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = started.duration(to: .now)
        XCTAssertEqual(outcomes.filter(\.isDone).count, Int(tiles), "\(outcomes)")
        XCTAssertLessThan(elapsed, .seconds(2), "\(tiles) commands of 0.5 s each took \(elapsed)")
    }
}

/// This process's resident memory (VmRSS), in KiB.
private func residentKiB() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
    else { throw CocoaError(.fileReadCorruptFile) }
    return value
}

/// Whether `pid` is a live process (a zombie, waiting for init to reap it, is not).
private func isRunning(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let end = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: end)...].drop { $0 == " " }.first
    return state != "Z" && state != "X"
}

/// Every process whose pid is in one of `pidFiles` (written by the command) ends within 2 s.
private func assertGone(pidFiles: [String], in dir: String, file: StaticString = #filePath, line: UInt = #line)
    async throws
{
    for name in pidFiles {
        let path = (dir as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            XCTFail("\(name) was not written", file: file, line: line)
            continue
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(2))
        while isRunning(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertFalse(isRunning(pid), "\(name): process \(pid) still runs", file: file, line: line)
        if isRunning(pid) { kill(pid, SIGKILL) }
    }
}
