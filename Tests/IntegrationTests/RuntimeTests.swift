import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// grow-head and grow-worker as real processes on loopback: whole jobs, killed workers, a killed
/// head, bad input. Each test owns its processes and kills them at the end.
final class RuntimeTests: XCTestCase {
    private func finishedNames(_ cluster: ClusterHarness) throws -> [String] {
        try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("finished.json")) as? [String] ?? []
    }

    /// failed.json lists the names; the report has the details.
    private func failedEntries(_ cluster: ClusterHarness) throws -> [[String: Any]] {
        let names =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("failed.json")) as? [String] ?? []
        let details = try report(cluster)["failed_tiles"] as? [[String: Any]] ?? []
        XCTAssertEqual(names, details.compactMap { $0["name"] as? String })
        return details
    }

    private func report(_ cluster: ClusterHarness) throws -> [String: Any] {
        try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json")) as? [String: Any]
            ?? [:]
    }

    /// Lines of every marker file: how often each tile's command ran.
    private func executions(in folder: URL) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            counts[name] = text.split(separator: "\n").count
        }
        return counts
    }

    func testFiveThousandTilesOnTwoWorkersFinishExactlyOnce() throws {
        let cluster = try ClusterHarness(name: "5000")
        try cluster.startHead()
        try cluster.startWorker("w1", slots: 2)
        try cluster.startWorker("w2", slots: 2)
        let job = try cluster.writeJob("noop.json", #"{"name": "five-thousand", "pipeline": "noop", "tiles": 5000}"#)
        let submit = try cluster.headCommand(["submit", job.path, "--wait"])
        XCTAssertEqual(submit.status, 0, submit.output)
        let finished = try finishedNames(cluster)
        XCTAssertEqual(finished.count, 5000)
        XCTAssertEqual(Set(finished).count, 5000, "a tile is recorded twice")
        XCTAssertEqual(Set(finished), Set((0..<5000).map { "tile-\($0)" }))
        XCTAssertEqual(try failedEntries(cluster).count, 0)
        let byWorker = (try report(cluster)["workers"] as? [String: Any])?["tiles"] as? [String: Int] ?? [:]
        XCTAssertEqual(byWorker.values.reduce(0, +), 5000)
        XCTAssertEqual(Set(byWorker.keys), ["w1", "w2"], "both workers took part")
        let status = try cluster.headCommand(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.output.contains("Workers: 2 up"), status.output)
        XCTAssertTrue(status.output.contains("5000/5000"), status.output)
    }

    func testKilledWorkersTilesFinishElsewhere() throws {
        let cluster = try ClusterHarness(name: "killworker")
        try cluster.startHead(extra: ["--heartbeat-timeout", "2"])
        let markers = try cluster.makeMarkers()
        let victim = try cluster.startWorker("victim", slots: 2)
        try cluster.startWorker("survivor", slots: 2)
        let job = try cluster.writeJob(
            "sleepy.json",
            """
            {"name": "sleepy", "pipeline": "command", "tiles": 200,
             "command": ["sh", "-c", "sleep 0.05; echo {attempt} >> \(markers.path)/{tile}"]}
            """)
        let submit = try cluster.startSubmit(job)
        cluster.eventually("the victim to have run some tiles") {
            cluster.markerCount(markers) >= 30
        }
        cluster.kill9(victim)
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        let finished = try finishedNames(cluster)
        XCTAssertEqual(Set(finished).count, 200)
        XCTAssertEqual(finished.count, 200)
        let counts = try executions(in: markers)
        XCTAssertEqual(counts.count, 200, "every tile ran")
        let report = try report(cluster)
        XCTAssertGreaterThan(
            (report["scheduler"] as? [String: Any])?["reissued_after_loss"] as? Int ?? 0, 0,
            "the report shows the re-run tiles: \(report)")
        XCTAssertEqual((report["scheduler"] as? [String: Any])?["workers_lost"] as? Int, 1)
    }

    func testSigtermDrainsAWorkerWithoutLosingOrRepeatingTiles() throws {
        let cluster = try ClusterHarness(name: "drain")
        try cluster.startHead(extra: ["--no-backups"])
        let markers = try cluster.makeMarkers()
        let leaving = try cluster.startWorker("leaving", slots: 2)
        try cluster.startWorker("staying", slots: 2)
        let job = try cluster.writeJob(
            "drain.json",
            """
            {"name": "drain", "pipeline": "command", "tiles": 120,
             "command": ["sh", "-c", "sleep 0.1; echo {attempt} >> \(markers.path)/{tile}"]}
            """)
        let submit = try cluster.startSubmit(job)
        cluster.eventually("some tiles to be done") {
            cluster.markerCount(markers) >= 20
        }
        kill(leaving.processIdentifier, SIGTERM)
        leaving.waitUntilExit()
        XCTAssertEqual(leaving.terminationStatus, 0, cluster.log("worker-leaving"))
        XCTAssertTrue(cluster.log("worker-leaving").contains("draining"), cluster.log("worker-leaving"))
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        let counts = try executions(in: markers)
        XCTAssertEqual(counts.count, 120, "every tile ran")
        XCTAssertEqual(
            counts.filter { $0.value > 1 }.count, 0,
            "a drained worker's tiles ran twice: \(counts.filter { $0.value > 1 })")
        XCTAssertEqual(Set(try finishedNames(cluster)).count, 120)
    }

    func testRestartedHeadResumesWithoutRerunningFinishedTiles() throws {
        let cluster = try ClusterHarness(name: "killhead")
        let head = try cluster.startHead(extra: ["--no-backups"])
        let markers = try cluster.makeMarkers()
        try cluster.startWorker("w1", slots: 2)
        try cluster.startWorker("w2", slots: 2)
        let job = try cluster.writeJob(
            "resume.json",
            """
            {"name": "resume", "pipeline": "command", "tiles": 300, "max_attempts": 3,
             "command": ["sh", "-c", "sleep 0.02; echo {attempt} >> \(markers.path)/{tile}"]}
            """)
        let submit = try cluster.headCommand(["submit", job.path])
        XCTAssertEqual(submit.status, 0, submit.output)
        cluster.eventually("a third of the tiles to be done") {
            cluster.markerCount(markers) >= 100
        }
        cluster.kill9(head)
        let doneBeforeKill = try executions(in: markers).count
        XCTAssertLessThan(doneBeforeKill, 300, "the head was killed mid-job")
        try cluster.startHead(extra: ["--no-backups"])
        cluster.eventually("the resumed job to finish") {
            FileManager.default.fileExists(
                atPath: (try? cluster.recordsFolder().appendingPathComponent("finished.json").path) ?? "/nonexistent")
        }
        let finished = try finishedNames(cluster)
        XCTAssertEqual(finished.count, 300)
        XCTAssertEqual(Set(finished).count, 300)
        let counts = try executions(in: markers)
        XCTAssertEqual(counts.count, 300)
        let rerun = counts.filter { $0.value > 1 }
        XCTAssertEqual(rerun.count, 0, "finished tiles ran again after the restart: \(rerun.keys.sorted())")
        XCTAssertTrue(cluster.log("head").contains("resuming 1 job"), cluster.log("head"))
    }

    func testRunStartsAHeadAndLocalWorkersAndStopsThem() throws {
        let cluster = try ClusterHarness(name: "run")
        let job = try cluster.writeJob(
            "grid.json",
            #"{"name": "grid", "pipeline": "sleep", "tiles": {"grid": {"columns": 12, "rows": 10}}, "sleep": {"fixed_ms": 5}}"#
        )
        let result = try cluster.run(
            ClusterHarness.headBinary,
            ["run", job.path, "--workers", "2", "--slots", "2", "--state-dir", cluster.stateDirectory.path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("120 done, 0 failed"), result.output)
        let finished = try finishedNames(cluster)
        XCTAssertEqual(Set(finished), Set((0..<120).map { "tile_\($0 % 12)_\($0 / 12)" }))
        let leftovers = try cluster.run(
            URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", "grow-worker.*\(cluster.stateDirectory.path)"])
        XCTAssertNotEqual(leftovers.status, 0, "run left workers behind: \(leftovers.output)")
    }

    func testWrongTokenWorkerIsRefusedAndExitsTwo() throws {
        let cluster = try ClusterHarness(name: "token")
        try cluster.startHead()
        let wrong = cluster.directory.appendingPathComponent("wrong-token")
        XCTAssertEqual(try cluster.run(ClusterHarness.headBinary, ["token", wrong.path]).status, 0)
        let result = try cluster.run(
            ClusterHarness.workerBinary,
            ["--address", "127.0.0.1:\(cluster.port)", "--token-file", wrong.path, "--slots", "1"])
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.output.contains("refused this worker"), result.output)
        XCTAssertTrue(result.output.contains("cluster token"), result.output)
        XCTAssertFalse(
            result.output.contains(
                try String(contentsOf: wrong, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)),
            "the token was printed")
    }

    func testJobFilesUseEoGrowsConfigLanguage() throws {
        let cluster = try ClusterHarness(name: "config")
        _ = try cluster.writeJob("shared.json", #"{"variables": {"mode": "slow"}, "max_attempts": 2}"#)
        let job = try cluster.writeJob(
            "job.json",
            """
            // imports shared settings; ${var:mode} comes from -v
            {"**shared": "${config_path}/shared.json", "name": "config-${var:mode}", "pipeline": "command", "tiles": 4,
             "command": ["sh", "-c", "echo ${var:mode} {tile} >> $0", "${config_path}/out.txt"]}
            """)
        let result = try cluster.run(
            ClusterHarness.headBinary,
            ["run", job.path, "-v", "mode:fast", "--workers", "1", "--state-dir", cluster.stateDirectory.path])
        XCTAssertEqual(result.status, 0, result.output)
        let lines = try String(contentsOf: cluster.directory.appendingPathComponent("out.txt"), encoding: .utf8)
            .split(separator: "\n").sorted()
        XCTAssertEqual(lines, ["fast tile-0", "fast tile-1", "fast tile-2", "fast tile-3"])
        let unknown = try cluster.writeJob("unknown.json", #"{"pipeline": "noop", "tiles": 1, "name": "${var:nope}"}"#)
        let failed = try cluster.run(ClusterHarness.headBinary, ["run", unknown.path])
        XCTAssertEqual(failed.status, 2, failed.output)
        XCTAssertTrue(failed.output.contains("name: unknown variable 'nope'"), failed.output)
    }

    func testHeadSigtermTellsWorkersAndKeepsItsJournal() throws {
        let cluster = try ClusterHarness(name: "headterm")
        let head = try cluster.startHead()
        let worker = try cluster.startWorker("w1", slots: 2)
        let job = try cluster.writeJob("quick.json", #"{"name": "quick", "pipeline": "noop", "tiles": 50}"#)
        XCTAssertEqual(try cluster.headCommand(["submit", job.path, "--wait"]).status, 0)
        kill(head.processIdentifier, SIGTERM)
        head.waitUntilExit()
        XCTAssertEqual(head.terminationStatus, 0, cluster.log("head"))
        worker.waitUntilExit()
        XCTAssertEqual(worker.terminationStatus, 0, cluster.log("worker-w1"))
        XCTAssertTrue(cluster.log("worker-w1").contains("stopped by the head"), cluster.log("worker-w1"))
        try cluster.startHead()
        let status = try cluster.headCommand(["status"])
        XCTAssertTrue(status.output.contains("50/50"), "the restarted head lost the finished job: \(status.output)")
    }

    func testArgumentMistakesExitTwo() throws {
        let cluster = try ClusterHarness(name: "args")
        let missingJob = try cluster.run(ClusterHarness.headBinary, ["submit"])
        XCTAssertEqual(missingJob.status, 2, missingJob.output)
        XCTAssertTrue(missingJob.output.contains("<job>"), missingJob.output)
        let badAddress = try cluster.run(
            ClusterHarness.workerBinary, ["--address", "nowhere", "--token-file", cluster.tokenFile.path])
        XCTAssertEqual(badAddress.status, 2, badAddress.output)
        XCTAssertTrue(badAddress.output.contains("HOST:PORT"), badAddress.output)
        let help = try cluster.run(ClusterHarness.headBinary, ["start", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.output.contains("--state-dir"), help.output)
    }

    func testUnknownJobFieldIsAClearError() throws {
        let cluster = try ClusterHarness(name: "badjob")
        try cluster.startHead()
        let job = try cluster.writeJob("bad.json", #"{"pipeline": "noop", "tiles": 10, "tilez": 3}"#)
        let result = try cluster.headCommand(["submit", job.path])
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.output.contains("bad.json"), result.output)
        XCTAssertTrue(result.output.contains("tilez"), result.output)
        XCTAssertEqual(result.output.split(separator: "\n").count, 1, "one line: \(result.output)")
    }

    func testAlwaysFailingTileEndsInFailedJSONAfterMaxAttempts() throws {
        let cluster = try ClusterHarness(name: "failing")
        try cluster.startHead()
        try cluster.startWorker("w1", slots: 2)
        let job = try cluster.writeJob(
            "failing.json",
            """
            {"name": "failing", "pipeline": "command", "tiles": 20, "max_attempts": 3,
             "command": ["sh", "-c", "if [ {index} = 7 ]; then echo 'no data for this tile' >&2; exit 3; fi"]}
            """)
        let result = try cluster.headCommand(["submit", job.path, "--wait"])
        XCTAssertEqual(result.status, 1, result.output)
        let failed = try failedEntries(cluster)
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed.first?["name"] as? String, "tile-7")
        XCTAssertEqual(failed.first?["attempts"] as? Int, 3)
        XCTAssertTrue((failed.first?["error"] as? String ?? "").contains("no data for this tile"), "\(failed)")
        XCTAssertEqual(try finishedNames(cluster).count, 19)
        XCTAssertEqual((try report(cluster)["tiles"] as? [String: Any])?["retries"] as? Int, 2, "two runs were retries")
    }

    func testTileThatKillsItsWorkerIsQuarantined() throws {
        let cluster = try ClusterHarness(name: "poison")
        try cluster.startHead(extra: ["--heartbeat-timeout", "2", "--quarantine-after", "3"])
        let job = try cluster.writeJob(
            "poison.json",
            """
            {"name": "poison", "pipeline": "command", "tiles": 30,
             "command": ["sh", "-c", "if [ {index} = 5 ]; then kill -9 $PPID; sleep 5; fi; sleep 0.01"]}
            """)
        // A supervisor restarts workers that die, as systemd or Docker would.
        var generation = 0
        try cluster.startWorker("w\(generation)", slots: 1)
        try cluster.startWorker("v\(generation)", slots: 1)
        let submit = try cluster.startSubmit(job)
        while submit.isRunning {
            for (name, process) in cluster.workers where !process.isRunning && name.hasSuffix("\(generation)") {
                generation += 1
                try cluster.startWorker(String(name.first!) + "\(generation)", slots: 1)
            }
            usleep(50_000)
            if generation > 20 { break }
        }
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 1, cluster.log("submit"))
        let failed = try failedEntries(cluster)
        XCTAssertEqual(failed.count, 1, "\(failed)")
        XCTAssertEqual(failed.first?["name"] as? String, "tile-5")
        XCTAssertEqual(failed.first?["quarantined"] as? Bool, true)
        XCTAssertEqual(try finishedNames(cluster).count, 29)
    }

    func testGarbageOversizedFramesAndWrongTokensDoNotDisturbARunningJob() throws {
        let cluster = try ClusterHarness(name: "garbage")
        try cluster.startHead()
        try cluster.startWorker("w1", slots: 2)
        let job = try cluster.writeJob(
            "steady.json", #"{"name": "steady", "pipeline": "sleep", "tiles": 100, "sleep": {"fixed_ms": 20}}"#)
        let submit = try cluster.startSubmit(job)
        usleep(300_000)
        var oversized: [UInt8] = [0x47, 0x57, 1, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        oversized += [UInt8](repeating: 0, count: 64)
        for payload in [
            Array("GET / HTTP/1.1\r\nHost: head\r\n\r\n".utf8), oversized,
            (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) },
        ] {
            XCTAssertTrue(
                RawSocket.sendAndExpectClose(port: cluster.port, bytes: payload),
                "the head did not close a garbage connection")
        }
        let wrong = cluster.directory.appendingPathComponent("other-token")
        _ = try cluster.run(ClusterHarness.headBinary, ["token", wrong.path])
        let intruder = try cluster.run(
            ClusterHarness.headBinary, ["status", "--address", "127.0.0.1:\(cluster.port)", "--token-file", wrong.path])
        XCTAssertEqual(intruder.status, 2, intruder.output)
        XCTAssertTrue(intruder.output.contains("refused this client"), intruder.output)
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        XCTAssertEqual(Set(try finishedNames(cluster)).count, 100)
        XCTAssertTrue(cluster.head?.isRunning ?? false)
    }
}

/// A plain TCP socket for sending bytes that are not grow frames.
enum RawSocket {
    /// Sends `bytes`; true when the head then closes the connection (reads EOF or a reset).
    static func sendAndExpectClose(port: Int, bytes: [UInt8]) -> Bool {
        guard let fd = connectLoopback(port: port) else { return false }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }
}
