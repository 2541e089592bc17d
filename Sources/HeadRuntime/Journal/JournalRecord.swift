import TileScheduler
import Wire

/// One fact the head journals. The journal keeps these (fsync'd in batches) so a restarted head
/// knows its jobs and skips tiles that already finished; see `Journal` for the file format.
package enum JournalRecord: Sendable, Equatable {
    case jobSubmitted(job: UInt32, name: String, spec: String, submittedUnixMs: UInt64, recordsPath: String)
    case tileFinished(job: UInt32, index: UInt32, attempt: UInt32, durationMicros: UInt64, worker: String)
    case tileFailed(job: UInt32, index: UInt32, attempts: UInt32, error: String)
    case tileQuarantined(job: UInt32, index: UInt32, reason: String)
    case jobCancelled(job: UInt32, atUnixMs: UInt64)
    case jobFinished(job: UInt32, finishedUnixMs: UInt64)
    /// Tiles not run because their output existed when the job was submitted (skip_existing).
    case tilesSkipped(job: UInt32, indices: [UInt32])
    /// The job's counters so far (totals, not increments): the last one wins.
    case jobCounters(job: UInt32, counters: JobCounters)

    /// The job the record belongs to.
    package var job: UInt32 {
        switch self {
        case .jobSubmitted(let job, _, _, _, _), .tileFinished(let job, _, _, _, _), .tileFailed(let job, _, _, _),
            .tileQuarantined(let job, _, _), .jobCancelled(let job, _), .jobFinished(let job, _),
            .tilesSkipped(let job, _), .jobCounters(let job, _):
            return job
        }
    }
}

/// What a record body can hold: the head's records, and two kinds only compaction writes.
enum StoredRecord: Equatable {
    case record(JournalRecord)
    /// The next job id to hand out, so ids are not reused after compaction drops old jobs.
    case checkpoint(nextJobID: UInt32)
    /// A job's finished tiles in one record (compaction's stand-in for its tileFinished records).
    case jobSummary(JobSummary)
}

/// The finished tiles of one job, as compaction writes them: the indices as sorted runs, and the
/// totals the final report needs.
struct JobSummary: Equatable {
    var job: UInt32
    /// Sorted, non-overlapping, non-adjacent runs of finished tile indices.
    var runs: [ClosedRange<UInt32>]
    var durationMicrosSum: UInt64
    var durationMicrosMax: UInt64
    /// Sorted by worker so equal summaries encode to equal bytes.
    var tilesByWorker: [(worker: String, count: Int)]

    static func == (lhs: JobSummary, rhs: JobSummary) -> Bool {
        lhs.job == rhs.job && lhs.runs == rhs.runs && lhs.durationMicrosSum == rhs.durationMicrosSum
            && lhs.durationMicrosMax == rhs.durationMicrosMax
            && lhs.tilesByWorker.elementsEqual(rhs.tilesByWorker) { $0.worker == $1.worker && $0.count == $1.count }
    }

    /// Each run as the gap after the previous run's end and its length less one.
    static func writeRuns(_ runs: [ClosedRange<UInt32>], to writer: inout WireWriter) {
        writer.writeVarint(UInt64(runs.count))
        var next: UInt64 = 0
        for run in runs {
            writer.writeVarint(UInt64(run.lowerBound) - next)
            writer.writeVarint(run.upperBound - run.lowerBound)
            next = UInt64(run.upperBound) + 1
        }
    }

    static func readRuns(_ reader: inout WireReader) throws(WireError) -> [ClosedRange<UInt32>] {
        let runCount = try reader.varint("run count")
        guard runCount <= UInt64(reader.remaining) else { throw .truncatedMessage("run count") }
        var runs: [ClosedRange<UInt32>] = []
        runs.reserveCapacity(Int(runCount))
        var next: UInt64 = 0
        for _ in 0..<runCount {
            let (lower, overflowLower) = next.addingReportingOverflow(try reader.varint("run gap"))
            let (upper, overflowUpper) = lower.addingReportingOverflow(try reader.varint("run length"))
            guard !overflowLower, !overflowUpper, upper <= UInt64(UInt32.max) else {
                throw .valueOutOfRange("finished run")
            }
            runs.append(UInt32(lower)...UInt32(upper))
            next = upper + 1
        }
        return runs
    }

    /// Runs covering `indices` (any order, no duplicates needed).
    static func runs(of indices: some Sequence<UInt32>) -> [ClosedRange<UInt32>] {
        var runs: [ClosedRange<UInt32>] = []
        for index in indices.sorted() {
            if let last = runs.last, last.upperBound != .max, index <= last.upperBound + 1 {
                if index > last.upperBound { runs[runs.count - 1] = last.lowerBound...index }
            } else {
                runs.append(index...index)
            }
        }
        return runs
    }
}

/// Body kinds (the first byte of a body). 1–63 are the head's records, 64 and up compaction's.
enum RecordKind: UInt8 {
    case jobSubmitted = 1
    case tileFinished = 2
    case tileFailed = 3
    case tileQuarantined = 4
    case jobCancelled = 5
    case jobFinished = 6
    case tilesSkipped = 7
    case jobCounters = 8
    case checkpoint = 64
    case jobSummary = 65
}

extension JournalRecord {
    /// Writes the body: the kind byte, then the fields as varints and length-prefixed UTF-8.
    func encode(to writer: inout WireWriter) {
        switch self {
        case .jobSubmitted(let job, let name, let spec, let submittedUnixMs, let recordsPath):
            writer.bytes.append(RecordKind.jobSubmitted.rawValue)
            writer.writeVarint(job)
            writer.writeLengthPrefixedString(name)
            writer.writeLengthPrefixedString(spec)
            writer.writeVarint(submittedUnixMs)
            writer.writeLengthPrefixedString(recordsPath)
        case .tileFinished(let job, let index, let attempt, let durationMicros, let worker):
            writer.bytes.append(RecordKind.tileFinished.rawValue)
            writer.writeVarint(job)
            writer.writeVarint(index)
            writer.writeVarint(attempt)
            writer.writeVarint(durationMicros)
            writer.writeLengthPrefixedString(worker)
        case .tileFailed(let job, let index, let attempts, let error):
            writer.bytes.append(RecordKind.tileFailed.rawValue)
            writer.writeVarint(job)
            writer.writeVarint(index)
            writer.writeVarint(attempts)
            writer.writeLengthPrefixedString(error)
        case .tileQuarantined(let job, let index, let reason):
            writer.bytes.append(RecordKind.tileQuarantined.rawValue)
            writer.writeVarint(job)
            writer.writeVarint(index)
            writer.writeLengthPrefixedString(reason)
        case .jobCancelled(let job, let atUnixMs):
            writer.bytes.append(RecordKind.jobCancelled.rawValue)
            writer.writeVarint(job)
            writer.writeVarint(atUnixMs)
        case .jobFinished(let job, let finishedUnixMs):
            writer.bytes.append(RecordKind.jobFinished.rawValue)
            writer.writeVarint(job)
            writer.writeVarint(finishedUnixMs)
        case .tilesSkipped(let job, let indices):
            writer.bytes.append(RecordKind.tilesSkipped.rawValue)
            writer.writeVarint(job)
            JobSummary.writeRuns(JobSummary.runs(of: indices), to: &writer)
        case .jobCounters(let job, let counters):
            writer.bytes.append(RecordKind.jobCounters.rawValue)
            writer.writeVarint(job)
            for value in counters.journalFields { writer.writeVarint(UInt64(max(0, value))) }
        }
    }
}

extension StoredRecord {
    func encode(to writer: inout WireWriter) {
        switch self {
        case .record(let record):
            record.encode(to: &writer)
        case .checkpoint(let nextJobID):
            writer.bytes.append(RecordKind.checkpoint.rawValue)
            writer.writeVarint(nextJobID)
        case .jobSummary(let summary):
            writer.bytes.append(RecordKind.jobSummary.rawValue)
            writer.writeVarint(summary.job)
            writer.writeVarint(summary.durationMicrosSum)
            writer.writeVarint(summary.durationMicrosMax)
            writer.writeVarint(UInt64(summary.tilesByWorker.count))
            for (worker, count) in summary.tilesByWorker {
                writer.writeLengthPrefixedString(worker)
                writer.writeVarint(UInt64(count))
            }
            JobSummary.writeRuns(summary.runs, to: &writer)
        }
    }

    /// Reads a body. Bytes after the fields a kind defines are ignored, so a later version can
    /// append fields to a kind. Returns nil for a kind this build does not know.
    static func decode(_ reader: inout WireReader) throws(WireError) -> StoredRecord? {
        guard let kind = RecordKind(rawValue: try reader.uint8("record kind")) else { return nil }
        switch kind {
        case .jobSubmitted:
            return .record(
                .jobSubmitted(
                    job: try reader.uint32("job"), name: try reader.string("name"), spec: try reader.string("spec"),
                    submittedUnixMs: try reader.varint("submittedUnixMs"),
                    recordsPath: try reader.string("recordsPath")))
        case .tileFinished:
            return .record(
                .tileFinished(
                    job: try reader.uint32("job"), index: try reader.uint32("index"),
                    attempt: try reader.uint32("attempt"), durationMicros: try reader.varint("durationMicros"),
                    worker: try reader.string("worker")))
        case .tileFailed:
            return .record(
                .tileFailed(
                    job: try reader.uint32("job"), index: try reader.uint32("index"),
                    attempts: try reader.uint32("attempts"), error: try reader.string("error")))
        case .tileQuarantined:
            return .record(
                .tileQuarantined(
                    job: try reader.uint32("job"), index: try reader.uint32("index"),
                    reason: try reader.string("reason")))
        case .jobCancelled:
            return .record(.jobCancelled(job: try reader.uint32("job"), atUnixMs: try reader.varint("atUnixMs")))
        case .jobFinished:
            return .record(
                .jobFinished(job: try reader.uint32("job"), finishedUnixMs: try reader.varint("finishedUnixMs")))
        case .checkpoint:
            return .checkpoint(nextJobID: try reader.uint32("nextJobID"))
        case .jobSummary:
            let job = try reader.uint32("job")
            let sum = try reader.varint("durationMicrosSum")
            let max = try reader.varint("durationMicrosMax")
            let workerCount = try reader.varint("worker count")
            guard workerCount <= UInt64(reader.remaining) else { throw .truncatedMessage("worker count") }
            var workers: [(worker: String, count: Int)] = []
            workers.reserveCapacity(Int(workerCount))
            for _ in 0..<workerCount {
                let worker = try reader.string("worker")
                let count = try reader.varint("worker tiles")
                guard let narrowed = Int(exactly: count) else { throw .valueOutOfRange("worker tiles") }
                workers.append((worker, narrowed))
            }
            let runs = try JobSummary.readRuns(&reader)
            return .jobSummary(
                JobSummary(
                    job: job, runs: runs, durationMicrosSum: sum, durationMicrosMax: max, tilesByWorker: workers))
        case .tilesSkipped:
            let job = try reader.uint32("job")
            let runs = try JobSummary.readRuns(&reader)
            // A job has at most TileSet.maxCount tiles; a record claiming more is corrupt.
            guard runs.reduce(0, { $0 + $1.count }) <= 10_000_000 else { throw .valueOutOfRange("skipped tiles") }
            let indices = runs.flatMap { Array($0) }
            return .record(.tilesSkipped(job: job, indices: indices))
        case .jobCounters:
            let job = try reader.uint32("job")
            var fields: [Int] = []
            for _ in JobCounters().journalFields {
                guard let value = Int(exactly: try reader.varint("counter")) else { throw .valueOutOfRange("counter") }
                fields.append(value)
            }
            return .record(.jobCounters(job: job, counters: JobCounters(journalFields: fields)))
        }
    }
}

extension JobCounters {
    /// The counters in their journal order. New counters go at the end: an older record then
    /// reads as zeros for them.
    var journalFields: [Int] {
        [retries, reissuedAfterLoss, workersLost, steals, tilesStolen, backupsLaunched, duplicateResults, quarantined]
    }

    init(journalFields fields: [Int]) {
        func field(_ position: Int) -> Int { position < fields.count ? fields[position] : 0 }
        self.init(
            retries: field(0), reissuedAfterLoss: field(1), workersLost: field(2), steals: field(3),
            tilesStolen: field(4), backupsLaunched: field(5), duplicateResults: field(6), quarantined: field(7))
    }
}
