import Foundation
import GrowJob
import JobRecords
import TileScheduler
import Wire
import XCTest

@testable import HeadRuntime

/// The head's logic without sockets, clocks or files: what it sends, journals and records for
/// what it is told.
final class HeadCoordinatorTests: XCTestCase {
    func testASubmittedJobIsPreparedOffTheLoopThenJournaledAcceptedAndRecorded() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let submitted = h.handle(
            .received(.submitJob(SubmitJob(name: "a.json", spec: noopJob(tiles: 3))), from: client))
        // Nothing is journaled or answered before the records folder exists.
        XCTAssertEqual(submitted.journaled, [])
        XCTAssertEqual(submitted.sent(to: client), [])
        guard case .prepareJob(let job, let spec, let records)? = submitted.first else {
            return XCTFail("\(submitted)")
        }
        XCTAssertEqual(spec.tiles.count, 3)
        XCTAssertTrue(records.path.hasPrefix("/state/logs/2023-11-14T22-13-20Z-noop-\(job)"), records.path)
        XCTAssertNil(records.mirror)

        let prepared = h.handle(.jobPrepared(job, .success(JobPreparation())))
        guard case .jobSubmitted(job, "noop", _, h.time.unixMs, records.path)? = prepared.journaled.first else {
            return XCTFail("\(prepared.journaled)")
        }
        XCTAssertEqual(
            prepared.sent(to: client),
            [.jobAccepted(JobAccepted(job: job, tileCount: 3, recordsPath: records.path))])
        XCTAssertEqual(prepared.logLines, ["job \(job) \"noop\" submitted by cli: 3 tiles, pipeline noop"])
    }

    func testAPreparationFailureIsAnErrorForTheSubmitterAndNothingIsJournaled() {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        h.handle(.received(.submitJob(SubmitJob(name: "a.json", spec: noopJob(tiles: 3))), from: client))
        let answer = h.handle(.jobPrepared(1, .failure(JobPreparationFailure("permission denied"))))
        XCTAssertEqual(answer.journaled, [])
        guard case .errorReply(let reply)? = answer.sent(to: client).first else { return XCTFail("\(answer)") }
        XCTAssertEqual(reply.code, .invalidJob)
        XCTAssertTrue(reply.message.hasSuffix(": permission denied"), reply.message)
        XCTAssertEqual(
            h.handle(.received(.queryJobs(JobRef(job: 0)), from: client)).sent(to: client),
            [
                .jobStatus(Wire.JobStatus(jobs: []))
            ])
    }

    func testAnInvalidSpecIsRefusedAtOnce() {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let answer = h.handle(
            .received(.submitJob(SubmitJob(name: "bad.json", spec: #"{"pipeline": "noop"}"#)), from: client))
        guard case .errorReply(let reply)? = answer.sent(to: client).first else { return XCTFail("\(answer)") }
        XCTAssertEqual(reply.code, .invalidJob)
        XCTAssertTrue(reply.message.hasPrefix("bad.json: area: missing"), reply.message)
    }

    func testARegisteredWorkerGetsTheDefinitionOnceThenBatchesOfTiles() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 10), from: client)
        let worker = h.worker("w1", slots: 1)
        let first = h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        guard case .jobDefinition(let definition)? = first.sent(to: worker).first else { return XCTFail("\(first)") }
        XCTAssertEqual(definition.job, job)
        XCTAssertEqual(try JobSpec.parse(json: definition.spec, source: "d").tiles.count, 10)
        // One slot, two in reserve.
        XCTAssertEqual(first.assigned(to: worker).map(\.index), [0, 1, 2])
        XCTAssertEqual(first.assigned(to: worker).map(\.attempt), [1, 1, 1])
        let done = h.handle(
            .received(
                .tileDone(
                    TileDone(results: [TileResult(job: job, index: 0, attempt: 1, durationMicros: 1500, detail: "")])),
                from: worker))
        XCTAssertEqual(
            done.journaled, [.tileFinished(job: job, index: 0, attempt: 1, durationMicros: 1500, worker: "w1")])
        let more = h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        XCTAssertFalse(more.sent(to: worker).contains { if case .jobDefinition = $0 { true } else { false } })
        XCTAssertEqual(more.assigned(to: worker).map(\.index), [3])
    }

    func testAWorkerMustRegisterBeforeAnythingElse() {
        var h = CoordinatorHarness()
        let connection = h.connect(.worker, "w1")
        let actions = h.handle(
            .received(.heartbeat(Heartbeat(busySlots: 0, queuedTiles: 0, load: 0, rssBytes: 0)), from: connection))
        XCTAssertEqual(actions.closed, [connection])
        XCTAssertEqual(actions.sent(to: connection), [], "a worker gets no error text, only the close")
        let client = h.connect(.client, "cli")
        let wrong = h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: client))
        XCTAssertEqual(wrong.closed, [client])
        guard case .errorReply(let reply)? = wrong.sent(to: client).first else { return XCTFail("\(wrong)") }
        XCTAssertEqual(reply.message, "a client may not send requestTiles")
    }

    func testTheLastResultLeadsToFinalRecordsAndOnlyThenToTheWatchersAndTheJournal() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 2, extra: #", "name": "two""#), from: client)
        let watcher = h.connect(.client, "watcher")
        XCTAssertEqual(h.handle(.received(.watchJob(JobRef(job: job)), from: watcher)).sent(to: watcher).count, 1)
        let worker = h.worker("w1", slots: 2)
        h.handle(.received(.requestTiles(RequestTiles(count: 2)), from: worker))
        h.advance(ms: 2000)
        let last = h.handle(
            .received(
                .tileDone(
                    TileDone(results: [
                        TileResult(job: job, index: 1, attempt: 1, durationMicros: 2_000_000, detail: ""),
                        TileResult(job: job, index: 0, attempt: 1, durationMicros: 1_000_000, detail: ""),
                    ])), from: worker))
        XCTAssertFalse(last.journaled.contains { if case .jobFinished = $0 { true } else { false } })
        XCTAssertEqual(last.sent(to: watcher), [])
        let final = try XCTUnwrap(last.finalRecords.first)
        XCTAssertEqual(final.job, job)
        XCTAssertEqual(final.records.finished, ["tile-0", "tile-1"])
        XCTAssertEqual(final.records.failed, [])
        let report = final.records.report
        XCTAssertEqual(
            report.tiles, JobReport.TileCounts(total: 2, done: 2, failed: 0, quarantined: 0, skipped: 0, retries: 0))
        XCTAssertEqual(report.pipelineExecutionStats.elapsedTime, 2)
        XCTAssertEqual(report.pipelineExecutionStats.name, "two")
        XCTAssertEqual(report.workers.tiles, ["w1": 2])
        XCTAssertEqual(report.tileDurations?.count, 2)
        XCTAssertEqual(report.tileDurations?.mean, 1.5)
        XCTAssertEqual(report.tileDurations?.max, 2)
        XCTAssertEqual(final.records.logLines, ["job finished: 2 done, 0 failed, 0 quarantined"])

        let written = h.handle(.finalRecordsWritten(job, error: nil))
        XCTAssertEqual(written.journaled, [.jobFinished(job: job, finishedUnixMs: h.time.unixMs)])
        guard case .jobStatus(let status)? = written.sent(to: watcher).first, let summary = status.jobs.first else {
            return XCTFail("\(written)")
        }
        XCTAssertEqual(summary.state, .finished)
        XCTAssertEqual(summary.done, 2)
        // The watcher is done with: no more progress frames.
        XCTAssertEqual(h.handle(.progressTick).sent(to: watcher), [])
    }

    func testARunningHeadKeepsTheNewestFinishedJobsAsTheJournalDoes() throws {
        var h = CoordinatorHarness(config: CoordinatorConfig(stateDirectory: "/state", keepFinishedJobs: 2))
        let client = h.connect(.client, "cli")
        let worker = h.worker("w1", slots: 1)
        var ids: [JobID] = []
        for name in ["a", "b", "c"] {
            let (job, _) = try h.submit(noopJob(tiles: 1, extra: #", "name": "\#(name)""#), from: client)
            ids.append(job)
            h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
            let run = try XCTUnwrap(h.log.assigned(to: worker).last { $0.job == job })
            h.handle(
                .received(
                    .tileDone(
                        TileDone(results: [
                            TileResult(
                                job: job, index: run.index, attempt: run.attempt, durationMicros: 1_000, detail: "")
                        ])), from: worker))
            h.handle(.finalRecordsWritten(job, error: nil))
            XCTAssertNil(
                h.coordinator.scheduler.tileView(TileRef(job: job, index: 0)), "a finished job's tiles are dropped")
            XCTAssertEqual(h.coordinator.jobs[job]?.finished, [])
            XCTAssertEqual(h.coordinator.jobs[job]?.finishedCount, 1)
        }
        let answer = h.handle(.received(.queryJobs(JobRef(job: 0)), from: client))
        guard case .jobStatus(let status)? = answer.sent(to: client).first else { return XCTFail("\(answer)") }
        XCTAssertEqual(status.jobs.map(\.job), Array(ids.dropFirst()))
        XCTAssertEqual(h.coordinator.jobOrder, Array(ids.dropFirst()), "every input walks jobOrder: it stays short")
        XCTAssertEqual(status.jobs.map(\.done), [1, 1])
        XCTAssertEqual(status.jobs.map(\.state), [.finished, .finished])
        XCTAssertEqual(
            h.coordinator.metricsSnapshot().jobs.map { $0.tiles[.done] }, [1, 1], "/metrics counts them still")
    }

    func testFailuresAreRetriedThenListedWithTheirAttempts() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 1, extra: #", "max_attempts": 2"#), from: client)
        let worker = h.worker("w1", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        func fail(attempt: UInt32) -> [HeadAction] {
            h.handle(
                .received(
                    .tileFailed(
                        TileFailed(failures: [
                            Wire.TileFailure(
                                job: job, index: 0, attempt: attempt, durationMicros: 10, retryable: true,
                                error: "exit 1")
                        ])), from: worker))
        }
        let first = fail(attempt: 1)
        XCTAssertEqual(first.logLines, ["tile tile-0 attempt 1 failed on w1: exit 1"])
        // The worker still waits for work: the retry goes to it at once, as attempt 2.
        XCTAssertEqual(first.assigned(to: worker), [TileRun(job: job, index: 0, attempt: 2)])
        let second = fail(attempt: 2)
        XCTAssertEqual(second.journaled.first, .tileFailed(job: job, index: 0, attempts: 2, error: "exit 1"))
        let final = try XCTUnwrap(second.finalRecords.first?.records)
        XCTAssertEqual(
            final.failed, [FailedTile(name: "tile-0", index: 0, attempts: 2, error: "exit 1", quarantined: false)])
        XCTAssertEqual(final.report.tiles.retries, 1)
        XCTAssertEqual(final.report.tiles.failed, 1)
    }

    func testOnlyTheTilesAVictimGivesBackMoveToTheIdleWorker() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 6), from: client)
        let busy = h.worker("busy", slots: 2)
        XCTAssertEqual(
            h.handle(.received(.requestTiles(RequestTiles(count: 2)), from: busy)).assigned(to: busy).count, 6)
        h.handle(
            .received(
                .tilesStarted(TileBatch(job: job, tiles: [.init(index: 0, attempt: 1), .init(index: 1, attempt: 1)])),
                from: busy))
        let idle = h.worker("idle", slots: 2)
        let asked = h.handle(.received(.requestTiles(RequestTiles(count: 2)), from: idle))
        guard case .revoke(let revoke)? = asked.sent(to: busy).first else { return XCTFail("\(asked)") }
        XCTAssertEqual(revoke.job, job)
        XCTAssertFalse(revoke.indices.contains(0) || revoke.indices.contains(1), "running tiles are not revoked")
        // The victim started one of them meanwhile: it keeps that one.
        let given = Array(revoke.indices.dropFirst())
        let moved = h.handle(.received(.revokeAck(TileIndices(job: job, indices: given)), from: busy))
        XCTAssertEqual(Set(moved.assigned(to: idle).map(\.index)), Set(given))
        XCTAssertEqual(moved.assigned(to: busy), [])
    }

    func testADrainingWorkerGetsNothingNewAndGivesBackItsQueue() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 9), from: client)
        let worker = h.worker("spot", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        h.handle(.received(.tilesStarted(TileBatch(job: job, tiles: [.init(index: 0, attempt: 1)])), from: worker))
        let drained = h.handle(
            .received(.drain(Drain(deadlineUnixMs: h.time.unixMs + 120_000, reason: "spot interruption")), from: worker)
        )
        guard case .revoke(let revoke)? = drained.sent(to: worker).first else { return XCTFail("\(drained)") }
        XCTAssertEqual(revoke.indices.sorted(), [1, 2])
        XCTAssertEqual(
            h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker)).assigned(to: worker), [])
        let workers = h.handle(.received(.listWorkers(Empty()), from: client)).sent(to: client)
        guard case .workerList(let list)? = workers.first else { return XCTFail("\(workers)") }
        XCTAssertEqual(list.workers.first?.state, .draining)
    }

    func testASilentWorkerIsLostItsConnectionClosedAndItsTilesGoElsewhere() throws {
        var h = CoordinatorHarness(
            config: CoordinatorConfig(scheduler: SchedulerConfig(heartbeatTimeoutMs: 2000), stateDirectory: "/state"))
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 2), from: client)
        let silent = h.worker("silent", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: silent))
        h.handle(.received(.tilesStarted(TileBatch(job: job, tiles: [.init(index: 0, attempt: 1)])), from: silent))
        let other = h.worker("other", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: other))
        h.advance(ms: 1500)
        h.handle(.received(.heartbeat(Heartbeat(busySlots: 0, queuedTiles: 0, load: 0, rssBytes: 0)), from: other))
        h.advance(ms: 1000)
        let lost = h.handle(.tick)
        XCTAssertEqual(lost.closed, [silent])
        XCTAssertTrue(lost.assigned(to: other).contains(TileRun(job: job, index: 0, attempt: 2)), "\(lost)")
        guard case .jobCounters(job, let counters)? = lost.journaled.first else { return XCTFail("\(lost)") }
        XCTAssertEqual(counters.workersLost, 1)
        XCTAssertEqual(counters.reissuedAfterLoss, 2, "the tile it ran and the one it was asked to give back")
        // The close that follows is not a second loss.
        h.handle(.disconnected(silent))
        XCTAssertEqual(h.coordinator.counters(of: try XCTUnwrap(h.coordinator.jobs[job])).workersLost, 1)
    }

    func testAReconnectingWorkerReplacesItsStaleConnectionWithoutALoss() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 3), from: client)
        let old = h.worker("w1", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: old))
        h.handle(.received(.tilesStarted(TileBatch(job: job, tiles: [.init(index: 0, attempt: 1)])), from: old))
        let new = h.connect(.worker, "w1")
        let again = h.handle(
            .received(
                .registerWorker(
                    RegisterWorker(
                        workerID: "w1", incarnation: 1, host: "h", cpus: 1, memoryBytes: 1, slots: 1, version: "t",
                        running: [TileRun(job: job, index: 0, attempt: 1)])), from: new))
        XCTAssertEqual(again.closed, [old])
        h.handle(.disconnected(old))
        let counters = h.coordinator.counters(of: try XCTUnwrap(h.coordinator.jobs[job]))
        XCTAssertEqual(counters.workersLost, 0)
        XCTAssertEqual(counters.reissuedAfterLoss, 2, "its queue goes back to the pool; the running tile stays")
        // Its running tile stayed with it and its result counts.
        let done = h.handle(
            .received(
                .tileDone(
                    TileDone(results: [TileResult(job: job, index: 0, attempt: 1, durationMicros: 5, detail: "")])),
                from: new))
        XCTAssertEqual(
            done.journaled.first, .tileFinished(job: job, index: 0, attempt: 1, durationMicros: 5, worker: "w1"))
    }

    func testSkippedTilesAreJournaledCountedAsFinishedAndNeverRun() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, prepared) = try h.submit(
            noopJob(tiles: 4), from: client,
            preparation: JobPreparation(skipped: [1, 2], notes: ["skip_existing: 2 tiles already have their output"]))
        XCTAssertEqual(prepared.journaled.dropFirst().first, .tilesSkipped(job: job, indices: [1, 2]))
        XCTAssertTrue(prepared.logLines.contains("skip_existing: 2 tiles already have their output"))
        let worker = h.worker("w1", slots: 4)
        XCTAssertEqual(
            h.handle(.received(.requestTiles(RequestTiles(count: 4)), from: worker)).assigned(to: worker).map(\.index),
            [0, 3])
    }

    func testAfterARestartTilesWaitForTheGraceSoReturningWorkersReportFirst() throws {
        let spec = try JobSpec.parse(json: noopJob(tiles: 4), source: "t")
        let recovered = JournalState(
            jobs: [
                RecoveredJob(
                    job: 5, name: "noop", spec: spec.canonicalJSON(), submittedUnixMs: 1,
                    recordsPath: "/state/logs/run-5",
                    finished: [0], durationMicrosSum: 10, durationMicrosMax: 10, tilesByWorker: ["w0": 1],
                    counters: JobCounters(reissuedAfterLoss: 3, workersLost: 1))
            ], nextJobID: 6)
        var h = CoordinatorHarness(
            config: CoordinatorConfig(resumeGraceMs: 3000, stateDirectory: "/state"), recovered: recovered)
        guard case .reopenRecords(5, _, let place)? = h.log.first else { return XCTFail("\(h.log)") }
        XCTAssertEqual(place.path, "/state/logs/run-5")
        XCTAssertEqual(h.log.logLines, ["head restarted: resuming job with 1 tiles already finished"])

        let returning = h.worker("w1", slots: 1, running: [TileRun(job: 5, index: 1, attempt: 1)])
        XCTAssertEqual(
            h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: returning)).assigned(to: returning), [])
        h.advance(ms: 1000)
        XCTAssertEqual(h.handle(.tick).assigned(to: returning), [])
        h.advance(ms: 2000)
        XCTAssertEqual(
            h.handle(.tick).assigned(to: returning).map(\.index), [2, 3],
            "the finished and the running tile are not handed out")
        // The report counts what the head before the restart counted too.
        let client = h.connect(.client, "cli")
        _ = client
        for index: UInt32 in [1, 2, 3] {
            h.handle(
                .received(
                    .tileDone(
                        TileDone(results: [TileResult(job: 5, index: index, attempt: 1, durationMicros: 10, detail: "")]
                        )), from: returning))
        }
        let report = try XCTUnwrap(h.log.finalRecords.first?.records.report)
        XCTAssertEqual(report.scheduler.workersLost, 1)
        XCTAssertEqual(report.scheduler.reissuedAfterLoss, 3)
        XCTAssertEqual(report.tiles.done, 4)
        XCTAssertEqual(report.workers.tiles, ["w0": 1, "w1": 3])
        XCTAssertEqual(report.tileDurations?.count, 4)
    }

    func testAFinalStepRunsBeforeTheRecordsAndItsFailureIsOneMoreFailedEntry() throws {
        let config = CoordinatorConfig(stateDirectory: "/state") { spec, finished in
            JobFinalization(title: "mosaic of \(finished.count) tiles of \(spec.name)") { .failed("no space left") }
        }
        var h = CoordinatorHarness(config: config)
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 1), from: client)
        let worker = h.worker("w1", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        let done = h.handle(
            .received(
                .tileDone(
                    TileDone(results: [TileResult(job: job, index: 0, attempt: 1, durationMicros: 5, detail: "")])),
                from: worker))
        XCTAssertEqual(done.finalRecords.count, 0)
        XCTAssertEqual(done.logLines, ["all tiles done; mosaic of 1 tiles of noop"])
        guard case .finalize(job, let step)? = done.last(where: { if case .finalize = $0 { true } else { false } })
        else {
            return XCTFail("\(done)")
        }
        let ended = h.handle(.finalizationEnded(job, step.run()))
        let final = try XCTUnwrap(ended.finalRecords.first?.records)
        XCTAssertEqual(final.failed.map(\.name), ["final-step"])
        XCTAssertEqual(final.logLines.first, "final step failed: no space left")
        h.handle(.finalRecordsWritten(job, error: nil))
        let status = h.handle(.received(.queryJobs(JobRef(job: job)), from: client)).sent(to: client)
        guard case .jobStatus(let jobs)? = status.first else { return XCTFail("\(status)") }
        XCTAssertEqual(jobs.jobs.first?.failed, 1)
        XCTAssertEqual(jobs.jobs.first?.state, .finished)
    }

    func testCancellingEndsTheJobAndCancelsItsTilesOnWorkers() throws {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let (job, _) = try h.submit(noopJob(tiles: 5), from: client)
        let worker = h.worker("w1", slots: 1)
        h.handle(.received(.requestTiles(RequestTiles(count: 1)), from: worker))
        let cancelled = h.handle(.received(.cancelJob(JobRef(job: job)), from: client))
        XCTAssertEqual(cancelled.journaled.first, .jobCancelled(job: job, atUnixMs: h.time.unixMs))
        guard case .cancelTiles(let cancel)? = cancelled.sent(to: worker).first else { return XCTFail("\(cancelled)") }
        XCTAssertEqual(cancel.indices.sorted(), [0, 1, 2])
        XCTAssertEqual(cancelled.finalRecords.first?.records.report.pipelineExecutionStats.state, "cancelled")
        XCTAssertEqual(cancelled.sent(to: client), [], "the answer waits until the job has ended")
        XCTAssertEqual(h.handle(.progressTick).sent(to: client), [], "no progress frames for a cancel")
        let written = h.handle(.finalRecordsWritten(job, error: nil))
        guard case .jobStatus(let jobs)? = written.sent(to: client).first else { return XCTFail("\(written)") }
        XCTAssertEqual(jobs.jobs.first?.state, .cancelled)
        // Cancelling an ended job answers at once.
        let again = h.handle(.received(.cancelJob(JobRef(job: job)), from: client))
        guard case .jobStatus(let ended)? = again.sent(to: client).first else { return XCTFail("\(again)") }
        XCTAssertEqual(ended.jobs.first?.state, .cancelled)
    }

    func testAStoppingHeadTellsEveryWorkerConnectionButNotItsClients() {
        var h = CoordinatorHarness()
        let client = h.connect(.client, "cli")
        let worker = h.worker("w1", slots: 1)
        let unregistered = h.connect(.worker, "w2")
        let stopping = Message.shutdown(Shutdown(reason: "head stopping", graceful: true))
        let stop = h.handle(.shutdown(stopWorkers: true))
        XCTAssertEqual(stop.sent(to: worker), [stopping])
        XCTAssertEqual(stop.sent(to: unregistered), [stopping], "a worker still registering is told too")
        XCTAssertEqual(stop.sent(to: client), [])
        // Its registration arrives after the stop: it is told again, and not taken.
        let late = h.handle(
            .received(
                .registerWorker(
                    RegisterWorker(
                        workerID: "w2", incarnation: 1, host: "h", cpus: 1, memoryBytes: 1, slots: 1, version: "t",
                        running: [])), from: unregistered))
        XCTAssertEqual(late.sent(to: unregistered), [stopping])
        XCTAssertEqual(late.closed, [])
        let heartbeat = h.handle(
            .received(.heartbeat(Heartbeat(busySlots: 0, queuedTiles: 0, load: 0, rssBytes: 0)), from: unregistered))
        XCTAssertEqual(heartbeat.closed, [], "what it sends until it goes is not a protocol error")
        let list = h.handle(.received(.listWorkers(Empty()), from: client)).sent(to: client)
        guard case .workerList(let workers)? = list.first else { return XCTFail("\(list)") }
        XCTAssertEqual(workers.workers.map(\.workerID), ["w1"])
    }

    func testAHeadThatKeepsItsWorkersSendsThemNothing() {
        var h = CoordinatorHarness()
        let worker = h.worker("w1", slots: 1)
        XCTAssertEqual(h.handle(.shutdown(stopWorkers: false)).sent(to: worker), [])
    }
}
