import Foundation
import GrowJob
import JobRecords
import TileScheduler
import Wire

/// A submitted job while its records folder is made and its existing outputs are listed.
struct PendingJob {
    var spec: JobSpec
    var specJSON: String
    var records: RecordsPlace
    var submittedUnixMs: UInt64
    /// Who to answer; nil once that connection is gone.
    var client: ConnectionID?
}

/// Jobs: submission, preparation, resumption after a restart, watching and cancelling.
extension HeadCoordinator {
    mutating func submitJob(_ submit: SubmitJob, from id: ConnectionID) {
        let spec: JobSpec
        do {
            spec = try JobSpec.parse(json: submit.spec, source: submit.name.isEmpty ? "job" : submit.name)
        } catch {
            return send(.errorReply(ErrorReply(code: .invalidJob, message: "\(error)")), to: id)
        }
        let job = nextJobID
        nextJobID += 1
        let records = recordsPlace(for: spec, job: job, submittedUnixMs: now.unixMs)
        preparing[job] = PendingJob(
            spec: spec, specJSON: spec.canonicalJSON(), records: records, submittedUnixMs: now.unixMs, client: id)
        connections[id]?.awaitingAcceptance.insert(job)
        actions.append(.prepareJob(job, spec, records: records))
    }

    /// Records go to the project folder's logs/, as eo-grow's do; for a project in object storage
    /// they are kept in the state directory and copied there as the job runs.
    func recordsPlace(for spec: JobSpec, job: JobID, submittedUnixMs: UInt64) -> RecordsPlace {
        let name = RecordsFolder.directoryName(
            startedAt: Date(timeIntervalSince1970: Double(submittedUnixMs) / 1000), pipeline: spec.name,
            id: "\(job)-\(config.instance)")
        return recordsPlace(for: spec, directoryName: name)
    }

    func recordsPlace(for spec: JobSpec, directoryName: String) -> RecordsPlace {
        let logs = spec.folder(forKey: "logs") ?? "logs"
        switch spec.projectFolder {
        case .local(let path)?:
            return RecordsPlace(path: path + "/" + logs + "/" + directoryName, mirror: nil)
        case let project?:
            return RecordsPlace(
                path: config.stateDirectory + "/logs/" + directoryName, mirror: (project, logs + "/" + directoryName))
        case nil:
            return RecordsPlace(path: config.stateDirectory + "/logs/" + directoryName, mirror: nil)
        }
    }

    mutating func prepared(_ id: JobID, _ result: Result<JobPreparation, JobPreparationFailure>) {
        guard let pending = preparing.removeValue(forKey: id) else { return }
        if let client = pending.client { connections[client]?.awaitingAcceptance.remove(id) }
        let preparation: JobPreparation
        switch result {
        case .failure(let failure):
            log(
                .error, "job refused: cannot write its records",
                ["path": "\(pending.records.path)", "error": "\(failure.message)"])
            if let client = pending.client {
                send(
                    .errorReply(
                        ErrorReply(
                            code: .invalidJob,
                            message: "cannot write records to \(pending.records.path): \(failure.message)")),
                    to: client)
            }
            return
        case .success(let found):
            preparation = found
        }
        var job = HeadJob(
            id: id, spec: pending.spec, specJSON: pending.specJSON, records: pending.records,
            submittedUnixMs: pending.submittedUnixMs)
        let skipped = preparation.skipped.compactMap(job.position(ofTile:))
        actions.append(
            .journal(
                .jobSubmitted(
                    job: id, name: job.spec.name, spec: job.specJSON, submittedUnixMs: job.submittedUnixMs,
                    recordsPath: job.records.path)))
        if !skipped.isEmpty { actions.append(.journal(.tilesSkipped(job: id, indices: skipped))) }
        job.skipped = skipped.count
        job.setFinished(skipped)
        let submitter = pending.client.flatMap { connections[$0]?.name } ?? "a client that left"
        record(
            id,
            "job \(id) \"\(job.spec.name)\" submitted by \(submitter): \(job.tileCount) tiles, pipeline \(job.spec.pipeline.rawValue)"
        )
        for note in preparation.notes { record(id, note) }
        log(.info, "job submitted", ["job": "\(id)", "name": "\(job.spec.name)", "tiles": "\(job.tileCount)"])
        let tileCount = job.tileCount
        let location = job.records.location
        accept(job, alreadyFinished: skipped)
        if let client = pending.client {
            send(.jobAccepted(JobAccepted(job: id, tileCount: UInt64(tileCount), recordsPath: location)), to: client)
        }
    }

    /// Hands a job to the scheduler; `alreadyFinished` positions are never run.
    mutating func accept(_ job: HeadJob, alreadyFinished: [UInt32]) {
        jobs[job.id] = job
        jobOrder.append(job.id)
        openDashboardJob(job)
        schedule(
            .jobSubmitted(
                job: job.id, tileCount: job.tileCount, order: job.curveOrder(), alreadyFinished: alreadyFinished,
                maxAttempts: job.spec.maxAttempts))
    }

    /// A job from the journal of an earlier run of this head.
    mutating func recover(_ recovered: RecoveredJob) {
        let spec: JobSpec
        do {
            spec = try JobSpec.parse(json: recovered.spec, source: "journal job \(recovered.job)")
        } catch {
            log(
                .error, "journal holds a job that no longer parses; skipped",
                ["job": "\(recovered.job)", "error": "\(error)"])
            return
        }
        let records = recordsPlace(
            for: spec, directoryName: (recovered.recordsPath as NSString).lastPathComponent)
        var job = HeadJob(
            id: recovered.job, spec: spec, specJSON: recovered.spec,
            records: RecordsPlace(path: recovered.recordsPath, mirror: records.mirror),
            submittedUnixMs: recovered.submittedUnixMs)
        job.setFinished(Array(Set(recovered.skipped).union(recovered.finished)).sorted())
        job.skipped = recovered.skipped.count
        job.durations = TileDurations(
            count: recovered.finished.count, sumMicros: recovered.durationMicrosSum,
            maxMicros: recovered.durationMicrosMax)
        job.tilesByWorker = recovered.tilesByWorker
        for (index, error) in recovered.failed {
            job.failures[index] = .init(
                error: error, attempts: recovered.failedAttempts[index] ?? 0, quarantined: false)
        }
        for (index, reason) in recovered.quarantined {
            job.failures[index] = .init(error: reason, attempts: 0, quarantined: true)
        }
        job.countersBeforeRestart = recovered.counters
        job.journaledCounters = recovered.counters
        job.cancelled = recovered.cancelledUnixMs != nil
        if let ended = recovered.finishedUnixMs ?? recovered.cancelledUnixMs {
            job.phase = .finished(at: ended)
            jobs[job.id] = job
            jobOrder.append(job.id)
            openDashboardJob(job)
            jobs[job.id]?.dropFinishedList()
            return
        }
        actions.append(.reopenRecords(job.id, spec, records: job.records))
        record(job.id, "head restarted: resuming job with \(job.done) tiles already finished")
        accept(job, alreadyFinished: job.finished + Array(job.failures.keys))
    }

    mutating func watch(_ id: JobID, from connection: ConnectionID) {
        guard let job = jobs[id] else {
            return send(.errorReply(ErrorReply(code: .unknownJob, message: "no job \(id)")), to: connection)
        }
        if job.finishedUnixMs == nil { connections[connection]?.watching.insert(id) }
        send(.jobStatus(Wire.JobStatus(jobs: [summary(of: job)])), to: connection)
    }

    mutating func cancel(_ id: JobID, from connection: ConnectionID) {
        guard let job = jobs[id] else {
            return send(.errorReply(ErrorReply(code: .unknownJob, message: "no job \(id)")), to: connection)
        }
        if job.isOpen, !job.cancelled {
            jobs[id]?.cancelled = true
            actions.append(.journal(.jobCancelled(job: id, atUnixMs: now.unixMs)))
            record(id, "job cancelled by \(connections[connection]?.name ?? "a client")")
            schedule(.jobCancelled(job: id))
        }
        // The answer says the job ended: it comes once its records are written.
        if jobs[id]?.finishedUnixMs == nil {
            connections[connection]?.awaitingEnd.insert(id)
        } else {
            send(.jobStatus(Wire.JobStatus(jobs: summaries(id))), to: connection)
        }
    }

    func summaries(_ id: JobID) -> [Wire.JobSummary] {
        if id == 0 { return jobOrder.compactMap { jobs[$0].map(summary(of:)) } }
        return jobs[id].map { [summary(of: $0)] } ?? []
    }

    func summary(of job: HeadJob) -> Wire.JobSummary {
        let finished = job.finishedUnixMs != nil
        let counts = finished ? nil : scheduler.jobStatus(job.id)
        // A job ends for its watchers once its records are written, so they can read them.
        let state: Wire.JobSummary.State = !finished ? .running : job.cancelled ? .cancelled : .finished
        let counters = job.countersBeforeRestart + (scheduler.counters(of: job.id) ?? JobCounters())
        return Wire.JobSummary(
            job: job.id, name: job.spec.name, state: state,
            total: UInt64(job.tileCount), pending: UInt64((counts?.pending ?? 0) + (counts?.queued ?? 0)),
            running: UInt64(counts?.running ?? 0), done: UInt64(job.finishedCount),
            failed: UInt64(job.failedCount + (job.finalizationFailed ? 1 : 0)),
            quarantined: UInt64(job.quarantinedCount), retries: UInt64(counters.retries),
            submittedUnixMs: job.submittedUnixMs, finishedUnixMs: job.finishedUnixMs ?? 0,
            recordsPath: job.records.location)
    }
}
