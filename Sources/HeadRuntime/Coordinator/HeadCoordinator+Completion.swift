import Foundation
import GrowJob
import JobRecords
import TileScheduler
import Wire

/// The end of a job: its final step, its records, then its watchers. A job counts as finished
/// (and is journalled so) only once its records are written, so a head restarted meanwhile does
/// the final step and the records again.
extension HeadCoordinator {
    /// Every tile is done, failed, quarantined or cancelled.
    mutating func finish(_ id: JobID) {
        guard let job = jobs[id], job.phase == .running else { return }
        // Some pipelines end with a step over all tiles (export_maps: the mosaics). A job whose
        // tiles were all skipped (skip_existing) changed nothing: no final step.
        if !job.cancelled, job.done > 0, let step = config.finalizer(job.spec, finishedNames(of: job)) {
            jobs[id]?.phase = .finalizing
            record(id, "all tiles done; \(step.title)")
            actions.append(.finalize(id, step))
            return
        }
        writeFinalRecords(id, finalization: nil)
    }

    /// Names of finished tiles (skipped ones included) in tile order, for finished.json.
    func finishedNames(of job: HeadJob) -> [String] {
        job.finished.sorted().map(job.tileName(ofPosition:))
    }

    mutating func writeFinalRecords(_ id: JobID, finalization: JobFinalization.Outcome?) {
        guard let job = jobs[id], job.isOpen else { return }
        var failed = job.failures.sorted { $0.key < $1.key }.map { position, info in
            FailedTile(
                name: job.tileName(ofPosition: position), index: job.tileIndex(ofPosition: position),
                attempts: Int(info.attempts), error: info.error, quarantined: info.quarantined)
        }
        var lines: [String] = []
        switch finalization {
        case .done(let outputs, let images)?:
            lines += outputs
            noteDashboardQuicklooks(id, images)
        case .failed(let error)?:
            lines.append("final step failed: \(error)")
            log(.error, "job's final step failed", ["job": "\(id)", "error": "\(error)"])
            failed.append(
                FailedTile(name: "final-step", index: UInt32.max, attempts: 1, error: error, quarantined: false))
            jobs[id]?.finalizationFailed = true
        case nil:
            break
        }
        let ended = now.unixMs
        jobs[id]?.phase = .writingRecords(at: ended)
        guard let job = jobs[id] else { return }
        lines.append(
            "job \(job.cancelled ? "cancelled" : "finished"): \(job.done) done, \(job.failedCount) failed, \(job.quarantinedCount) quarantined"
        )
        actions.append(
            .writeFinalRecords(
                id,
                FinalRecords(
                    finished: finishedNames(of: job), failed: failed, report: report(for: job, endedUnixMs: ended),
                    logLines: lines)))
    }

    mutating func finalRecordsWritten(_ id: JobID, error: String?) {
        guard let job = jobs[id], case .writingRecords(let ended) = job.phase else { return }
        if let error { log(.error, "could not write the job's records", ["job": "\(id)", "error": "\(error)"]) }
        jobs[id]?.phase = .finished(at: ended)
        actions.append(.journal(.jobFinished(job: id, finishedUnixMs: ended)))
        scheduler.forgetTiles(of: id)
        jobs[id]?.dropFinishedList()
        if let finishedJob = jobs[id] { noteDashboardJobEnded(finishedJob, atUnixMs: now.unixMs) }
        log(
            .info, "job finished",
            [
                "job": "\(id)", "done": "\(job.done)", "failed": "\(job.failedCount)",
                "quarantined": "\(job.quarantinedCount)",
            ])
        guard let finished = jobs[id] else { return }
        let summary = summary(of: finished)
        for (connection, record) in connections.sorted(by: { $0.key < $1.key })
        where record.watching.contains(id) || record.awaitingEnd.contains(id) {
            send(.jobStatus(Wire.JobStatus(jobs: [summary])), to: connection)
            connections[connection]?.watching.remove(id)
            connections[connection]?.awaitingEnd.remove(id)
        }
        forgetOldFinishedJobs()
    }

    /// Keeps the newest `keepFinishedJobs` finished jobs, as the journal does across a restart
    /// (and `jobOrder`, which every input walks, as short).
    mutating func forgetOldFinishedJobs() {
        let finished = jobOrder.filter { jobs[$0]?.finishedUnixMs != nil }
        let forgotten = Set(finished.dropLast(config.keepFinishedJobs))
        guard !forgotten.isEmpty else { return }
        for id in forgotten { jobs[id] = nil }
        jobOrder.removeAll { forgotten.contains($0) }
    }

    /// pipeline-report.json for a job that ended at `endedUnixMs`.
    func report(for job: HeadJob, endedUnixMs: UInt64) -> JobReport {
        let start = Date(timeIntervalSince1970: Double(job.submittedUnixMs) / 1000)
        let end = Date(timeIntervalSince1970: Double(endedUnixMs) / 1000)
        let counters = counters(of: job)
        return JobReport(
            configParameters: job.spec.reportValue,
            pipelineExecutionStats: .init(
                pipeline: job.spec.pipeline.rawValue, name: job.spec.name, pipelineID: "\(job.id)",
                startTime: JobReport.timestamp(start), endTime: JobReport.timestamp(end),
                elapsedTime: end.timeIntervalSince(start), state: job.cancelled ? "cancelled" : "finished"),
            tiles: .init(
                total: job.tileCount, done: job.done, failed: job.failedCount, quarantined: job.quarantinedCount,
                skipped: job.skipped, retries: counters.retries),
            tileDurations: job.durations.stats,
            workers: .init(tiles: job.tilesByWorker),
            scheduler: .init(
                steals: counters.steals, tilesStolen: counters.tilesStolen, backupsLaunched: counters.backupsLaunched,
                duplicateResults: counters.duplicateResults, workersLost: counters.workersLost,
                reissuedAfterLoss: counters.reissuedAfterLoss),
            failedTiles: [],
            versions: ["grow": GrowVersion.current],
            instanceInfo: .init(host: config.hostName))
    }
}
