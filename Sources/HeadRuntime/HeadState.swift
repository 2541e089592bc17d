
import Foundation
import GrowJob
import JobRecords
import Logging
import NIOCore
import TileScheduler
import TileScheduler
import Wire

/// The head's shell around the scheduler: it turns messages into scheduler events, carries out
/// the scheduler's directives (sends, closes, journal appends, records), and answers clients.
/// Every method runs on the head's one event loop; nothing here blocks (the journal writes and
/// fsyncs on its own thread).
final class HeadState {
    /// The event loop that owns this state; the final step of a job reports back on it.
    let loop: any EventLoop
    let config: HeadConfig
    let logger: Logger
    private var scheduler: Scheduler
    private let journal: Journal
    private var jobs: [UInt32: HeadJob] = [:]
    private var jobOrder: [UInt32] = []
    private var nextJobID: UInt32
    private var workers: [UInt64: WorkerRecord] = [:]
    private var workerIDsByKey: [String: UInt64] = [:]
    private var nextWorkerID: UInt64 = 1
    private var connections: [ObjectIdentifier: PeerConnection] = [:]
    /// Channels written to while handling the current event; flushed once at its end.
    private var touched: [ObjectIdentifier: Channel] = [:]
    /// Durations and workers of the results being handled, for the persist that follows.
    private var resultContext: [TileRef: (micros: UInt64, worker: String)] = [:]
    /// After a restart with unfinished jobs, tiles are handed out only once this (monotonic) time
    /// has passed, so workers that kept running while the head was away can reconnect first and
    /// report what they finished; otherwise another worker would run those tiles again.
    private var holdAssignmentsUntilMs: UInt64 = 0
    private var deferredRequests: [UInt64: Int] = [:]
    private var reportedJournalFailure = false
    /// Set once the workers have been told to stop (`shutdown(stopWorkers: true)`).
    private var workersStopped = false

    init(config: HeadConfig, journal: Journal, recovered: JournalState, logger: Logger, loop: any EventLoop) {
        self.loop = loop
        self.config = config
        self.logger = logger
        self.journal = journal
        scheduler = Scheduler(config: config.scheduler)
        nextJobID = max(recovered.nextJobID, 1)
        for job in recovered.jobs { recover(job) }
        if recovered.jobs.contains(where: { !$0.isDone }) {
            holdAssignmentsUntilMs = Clock.monotonicMs() + config.resumeGraceMs
        }
    }

    // MARK: - Connections

    func connected(_ connection: PeerConnection) {
        connections[connection.id] = connection
    }

    func disconnected(_ connection: PeerConnection) {
        connections[connection.id] = nil
        if let worker = connection.worker, worker.connection === connection {
            worker.state = .lost
            worker.connection = nil
            logger.info("worker lost: connection closed", metadata: ["worker": "\(worker.key)"])
            handle(.workerLost(worker: worker.id))
        }
    }

    func received(_ message: Message, from connection: PeerConnection) {
        if let worker = connection.worker { worker.lastHeardMs = Clock.monotonicMs() }
        switch (connection.session.role, message) {
        case (.worker, .registerWorker(let registration)): registerWorker(registration, on: connection)
        case (.worker, _) where connection.worker == nil && workersStopped:
            break  // told to stop before it registered (registerWorker): what it sent next is moot
        case (.worker, _) where connection.worker == nil:
            protocolError("expected RegisterWorker first, got \(message.kind)", on: connection)
        case (.worker, .heartbeat(let heartbeat)):
            connection.worker?.heartbeat = heartbeat
            handleFromWorker(connection) { .heartbeat(worker: $0) }
        case (.worker, .requestTiles(let request)):
            if holdAssignmentsUntilMs > 0, let worker = connection.worker {
                deferredRequests[worker.id] = Int(request.count)
            } else {
                handleFromWorker(connection) { .tilesRequested(worker: $0, freeSlots: Int(request.count)) }
            }
        case (.worker, .tilesStarted(let started)):
            let tiles = started.tiles.compactMap { attempt(job: started.job, index: $0.index, attempt: $0.attempt) }
            handleFromWorker(connection) { .tilesStarted(worker: $0, tiles: tiles) }
        case (.worker, .tileDone(let done)): tilesDone(done, from: connection)
        case (.worker, .tileFailed(let failed)): tilesFailed(failed, from: connection)
        case (.worker, .revokeAck(let ack)):
            let indices = ack.indices.compactMap { jobs[ack.job]?.position(ofTile: $0) }
            handleFromWorker(connection) { .revokeAcked(worker: $0, job: ack.job, indices: indices) }
        case (.worker, .drain(let drain)): self.drain(drain, from: connection)
        case (.worker, .log(let line)): workerLog(line, from: connection)
        case (.client, .submitJob(let submit)): submitJob(submit, from: connection)
        case (.client, .queryJobs(let ref)): send(.jobStatus(Wire.JobStatus(jobs: summaries(ref.job))), to: connection)
        case (.client, .watchJob(let ref)): watch(ref.job, from: connection)
        case (.client, .cancelJob(let ref)): cancel(ref.job, from: connection)
        case (.client, .listWorkers): send(.workerList(WorkerList(workers: workerSummaries())), to: connection)
        default:
            protocolError("a \(connection.session.role) may not send \(message.kind)", on: connection)
        }
        flush()
    }

    private func protocolError(_ text: String, on connection: PeerConnection) {
        logger.warning(
            "protocol error, closing connection", metadata: ["peer": "\(connection.session.name)", "error": "\(text)"])
        if connection.session.role == .client {
            send(.errorReply(ErrorReply(code: .invalidRequest, message: text)), to: connection)
            flush()
        }
        connection.channel.close(promise: nil)
    }

    // MARK: - Workers

    private func registerWorker(_ register: RegisterWorker, on connection: PeerConnection) {
        guard connection.worker == nil else { return protocolError("RegisterWorker sent twice", on: connection) }
        // A worker whose registration arrives while the head stops (a short job can end before
        // every worker has registered) is told to stop too, or it would take the head's going
        // away for a lost connection and try to reconnect.
        guard !workersStopped else { return send(Self.stopping, to: connection) }
        guard !register.workerID.isEmpty, register.slots > 0 else {
            return protocolError("RegisterWorker needs a worker id and at least one slot", on: connection)
        }
        let now = Clock.monotonicMs()
        let id =
            workerIDsByKey[register.workerID]
            ?? {
                defer { nextWorkerID += 1 }
                workerIDsByKey[register.workerID] = nextWorkerID
                return nextWorkerID
            }()
        if let previous = workers[id]?.connection, previous !== connection {
            // Same worker on a new connection before the old one was seen to drop: the old one
            // is stale. Detach it first so its close is not taken for a loss.
            previous.worker = nil
            previous.channel.close(promise: nil)
        }
        let record = WorkerRecord(id: id, key: register.workerID, register: register, nowMs: now)
        record.tilesDone = workers[id]?.tilesDone ?? 0
        record.connection = connection
        workers[id] = record
        connection.worker = record
        let running = register.running.compactMap { attempt(job: $0.job, index: $0.index, attempt: $0.attempt) }
        logger.info(
            "worker joined",
            metadata: [
                "worker": "\(register.workerID)", "host": "\(register.host)", "slots": "\(register.slots)",
                "still running": "\(running.count)",
            ])
        handle(.workerJoined(worker: id, slots: Int(register.slots), running: running))
    }

    private func handleFromWorker(_ connection: PeerConnection, _ event: (UInt64) -> SchedulerEvent) {
        guard let worker = connection.worker else { return }
        handle(event(worker.id))
    }

    /// A worker's (job, tile index, attempt) as the scheduler numbers it; nil for tiles of jobs
    /// or indices this head does not run.
    private func attempt(job: UInt32, index: UInt32, attempt: UInt32) -> TileAttempt? {
        jobs[job]?.position(ofTile: index).map { TileAttempt(TileRef(job: job, index: $0), attempt: attempt) }
    }

    private func tilesDone(_ done: TileDone, from connection: PeerConnection) {
        guard let worker = connection.worker else { return }
        var completions: [TileCompletion] = []
        completions.reserveCapacity(done.results.count)
        for result in done.results {
            guard let position = jobs[result.job]?.position(ofTile: result.index) else { continue }
            let tile = TileRef(job: result.job, index: position)
            resultContext[tile] = (result.durationMicros, worker.key)
            completions.append(TileCompletion(tile, attempt: result.attempt, durationMs: result.durationMicros / 1000))
        }
        handle(.tilesDone(worker: worker.id, results: completions))
        resultContext.removeAll(keepingCapacity: true)
    }

    private func tilesFailed(_ failed: TileFailed, from connection: PeerConnection) {
        guard let worker = connection.worker else { return }
        var failures: [ReportedFailure] = []
        for failure in failed.failures {
            guard let job = jobs[failure.job], let position = job.position(ofTile: failure.index) else { continue }
            job.failedRuns += 1
            job.records?.log(
                "tile \(job.tileName(ofPosition: position)) attempt \(failure.attempt) failed on \(worker.key): \(failure.error)"
            )
            failures.append(
                ReportedFailure(
                    TileRef(job: failure.job, index: position), attempt: failure.attempt, error: failure.error,
                    retryable: failure.retryable))
        }
        handle(.tilesFailed(worker: worker.id, failures: failures))
    }

    private func drain(_ drain: Drain, from connection: PeerConnection) {
        guard let worker = connection.worker else { return }
        let nowUnix = Clock.unixMs()
        let remaining = drain.deadlineUnixMs > nowUnix ? drain.deadlineUnixMs - nowUnix : 0
        worker.state = .draining
        logger.info(
            "worker draining",
            metadata: ["worker": "\(worker.key)", "reason": "\(drain.reason)", "seconds left": "\(remaining / 1000)"])
        handle(.drain(worker: worker.id, deadlineMs: Clock.monotonicMs() + remaining))
    }

    private func workerLog(_ line: LogLine, from connection: PeerConnection) {
        let who = connection.worker?.key ?? connection.session.name
        if let job = jobs[line.job] {
            job.records?.log("[\(who)] \(line.text)")
        } else {
            logger.info("\(line.text)", metadata: ["worker": "\(who)"])
        }
    }

    // MARK: - Jobs

    private func submitJob(_ submit: SubmitJob, from connection: PeerConnection) {
        let spec: JobSpec
        do {
            spec = try JobSpec.parse(json: submit.spec, source: submit.name.isEmpty ? "job" : submit.name)
        } catch {
            return send(.errorReply(ErrorReply(code: .invalidJob, message: "\(error)")), to: connection)
        }
        let id = nextJobID
        nextJobID += 1
        let submitted = Clock.unixMs()
        // Records go to the project folder's logs/, as eo-grow's do; for a project in object
        // storage they are kept here and copied there as the job runs.
        let remoteProject = spec.projectFolder.flatMap { $0.isLocal ? nil : $0 }
        let recordsRoot: String
        if case .local(let path)? = spec.projectFolder {
            recordsRoot = path + "/logs"
        } else {
            recordsRoot = config.stateDirectory + "/logs"
        }
        let directoryName = JobRecords.directoryName(
            startedAt: Date(timeIntervalSince1970: Double(submitted) / 1000), pipeline: spec.pipeline.rawValue,
            id: "\(id)")
        let recordsPath = recordsRoot + "/" + directoryName
        let records: JobRecords
        do {
            try FileManager.default.createDirectory(atPath: recordsRoot, withIntermediateDirectories: true)
            records = try JobRecords(directory: recordsPath)
            if let remoteProject {
                records.mirror = try mirror(for: spec, folder: remoteProject, directoryName: directoryName)
            }
        } catch {
            return send(
                .errorReply(ErrorReply(code: .invalidJob, message: "cannot write records to \(recordsPath): \(error)")),
                to: connection)
        }
        let specJSON = spec.canonicalJSON()
        journal.append(
            .jobSubmitted(
                job: id, name: spec.name, spec: specJSON, submittedUnixMs: submitted, recordsPath: recordsPath))
        let job = HeadJob(
            id: id, spec: spec, specJSON: specJSON, recordsPath: recordsPath, records: records,
            submittedUnixMs: submitted)
        records.log(
            "job \(id) \"\(spec.name)\" submitted by \(connection.session.name): \(job.tileCount) tiles, pipeline \(spec.pipeline.rawValue)"
        )
        register(job, alreadyFinished: [])
        send(
            .jobAccepted(JobAccepted(job: id, tileCount: UInt64(job.tileCount), recordsPath: job.recordsLocation)),
            to: connection)
        logger.info("job submitted", metadata: ["job": "\(id)", "name": "\(spec.name)", "tiles": "\(job.tileCount)"])
    }

    private func mirror(for spec: JobSpec, folder: ProjectLocation, directoryName: String) throws -> RecordsMirror {
        let storage = try folder.openStore(spec.storageSettings)
        let logger = self.logger
        let logsFolder = spec.folder(forKey: "logs") ?? "logs"
        return RecordsMirror(storage: storage, prefix: logsFolder + "/" + directoryName) { problem in
            logger.error("\(problem)")
        }
    }

    private func register(_ job: HeadJob, alreadyFinished: [UInt32]) {
        jobs[job.id] = job
        jobOrder.append(job.id)
        var finished = alreadyFinished
        if job.spec.skipExisting {
            // eo-grow's skip_existing: tiles whose output is already there count as done.
            let known = Set(alreadyFinished)
            let plan: TilePlan
            do {
                plan = try job.spec.planTilesAgainstExistingOutputs(job: job.id)
            } catch {
                job.records?.log("skip_existing: cannot look for existing outputs, running every tile: \(error)")
                plan = TilePlan(run: job.spec.selectedTiles, skipped: [])
            }
            let skipped = plan.skipped.compactMap(job.position(ofTile:)).filter { !known.contains($0) }
            job.skipped = skipped.count
            finished += skipped
            if !skipped.isEmpty { job.records?.log("skip_existing: \(skipped.count) tiles already have their output") }
        }
        handle(.jobSubmitted(job: job.id, tileCount: job.tileCount, order: job.curveOrder(), alreadyFinished: finished))
    }

    /// A job from the journal of an earlier run of this head.
    private func recover(_ recovered: RecoveredJob) {
        let spec: JobSpec
        do {
            spec = try JobSpec.parse(json: recovered.spec, source: "journal job \(recovered.job)")
        } catch {
            logger.error(
                "journal holds a job that no longer parses; skipped",
                metadata: ["job": "\(recovered.job)", "error": "\(error)"])
            return
        }
        let records = try? JobRecords(directory: recovered.recordsPath)
        if let folder = spec.projectFolder, !folder.isLocal {
            records?.mirror = try? mirror(
                for: spec, folder: folder, directoryName: (recovered.recordsPath as NSString).lastPathComponent)
        }
        let job = HeadJob(
            id: recovered.job, spec: spec, specJSON: recovered.spec, recordsPath: recovered.recordsPath,
            records: records,
            submittedUnixMs: recovered.submittedUnixMs)
        job.done = Set(recovered.finished).count
        for (index, error) in recovered.failed {
            job.failures[index] = .init(
                error: error, attempts: recovered.failedAttempts[index] ?? 0, quarantined: false)
        }
        for (index, reason) in recovered.quarantined {
            job.failures[index] = .init(error: reason, attempts: 0, quarantined: true)
        }
        for (worker, count) in recovered.tilesByWorker { job.tilesByWorker[worker] = count }
        if let finished = recovered.finishedUnixMs ?? recovered.cancelledUnixMs {
            job.finishedUnixMs = finished
            job.cancelled = recovered.cancelledUnixMs != nil
            jobs[job.id] = job
            jobOrder.append(job.id)
            return
        }
        records?.log("head restarted: resuming job with \(job.done) tiles already finished")
        register(job, alreadyFinished: recovered.finished + Array(job.failures.keys))
    }

    private func watch(_ id: UInt32, from connection: PeerConnection) {
        guard jobs[id] != nil else {
            return send(.errorReply(ErrorReply(code: .unknownJob, message: "no job \(id)")), to: connection)
        }
        connection.watching.insert(id)
        send(.jobStatus(Wire.JobStatus(jobs: summaries(id))), to: connection)
    }

    private func cancel(_ id: UInt32, from connection: PeerConnection) {
        guard let job = jobs[id] else {
            return send(.errorReply(ErrorReply(code: .unknownJob, message: "no job \(id)")), to: connection)
        }
        if !job.isFinished {
            job.cancelled = true
            journal.append(.jobCancelled(job: id, atUnixMs: Clock.unixMs()))
            job.records?.log("job cancelled by \(connection.session.name)")
            handle(.jobCancelled(job: id))
        }
        send(.jobStatus(Wire.JobStatus(jobs: summaries(id))), to: connection)
    }

    // MARK: - Scheduler

    private func handle(_ event: SchedulerEvent) {
        let directives = scheduler.handle(event, now: Clock.monotonicMs())
        for directive in directives { apply(directive) }
    }

    private func apply(_ directive: SchedulerDirective) {
        switch directive {
        case .assign(let worker, let job, let tiles):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            if !connection.knownJobs.contains(job) {
                connection.knownJobs.insert(job)
                send(
                    .jobDefinition(JobDefinition(job: job, name: headJob.spec.name, spec: headJob.specJSON)),
                    to: connection)
            }
            let assignments = tiles.map {
                Wire.TileAssignment(index: headJob.tileIndex(ofPosition: $0.index), attempt: $0.attempt)
            }
            send(.assign(TileBatch(job: job, tiles: assignments)), to: connection)
        case .revoke(let worker, let job, let indices):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            send(.revoke(TileIndices(job: job, indices: indices.map(headJob.tileIndex(ofPosition:)))), to: connection)
        case .cancel(let worker, let job, let indices):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            send(
                .cancelTiles(TileIndices(job: job, indices: indices.map(headJob.tileIndex(ofPosition:)))),
                to: connection)
        case .markLost(let worker):
            guard let record = workers[worker] else { return }
            logger.warning(
                "worker lost: no heartbeat within \(config.scheduler.heartbeatTimeoutMs) ms",
                metadata: ["worker": "\(record.key)"])
            record.state = .lost
            if let connection = record.connection {
                connection.worker = nil
                connection.channel.close(promise: nil)
            }
            record.connection = nil
        case .persist(let entry):
            persist(entry)
        case .jobFinished(let job):
            finish(job)
        }
    }

    private func persist(_ entry: JournalEntry) {
        switch entry {
        case .tileFinished(let job, let index, let attempt):
            let context = resultContext[TileRef(job: job, index: index)]
            journal.append(
                .tileFinished(
                    job: job, index: index, attempt: attempt, durationMicros: context?.micros ?? 0,
                    worker: context?.worker ?? ""))
            guard let headJob = jobs[job] else { return }
            headJob.done += 1
            if let context {
                headJob.durations.add(context.micros)
                headJob.tilesByWorker[context.worker, default: 0] += 1
                if let id = workerIDsByKey[context.worker] { workers[id]?.tilesDone += 1 }
            }
        case .tileFailed(let job, let index, let error):
            let attempts = scheduler.attempt(of: TileRef(job: job, index: index)) ?? 0
            journal.append(.tileFailed(job: job, index: index, attempts: attempts, error: error))
            guard let headJob = jobs[job] else { return }
            headJob.failures[index] = .init(error: error, attempts: attempts, quarantined: false)
            headJob.records?.log(
                "tile \(headJob.tileName(ofPosition: index)) failed for good after \(attempts) attempts: \(error)")
        case .tileQuarantined(let job, let index, let reason):
            let attempts = scheduler.attempt(of: TileRef(job: job, index: index)) ?? 0
            journal.append(.tileQuarantined(job: job, index: index, reason: reason))
            guard let headJob = jobs[job] else { return }
            headJob.failures[index] = .init(error: reason, attempts: attempts, quarantined: true)
            headJob.records?.log("tile \(headJob.tileName(ofPosition: index)) quarantined: \(reason)")
            logger.warning(
                "tile quarantined",
                metadata: ["job": "\(job)", "tile": "\(headJob.tileName(ofPosition: index))", "reason": "\(reason)"])
        }
    }

    private func finish(_ id: UInt32) {
        guard let job = jobs[id], !job.isFinished, !job.finalizing else { return }
        var finishedNames: [String] = []
        finishedNames.reserveCapacity(job.done)
        for position in 0..<UInt32(job.tileCount) where scheduler.tileState(TileRef(job: id, index: position)) == .done
        {
            if job.failures[position] == nil { finishedNames.append(job.tileName(ofPosition: position)) }
        }
        // Some pipelines end with a step over all tiles (export_maps: the mosaics). It runs off
        // the event loop; the job counts as finished (and is journalled so) only after it, so a
        // head restarted meanwhile runs it again.
        // A job whose tiles were all skipped (skip_existing) changed nothing: no final step either.
        if !job.cancelled, job.done > 0, let step = config.finalizer(job.spec, finishedNames) {
            job.finalizing = true
            job.records?.log("all tiles done; \(step.title)")
            let bound = NIOLoopBound(self, eventLoop: loop)
            let loop = self.loop
            DispatchQueue.global().async {
                let outcome = step.run()
                loop.execute { bound.value.complete(id, finishedNames: finishedNames, finalization: outcome) }
            }
            return
        }
        complete(id, finishedNames: finishedNames, finalization: nil)
    }

    private func complete(_ id: UInt32, finishedNames: [String], finalization: JobFinalization.Outcome?) {
        guard let job = jobs[id], !job.isFinished else { return }
        job.finalizing = false
        let now = Clock.unixMs()
        job.finishedUnixMs = now
        journal.append(.jobFinished(job: id, finishedUnixMs: now))
        var failed = job.failures.sorted { $0.key < $1.key }.map { position, info in
            FailedTile(
                name: job.tileName(ofPosition: position), index: job.tileIndex(ofPosition: position),
                attempts: Int(info.attempts),
                error: info.error, quarantined: info.quarantined)
        }
        switch finalization {
        case .done(let lines)?:
            for line in lines { job.records?.log(line) }
        case .failed(let error)?:
            job.records?.log("final step failed: \(error)")
            logger.error("job's final step failed", metadata: ["job": "\(id)", "error": "\(error)"])
            failed.append(FailedTile(name: "final-step", index: UInt32.max, attempts: 1, error: error, quarantined: false))
            job.finalizationFailed = true
        case nil:
            break
        }
        let report = JobReportBuilder.report(
            for: job, finishedUnixMs: now, counters: scheduler.counters, failed: failed)
        do {
            try job.records?.writeFinal(finished: finishedNames, failed: failed, report: report)
        } catch {
            logger.error("could not write the job's records", metadata: ["job": "\(id)", "error": "\(error)"])
        }
        job.records?.log(
            "job \(job.cancelled ? "cancelled" : "finished"): \(job.done) done, \(job.failedCount) failed, \(job.quarantinedCount) quarantined"
        )
        job.records?.flush()
        logger.info(
            "job finished",
            metadata: [
                "job": "\(id)", "done": "\(job.done)", "failed": "\(job.failedCount)",
                "quarantined": "\(job.quarantinedCount)",
            ])
        let summary = summary(of: job)
        for connection in connections.values where connection.watching.contains(id) {
            send(.jobStatus(Wire.JobStatus(jobs: [summary])), to: connection)
            connection.watching.remove(id)
        }
    }

    // MARK: - Time

    func tick() {
        if !reportedJournalFailure, let failure = journal.failure {
            // The journal stops writing after a failed write or fsync; say so loudly once. A
            // restarted head resumes from what reached the disk.
            reportedJournalFailure = true
            logger.critical("the journal can no longer be written; progress from now on is not durable: \(failure)")
        }
        handle(.tick)
        if holdAssignmentsUntilMs > 0, Clock.monotonicMs() >= holdAssignmentsUntilMs {
            holdAssignmentsUntilMs = 0
            logger.info(
                "resume grace over: handing out tiles", metadata: ["waiting workers": "\(deferredRequests.count)"])
            for (worker, count) in deferredRequests.sorted(by: { $0.key < $1.key })
            where workers[worker]?.connection != nil {
                handle(.tilesRequested(worker: worker, freeSlots: count))
            }
            deferredRequests = [:]
        }
        flush()
    }

    func sendProgress() {
        for connection in connections.values where !connection.watching.isEmpty {
            let list = connection.watching.compactMap { jobs[$0].map(summary(of:)) }
            send(.jobStatus(Wire.JobStatus(jobs: list)), to: connection)
        }
        for job in jobs.values { job.records?.flush() }
        flush()
    }

    private static let stopping = Message.shutdown(Shutdown(reason: "head stopping", graceful: true))

    /// SIGTERM: tell workers, make the journal durable.
    func shutdown(stopWorkers: Bool) {
        if stopWorkers {
            workersStopped = true
            // Every worker connection, registered or not yet: they all see the connection close next.
            for connection in connections.values where connection.session.role == .worker {
                send(Self.stopping, to: connection)
            }
        }
        for job in jobs.values {
            job.records?.flush()
            // Records of projects in object storage: wait for the last copies to land.
            job.records?.mirror?.drain()
        }
        flush()
        journal.sync()
    }

    // MARK: - Status

    func summaries(_ id: UInt32) -> [Wire.JobSummary] {
        if id == 0 { return jobOrder.compactMap { jobs[$0].map(summary(of:)) } }
        return jobs[id].map { [summary(of: $0)] } ?? []
    }

    func summary(of job: HeadJob) -> Wire.JobSummary {
        let counts: SchedulerJobCounts? = job.isFinished ? nil : scheduler.jobStatus(job.id)
        let state: Wire.JobSummary.State = job.cancelled ? .cancelled : job.isFinished ? .finished : .running
        return Wire.JobSummary(
            job: job.id, name: job.spec.name, state: state, total: UInt64(job.tileCount),
            pending: UInt64((counts?.pending ?? 0) + (counts?.queued ?? 0)), running: UInt64(counts?.running ?? 0),
            done: UInt64(job.done + job.skipped), failed: UInt64(job.failedCount + (job.finalizationFailed ? 1 : 0)),
            quarantined: UInt64(job.quarantinedCount),
            retries: UInt64(job.retries), submittedUnixMs: job.submittedUnixMs,
            finishedUnixMs: job.finishedUnixMs ?? 0, recordsPath: job.recordsLocation)
    }

    func workerSummaries() -> [WorkerSummary] {
        let now = Clock.monotonicMs()
        return workers.values.sorted { $0.id < $1.id }.map { worker in
            WorkerSummary(
                workerID: worker.key, host: worker.host, state: worker.state, slots: worker.slots,
                busySlots: worker.heartbeat.busySlots, queuedTiles: worker.heartbeat.queuedTiles,
                load: worker.heartbeat.load,
                rssBytes: worker.heartbeat.rssBytes, tilesDone: worker.tilesDone,
                lastHeartbeatAgoMs: now > worker.lastHeardMs ? now - worker.lastHeardMs : 0)
        }
    }

    // MARK: - Output

    private func send(_ message: Message, to connection: PeerConnection) {
        connection.channel.write(message, promise: nil)
        touched[ObjectIdentifier(connection.channel)] = connection.channel
    }

    private func flush() {
        for channel in touched.values { channel.flush() }
        touched.removeAll(keepingCapacity: true)
    }
}
