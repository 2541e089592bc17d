import TileScheduler
import Wire

/// Folds journal records into job state, and writes that state back as the few records that
/// still matter (compaction).
///
/// Applying a record is idempotent and, for a tile, order-independent: a tile's outcome only
/// moves up the order failed < quarantined < finished, and the first record of each outcome keeps
/// its details (error text, duration, worker). So at-least-once delivery, a record journaled twice,
/// or a replay of a replay all give the same state.
struct JournalReplay {
    struct Job {
        var job: UInt32
        var name: String
        var spec: String
        var submittedUnixMs: UInt64
        var recordsPath: String
        var finished: Set<UInt32> = []
        var failed: [UInt32: (attempts: UInt32, error: String)] = [:]
        var quarantined: [UInt32: String] = [:]
        var cancelledUnixMs: UInt64?
        var finishedUnixMs: UInt64?
        var durationMicrosSum: UInt64 = 0
        var durationMicrosMax: UInt64 = 0
        var tilesByWorker: [String: Int] = [:]
        var hasSummary = false
        var skipped: Set<UInt32> = []
        var counters = JobCounters()

        var isDone: Bool { finishedUnixMs != nil || cancelledUnixMs != nil }

        mutating func finish(_ index: UInt32, durationMicros: UInt64, worker: String) {
            guard finished.insert(index).inserted else { return }
            failed[index] = nil
            quarantined[index] = nil
            durationMicrosSum &+= durationMicros
            durationMicrosMax = max(durationMicrosMax, durationMicros)
            tilesByWorker[worker, default: 0] += 1
        }
    }

    private(set) var jobs: [UInt32: Job] = [:]
    private(set) var nextJobID: UInt32 = 1
    /// Tile or job records for a job never submitted (ignored).
    private(set) var orphanRecords = 0

    mutating func apply(_ stored: StoredRecord) {
        switch stored {
        case .checkpoint(let next):
            nextJobID = max(nextJobID, next)
        case .jobSummary(let summary):
            guard jobs[summary.job] != nil else {
                orphanRecords += 1
                return
            }
            withJob(summary.job) { job in
                // Compaction writes a summary right after the submission, before any tile record,
                // so it adds its totals once; a second copy of it changes nothing.
                guard !job.hasSummary else { return }
                job.hasSummary = true
                for run in summary.runs {
                    for index in run where job.finished.insert(index).inserted {
                        job.failed[index] = nil
                        job.quarantined[index] = nil
                    }
                }
                job.durationMicrosSum &+= summary.durationMicrosSum
                job.durationMicrosMax = max(job.durationMicrosMax, summary.durationMicrosMax)
                for (worker, count) in summary.tilesByWorker { job.tilesByWorker[worker, default: 0] += count }
            }
        case .record(let record):
            apply(record)
        }
    }

    mutating func apply(_ record: JournalRecord) {
        if case .jobSubmitted(let id, let name, let spec, let submittedUnixMs, let recordsPath) = record {
            nextJobID = max(nextJobID, id == .max ? .max : id + 1)
            if jobs[id] == nil {
                jobs[id] = Job(
                    job: id, name: name, spec: spec, submittedUnixMs: submittedUnixMs, recordsPath: recordsPath)
            }
            return
        }
        let id = record.job
        guard jobs[id] != nil else {
            orphanRecords += 1
            return
        }
        // Mutate in place (no copy of the job's sets).
        withJob(id) { job in
            switch record {
            case .jobSubmitted:
                break
            case .tileFinished(_, let index, _, let durationMicros, let worker):
                job.finish(index, durationMicros: durationMicros, worker: worker)
            case .tileFailed(_, let index, let attempts, let error):
                if !job.finished.contains(index), job.quarantined[index] == nil, job.failed[index] == nil {
                    job.failed[index] = (attempts, error)
                }
            case .tileQuarantined(_, let index, let reason):
                if !job.finished.contains(index), job.quarantined[index] == nil {
                    job.failed[index] = nil
                    job.quarantined[index] = reason
                }
            case .jobCancelled(_, let atUnixMs):
                if job.cancelledUnixMs == nil { job.cancelledUnixMs = atUnixMs }
            case .jobFinished(_, let finishedUnixMs):
                if job.finishedUnixMs == nil { job.finishedUnixMs = finishedUnixMs }
            case .tilesSkipped(_, let indices):
                job.skipped.formUnion(indices)
            case .jobCounters(_, let counters):
                // Totals that only grow: the largest of each survives reordering and repeats.
                let fields = zip(job.counters.journalFields, counters.journalFields).map { Swift.max($0, $1) }
                job.counters = JobCounters(journalFields: fields)
            }
        }
    }

    private mutating func withJob(_ id: UInt32, _ body: (inout Job) -> Void) {
        body(&jobs[id]!)
    }

    /// Drops all but the `keepFinishedJobs` most recent (highest id) finished or cancelled jobs.
    mutating func dropOldFinishedJobs(keeping keepFinishedJobs: Int) {
        let done = jobs.values.filter(\.isDone).map(\.job).sorted()
        for id in done.dropLast(max(0, keepFinishedJobs)) { jobs[id] = nil }
    }

    func state(droppedTailBytes: Int, replayedRecords: Int, bytesBeforeCompaction: Int) -> JournalState {
        let recovered = jobs.keys.sorted().map { id -> RecoveredJob in
            let job = jobs[id]!
            return RecoveredJob(
                job: id, name: job.name, spec: job.spec, submittedUnixMs: job.submittedUnixMs,
                recordsPath: job.recordsPath, finished: job.finished.sorted(),
                failed: job.failed.mapValues(\.error), failedAttempts: job.failed.mapValues(\.attempts),
                quarantined: job.quarantined, cancelledUnixMs: job.cancelledUnixMs, finishedUnixMs: job.finishedUnixMs,
                durationMicrosSum: job.durationMicrosSum, durationMicrosMax: job.durationMicrosMax,
                tilesByWorker: job.tilesByWorker, skipped: job.skipped.sorted(), counters: job.counters)
        }
        return JournalState(
            jobs: recovered, nextJobID: nextJobID, droppedTailBytes: droppedTailBytes, replayedRecords: replayedRecords,
            bytesBeforeCompaction: bytesBeforeCompaction)
    }

    /// The records that rebuild this state exactly: the next job id, then per job (ascending id)
    /// its submission, one summary of its finished tiles, its failed and quarantined tiles, and
    /// how it ended.
    func compactedRecords() -> [StoredRecord] {
        var records: [StoredRecord] = [.checkpoint(nextJobID: nextJobID)]
        for id in jobs.keys.sorted() {
            let job = jobs[id]!
            records.append(
                .record(
                    .jobSubmitted(
                        job: id, name: job.name, spec: job.spec, submittedUnixMs: job.submittedUnixMs,
                        recordsPath: job.recordsPath)))
            if !job.finished.isEmpty || !job.tilesByWorker.isEmpty || job.durationMicrosSum != 0 {
                records.append(
                    .jobSummary(
                        JobSummary(
                            job: id, runs: JobSummary.runs(of: job.finished), durationMicrosSum: job.durationMicrosSum,
                            durationMicrosMax: job.durationMicrosMax,
                            tilesByWorker: job.tilesByWorker.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
            }
            if !job.skipped.isEmpty { records.append(.record(.tilesSkipped(job: id, indices: job.skipped.sorted()))) }
            if job.counters != JobCounters() { records.append(.record(.jobCounters(job: id, counters: job.counters))) }
            for (index, failure) in job.failed.sorted(by: { $0.key < $1.key }) {
                records.append(
                    .record(.tileFailed(job: id, index: index, attempts: failure.attempts, error: failure.error)))
            }
            for (index, reason) in job.quarantined.sorted(by: { $0.key < $1.key }) {
                records.append(.record(.tileQuarantined(job: id, index: index, reason: reason)))
            }
            if let at = job.cancelledUnixMs { records.append(.record(.jobCancelled(job: id, atUnixMs: at))) }
            if let at = job.finishedUnixMs { records.append(.record(.jobFinished(job: id, finishedUnixMs: at))) }
        }
        return records
    }
}
