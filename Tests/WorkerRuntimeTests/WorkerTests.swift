import Exec
import Foundation
import GrowBase
import GrowJob
import Wire
import WorkerRuntime
import XCTest

/// The worker against a head played by the test over in-memory channels. Each test drives the
/// worker step by step (the head's messages, the tiles' ends) and checks every write it makes,
/// message by message; the only waits are for something the worker is expected to do.
final class WorkerTests: XCTestCase {
    typealias Harness = WorkerHarness

    // MARK: - Registration and requests

    func testRegistersWithItsIdentityAndSlotsThenAsksForSlotsTimesOnePlusPrefetch() async throws {
        let harness = try Harness(slots: 3, prefetch: 2)
        // `connect` also checks the first RequestTiles: 3 slots × (1 + 2) = 9.
        let (head, register) = try await harness.connect()
        XCTAssertTrue(harness.madeBetween.contains(register.incarnation), "incarnation \(register.incarnation)")
        XCTAssertEqual(
            register,
            RegisterWorker(
                workerID: "worker-under-test", incarnation: register.incarnation, host: ProcessStats.hostName(),
                cpus: UInt32(ProcessStats.cpuCount()), memoryBytes: ProcessStats.memoryBytes(), slots: 3,
                version: "grow 0.1", running: []))
        try await harness.stop(through: head)
        XCTAssertEqual(harness.logs.warnings, [])
    }

    func testAsksForMoreOnceHalfThePrefetchIsGone() async throws {
        let harness = try Harness(slots: 2, prefetch: 3)
        let (head, _) = try await harness.connect()  // RequestTiles(8)
        try await head.send(
            Harness.definition(), Harness.assign((0..<8).map { (index: UInt32($0), attempt: UInt32(1)) }))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0), TileAssignment(1)])
        try await harness.waitFor(.init(connected: true, running: 2, queued: 6, idleSlots: 0))

        // Holding 6 of 8 (5 queued + 1 running): not yet low.
        harness.runner.finish(0, .done(detail: ""))
        let first = try await head.nextWrite()
        XCTAssertEqual(
            first,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(2)])),
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "")])),
            ])
        // Holding 5 of 8: at half of (8 + 2 slots), so the result goes with a request for 3.
        harness.runner.finish(1, .done(detail: ""))
        let second = try await head.nextWrite()
        XCTAssertEqual(
            second,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(3)])),
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 1, attempt: 1, durationMicros: 0, detail: "")])),
                .requestTiles(RequestTiles(count: 3)),
            ])
        try await harness.stop(through: head)
    }

    // MARK: - Running tiles

    func testAssignedTilesRunAndAreReportedWithAttemptsAndDurations() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()  // RequestTiles(3)
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 2)]))

        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])
        XCTAssertEqual(harness.runner.started, [try Harness.context(0)])

        // The result, the next tile's start and the next request leave in one write: the head must
        // see the finished tile before the request, or it thinks the queue is still full.
        // The worker measures how long the tile ran: at least as long as it was held here.
        try await Task.sleep(for: .milliseconds(50))
        harness.runner.finish(0, .done(detail: "wrote tile 0"))
        let afterFirst = try await head.nextWrite()
        XCTAssertGreaterThanOrEqual(head.measuredDurations.withLock { $0.first } ?? 0, 50_000)
        XCTAssertEqual(
            afterFirst,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(1)])),
                .tileDone(
                    TileDone(results: [
                        TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "wrote tile 0")
                    ])),
                .requestTiles(RequestTiles(count: 2)),
            ])

        // That request is still unanswered: no second one.
        harness.runner.finish(1, .done(detail: ""))
        let afterSecond = try await head.nextWrite()
        XCTAssertEqual(
            afterSecond,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(2, attempt: 2)])),
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 1, attempt: 1, durationMicros: 0, detail: "")])),
            ])

        harness.runner.finish(2, .done(detail: "again"))
        let last = try await head.nextWrite()
        XCTAssertEqual(
            last,
            [
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 2, attempt: 2, durationMicros: 0, detail: "again")]))
            ])
        XCTAssertEqual(
            harness.runner.started,
            [try Harness.context(0), try Harness.context(1), try Harness.context(2, attempt: 2)])
        try await harness.stop(through: head)
    }

    func testFailedTilesAreReportedWithTheirErrorAndWhetherToRetry() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 4)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        harness.runner.finish(0, .failed(retryable: true, error: "read timed out"))
        let retryable = try await head.nextWrite()
        XCTAssertEqual(
            retryable,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(1, attempt: 4)])),
                .tileFailed(
                    TileFailed(failures: [
                        Wire.TileFailure(
                            job: 1, index: 0, attempt: 1, durationMicros: 0, retryable: true, error: "read timed out")
                    ])),
                .requestTiles(RequestTiles(count: 3)),
            ])

        harness.runner.finish(1, .failed(retryable: false, error: "no band B04 in the input"))
        let final = try await head.nextWrite()
        XCTAssertEqual(
            final,
            [
                .tileFailed(
                    TileFailed(failures: [
                        Wire.TileFailure(
                            job: 1, index: 1, attempt: 4, durationMicros: 0, retryable: false,
                            error: "no band B04 in the input")
                    ]))
            ])
        try await harness.stop(through: head)
    }

    func testTilesOfAJobWithoutAUsableDefinitionFailForGood() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        let invalid = #"{"pipeline": "noop", "tiles": 10, "tilez": 3}"#
        var parseError = ""
        do { _ = try JobSpec.parse(json: invalid, source: "job 3") } catch { parseError = "\(error)" }
        XCTAssertFalse(parseError.isEmpty)

        try await head.send(
            .jobDefinition(JobDefinition(job: 3, name: "bad", spec: invalid)), Harness.assign(job: 2, [(0, 1)]))
        let undefined = try await head.nextWrite()
        XCTAssertEqual(
            undefined,
            [
                .tileFailed(
                    TileFailed(failures: [
                        Wire.TileFailure(
                            job: 2, index: 0, attempt: 1, durationMicros: 0, retryable: false,
                            error: "the head sent no definition for job 2")
                    ])),
                .requestTiles(RequestTiles(count: 3)),
            ])

        try await head.send(Harness.assign(job: 3, [(5, 2)]))
        let unparsable = try await head.nextWrite()
        XCTAssertEqual(
            unparsable,
            [
                .tileFailed(
                    TileFailed(failures: [
                        Wire.TileFailure(
                            job: 3, index: 5, attempt: 2, durationMicros: 0, retryable: false, error: parseError)
                    ])),
                .requestTiles(RequestTiles(count: 3)),
            ])
        XCTAssertEqual(harness.runner.started, [])
        try await harness.stop(through: head)
    }

    // MARK: - Revoke and cancel

    func testRevokeGivesBackExactlyTheQueuedTilesThatHaveNotStarted() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        // Another job's tiles: nothing to give back.
        try await head.send(.revoke(TileIndices(job: 9, indices: [1, 2])))
        let none = try await head.nextWrite()
        XCTAssertEqual(none, [.revokeAck(TileIndices(job: 9, indices: []))])

        // 0 runs, 7 was never here: only 1 comes back.
        try await head.send(.revoke(TileIndices(job: 1, indices: [0, 1, 7])))
        let ack = try await head.nextWrite()
        XCTAssertEqual(ack, [.revokeAck(TileIndices(job: 1, indices: [1]))])
        // Holding 2 of 3 now: ask for the one given back.
        let request = try await head.nextWrite()
        XCTAssertEqual(request, [.requestTiles(RequestTiles(count: 1))])

        harness.runner.finish(0, .done(detail: ""))
        let next = try await head.nextWrite()
        XCTAssertEqual(
            next,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(2)])),
                .tileDone(TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "")])),
            ])
        harness.runner.finish(2, .done(detail: ""))
        let last = try await head.nextWrite()
        XCTAssertEqual(
            last,
            [.tileDone(TileDone(results: [TileResult(job: 1, index: 2, attempt: 1, durationMicros: 0, detail: "")]))])
        XCTAssertEqual(harness.runner.started.map(\.index), [0, 2])
        try await harness.stop(through: head)
    }

    func testCancelTilesStopsARunningTileAndDropsItsOutcome() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        // 0 runs (cancelled), 2 is queued (dropped), 1 stays and starts next.
        try await head.send(.cancelTiles(TileIndices(job: 1, indices: [0, 2])))
        let next = try await head.nextWrite()
        XCTAssertEqual(
            next,
            [
                .tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(1)])),
                .requestTiles(RequestTiles(count: 3)),
            ],
            "the cancelled tile's outcome must not be reported")
        XCTAssertEqual(harness.runner.cancelled, [.init(job: 1, index: 0)])

        harness.runner.finish(1, .done(detail: ""))
        let last = try await head.nextWrite()
        XCTAssertEqual(
            last,
            [.tileDone(TileDone(results: [TileResult(job: 1, index: 1, attempt: 1, durationMicros: 0, detail: "")]))])
        XCTAssertEqual(harness.runner.started.map(\.index), [0, 1])
        try await harness.stop(through: head)
    }

    // MARK: - Drain and shutdown

    func testDrainTellsTheHeadFinishesRunningTilesReportsThemAndEnds() async throws {
        let harness = try Harness(slots: 1, prefetch: 2, drainGraceMs: 60_000)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        let before = Clock.unixMs()
        let drain = Task { await harness.worker.drain(reason: "spot interruption") }
        let drainWrite = try await head.nextWrite()
        let after = Clock.unixMs()
        guard drainWrite.count == 1, case .drain(let message) = drainWrite[0] else {
            return XCTFail("expected Drain alone, got \(drainWrite)")
        }
        XCTAssertEqual(message.reason, "spot interruption")
        XCTAssertTrue(
            (before + 60_000...after + 60_000).contains(message.deadlineUnixMs),
            "deadline \(message.deadlineUnixMs) is not now + the grace of 60 s")
        await drain.value

        // The head takes the queue back; a draining worker asks for nothing more.
        try await head.send(.revoke(TileIndices(job: 1, indices: [1, 2])))
        let ack = try await head.nextWrite()
        XCTAssertEqual(ack, [.revokeAck(TileIndices(job: 1, indices: [1, 2]))])
        XCTAssertNil(harness.ended, "a running tile keeps a draining worker")

        harness.runner.finish(0, .done(detail: "last"))
        let result = try await head.nextWrite()
        XCTAssertEqual(
            result,
            [
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "last")]))
            ])
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .drained)
        XCTAssertEqual(harness.runner.started.map(\.index), [0])
        let unread = try await head.unreadWrites()
        XCTAssertEqual(unread, [])
        XCTAssertEqual(harness.logs.warnings, [])
    }

    func testDrainingAnIdleWorkerEndsAtOnce() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        await harness.worker.drain(reason: "SIGTERM")
        let drainWrite = try await head.nextWrite()
        guard drainWrite.count == 1, case .drain(let message) = drainWrite[0] else {
            return XCTFail("expected Drain alone, got \(drainWrite)")
        }
        XCTAssertEqual(message.reason, "SIGTERM")
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .drained)
        XCTAssertEqual(harness.runner.started, [])
    }

    func testGracefulShutdownEndsOnceRunningTilesAreReported() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        try await head.send(.shutdown(Shutdown(reason: "head stopping", graceful: true)))
        try await harness.waitFor(.init(connected: true, running: 1, queued: 0, idleSlots: 0))
        XCTAssertNil(harness.ended, "a running tile keeps the worker until it is reported")

        harness.runner.finish(0, .done(detail: ""))
        let result = try await head.nextWrite()
        XCTAssertEqual(
            result,
            [.tileDone(TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "")]))])
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .shutDownByHead("head stopping"))
        XCTAssertEqual(harness.runner.started.map(\.index), [0], "the queued tile must not start")
        let unread = try await head.unreadWrites()
        XCTAssertEqual(unread, [])
        XCTAssertEqual(harness.logs.warnings, [])
        XCTAssertEqual(harness.connector.attempts, 1)
    }

    func testImmediateShutdownCancelsRunningTilesAndEnds() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        try await head.send(.shutdown(Shutdown(reason: "operator", graceful: false)))
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .shutDownByHead("operator"))
        XCTAssertEqual(harness.runner.cancelled, [.init(job: 1, index: 0)])
        XCTAssertEqual(harness.logs.warnings, [])
    }

    /// `grow-head run` and a stopping head send Shutdown, then close every connection: the
    /// worker must end without calling that a lost connection.
    func testTheHeadClosingAfterItsShutdownIsNoReasonToWarnOrReconnect() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(.shutdown(Shutdown(reason: "head stopping", graceful: true)))
        try await head.close()
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .shutDownByHead("head stopping"))
        XCTAssertEqual(harness.logs.warnings, [])
        XCTAssertEqual(harness.connector.attempts, 1)
        XCTAssertTrue(
            harness.logs.all.contains(.init(level: .info, message: "the head asked this worker to stop")),
            "\(harness.logs.all)")
    }

    func testTheHeadClosingAfterItsShutdownWhileATileRunsEndsQuietlyWhenTheTileEnds() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1)]))
        let started = try await head.nextWrite()
        XCTAssertEqual(started, [.tilesStarted(TileBatch(job: 1, tiles: [TileAssignment(0)]))])

        try await head.send(.shutdown(Shutdown(reason: "head stopping", graceful: true)))
        try await head.close()
        try await harness.waitFor(.init(connected: false, running: 1, queued: 0, idleSlots: 0))
        XCTAssertNil(harness.ended)

        harness.runner.finish(0, .done(detail: ""))
        let ending = try await harness.ending()
        XCTAssertEqual(ending, .shutDownByHead("head stopping"))
        XCTAssertEqual(harness.logs.warnings, [])
        XCTAssertEqual(harness.connector.attempts, 1, "no head to reconnect to")
    }

    // MARK: - Losing the head

    func testAfterAReconnectTheRegistrationListsRunningTilesAndRecentResultsAreSentAgain() async throws {
        let harness = try Harness(slots: 3, prefetch: 1)
        let (head, first) = try await harness.connect()  // RequestTiles(6)
        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 3)]))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0), TileAssignment(1), TileAssignment(2, attempt: 3)])

        let result0 = TileResult(job: 1, index: 0, attempt: 1, durationMicros: 0, detail: "a")
        harness.runner.finish(0, .done(detail: "a"))
        let done = try await head.nextWrite()
        XCTAssertEqual(done, [.tileDone(TileDone(results: [result0])), .requestTiles(RequestTiles(count: 4))])

        try await head.close()
        try await harness.waitFor(.init(connected: false, running: 2, queued: 0, idleSlots: 1))
        // The worker keeps working while the head is away; this result waits for the next connection.
        let result1 = TileResult(job: 1, index: 1, attempt: 1, durationMicros: 0, detail: "b")
        harness.runner.finish(1, .done(detail: "b"))
        try await harness.waitFor(.init(connected: false, running: 1, queued: 0, idleSlots: 2))

        let again = try await harness.connector.accept()
        let register = try await again.nextWrite("RegisterWorker after the reconnect")
        XCTAssertEqual(
            register,
            [
                .registerWorker(
                    RegisterWorker(
                        workerID: "worker-under-test", incarnation: first.incarnation, host: first.host,
                        cpus: first.cpus, memoryBytes: first.memoryBytes, slots: 3, version: "grow 0.1",
                        running: [TileRun(job: 1, index: 2, attempt: 3)])),
                // Sent before the connection broke, maybe never read: sent again (the head drops duplicates).
                .tileDone(TileDone(results: [result0])),
            ])
        let waited = try await again.nextWrite()
        XCTAssertEqual(waited, [.tileDone(TileDone(results: [result1]))])
        let request = try await again.nextWrite()
        XCTAssertEqual(request, [.requestTiles(RequestTiles(count: 5))])

        harness.runner.finish(2, .done(detail: "c"))
        let last = try await again.nextWrite()
        XCTAssertEqual(
            last,
            [.tileDone(TileDone(results: [TileResult(job: 1, index: 2, attempt: 3, durationMicros: 0, detail: "c")]))]
        )
        XCTAssertEqual(harness.logs.warnings, ["connection to the head closed; reconnecting"])
        XCTAssertEqual(harness.connector.attempts, 2)
        try await harness.stop(through: again)
    }

    func testAFailedConnectionIsRetriedWithAWarning() async throws {
        let harness = try Harness()
        harness.connector.fail(with: WireError.handshakeTimeout(seconds: 5))
        let (head, _) = try await harness.connect()
        XCTAssertEqual(harness.logs.warnings, ["connection to the head failed; retrying"])
        XCTAssertEqual(harness.connector.attempts, 2)
        try await harness.stop(through: head)
    }

    func testAHeadThatRefusesTheTokenEndsTheWorker() async throws {
        let harness = try Harness()
        harness.connector.fail(with: WireError.refusedByPeer(.authenticationFailed, "authentication failed"))
        let ending = try await harness.ending()
        XCTAssertEqual(
            ending,
            .refused(
                "the head at head.test:6379 refused this worker: authentication failed (is the cluster token the head's?)"
            ))
        XCTAssertEqual(harness.connector.attempts, 1)
    }

    // MARK: - Token rotation

    func testSIGHUPWithARotatedTokenFileReconnectsWithTheNewTokenWhileTilesRun() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("token").path
        func write(_ secret: String, mode: Int = 0o600) throws {
            try (secret + "\n").write(toFile: file, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        }
        try write(Harness.token)
        let harness = try Harness(slots: 1, prefetch: 0, tokenFile: file)
        let (head, _) = try await harness.connect()
        try await head.send(Harness.definition(), Harness.assign([(0, 1)]))
        _ = try await head.expectStarted(job: 1, [TileAssignment(0)])

        await harness.worker.reloadToken()  // nothing new: the connection stays
        try write("the rotated cluster token", mode: 0o644)
        await harness.worker.reloadToken()  // a file others can read is not taken
        XCTAssertEqual(harness.connector.attempts, 1)

        try write("the rotated cluster token")
        await harness.worker.reloadToken()
        let again = try await harness.connector.accept()
        let register = try await again.nextWrite("RegisterWorker with the new token")
        guard case .registerWorker(let registration) = register.first else { return XCTFail("\(register)") }
        XCTAssertEqual(registration.running, [TileRun(job: 1, index: 0, attempt: 1)], "the tile ran on meanwhile")
        XCTAssertEqual(
            harness.connector.tokens,
            [try ClusterToken(secret: Harness.token), try ClusterToken(secret: "the rotated cluster token")])
        XCTAssertEqual(harness.logs.warnings.count, 1, "only the unreadable file: \(harness.logs.warnings)")
        XCTAssertTrue(harness.logs.warnings[0].hasPrefix("cannot read the token file again"))
        try await harness.stop(through: again)
    }

    func testEveryReconnectReadsTheTokenFileAgain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("token").path
        XCTAssertTrue(
            FileManager.default.createFile(
                atPath: file, contents: Data((Harness.token + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        let harness = try Harness(tokenFile: file)
        let (head, _) = try await harness.connect()
        try "copied from the head after a rotation\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        try await head.close()
        let again = try await harness.connector.accept()
        _ = try await again.nextWrite("RegisterWorker")
        XCTAssertEqual(harness.connector.tokens.last, try ClusterToken(secret: "copied from the head after a rotation"))
        try await harness.stop(through: again)
    }

    // MARK: - Heartbeats

    func testHeartbeatsCarryTheBusySlotsAndQueuedTiles() async throws {
        let harness = try Harness(slots: 1, prefetch: 2)
        let (head, _) = try await harness.connect(heartbeatIntervalMs: 50)

        /// The first heartbeat made after the state is reached: the one being sent may be older,
        /// and heartbeats are sent one after the other, so the second from now is new.
        func heartbeat(after state: Worker.Snapshot) async throws -> Heartbeat {
            try await harness.waitFor(state)
            _ = try await head.unreadWrites()
            _ = try await head.nextHeartbeat()
            return try await head.nextHeartbeat()
        }

        let idle = try await heartbeat(after: .init(connected: true, running: 0, queued: 0, idleSlots: 1))
        XCTAssertEqual(idle.busySlots, 0)
        XCTAssertEqual(idle.queuedTiles, 0)
        XCTAssertGreaterThan(idle.rssBytes, 0)

        try await head.send(Harness.definition(), Harness.assign([(0, 1), (1, 1), (2, 1)]))
        let busy = try await heartbeat(after: .init(connected: true, running: 1, queued: 2, idleSlots: 0))
        XCTAssertEqual(busy.busySlots, 1)
        XCTAssertEqual(busy.queuedTiles, 2)

        harness.runner.finish(0, .done(detail: ""))
        let fewer = try await heartbeat(after: .init(connected: true, running: 1, queued: 1, idleSlots: 0))
        XCTAssertEqual(fewer.busySlots, 1)
        XCTAssertEqual(fewer.queuedTiles, 1)

        harness.runner.finish(1, .done(detail: ""))
        harness.runner.finish(2, .done(detail: ""))
        let done = try await heartbeat(after: .init(connected: true, running: 0, queued: 0, idleSlots: 1))
        XCTAssertEqual(done.busySlots, 0)
        XCTAssertEqual(done.queuedTiles, 0)
        try await harness.stop(through: head)
    }
}
