import TileScheduler

/// A job as the journal left it: its submission, the tiles that ended, and how it ended.
package struct RecoveredJob: Sendable, Equatable {
    package var job: UInt32
    package var name: String
    package var spec: String
    package var submittedUnixMs: UInt64
    package var recordsPath: String
    /// Indices of finished tiles, ascending, each once (however often it was journaled).
    package var finished: [UInt32]
    /// Tiles that failed for good: index → last error. A tile that also finished is only in
    /// `finished`; one that was also quarantined is only in `quarantined`.
    package var failed: [UInt32: String]
    /// The attempts each failed tile took (same keys as `failed`).
    package var failedAttempts: [UInt32: UInt32]
    /// Tiles quarantined as poison: index → reason. A tile that also finished is only in `finished`.
    package var quarantined: [UInt32: String]
    package var cancelledUnixMs: UInt64?
    package var finishedUnixMs: UInt64?
    /// Sum and maximum of the finished tiles' durations (each tile counted once).
    package var durationMicrosSum: UInt64
    package var durationMicrosMax: UInt64
    /// Finished tiles per worker name (each tile counted once, for the worker journaled first).
    package var tilesByWorker: [String: Int]
    /// Tiles not run because their output existed (skip_existing), ascending.
    package var skipped: [UInt32]
    /// The job's counters as last journaled.
    package var counters: JobCounters

    /// Finished or cancelled: no tile of it runs again.
    package var isDone: Bool { finishedUnixMs != nil || cancelledUnixMs != nil }

    package init(
        job: UInt32, name: String, spec: String, submittedUnixMs: UInt64, recordsPath: String,
        finished: [UInt32] = [], failed: [UInt32: String] = [:], failedAttempts: [UInt32: UInt32] = [:],
        quarantined: [UInt32: String] = [:], cancelledUnixMs: UInt64? = nil, finishedUnixMs: UInt64? = nil,
        durationMicrosSum: UInt64 = 0, durationMicrosMax: UInt64 = 0, tilesByWorker: [String: Int] = [:],
        skipped: [UInt32] = [], counters: JobCounters = JobCounters()
    ) {
        self.skipped = skipped
        self.counters = counters
        self.job = job
        self.name = name
        self.spec = spec
        self.submittedUnixMs = submittedUnixMs
        self.recordsPath = recordsPath
        self.finished = finished
        self.failed = failed
        self.failedAttempts = failedAttempts
        self.quarantined = quarantined
        self.cancelledUnixMs = cancelledUnixMs
        self.finishedUnixMs = finishedUnixMs
        self.durationMicrosSum = durationMicrosSum
        self.durationMicrosMax = durationMicrosMax
        self.tilesByWorker = tilesByWorker
    }
}

/// What `Journal.open` recovered.
package struct JournalState: Sendable, Equatable {
    /// Jobs in submission order (ascending job id), finished ones included up to the journal's
    /// `keepFinishedJobs`.
    package var jobs: [RecoveredJob]
    /// The next job id to hand out: above every id the journal has seen, including jobs that
    /// compaction has since dropped. 1 for a new journal.
    package var nextJobID: UInt32
    /// Bytes after the last good record that were dropped (a torn or corrupt tail); 0 normally.
    package var droppedTailBytes: Int
    /// Records read from the file (before compaction).
    package var replayedRecords: Int
    /// The file's size before compaction (0 for a new journal).
    package var bytesBeforeCompaction: Int

    package init(
        jobs: [RecoveredJob] = [], nextJobID: UInt32 = 1, droppedTailBytes: Int = 0, replayedRecords: Int = 0,
        bytesBeforeCompaction: Int = 0
    ) {
        self.jobs = jobs
        self.nextJobID = nextJobID
        self.droppedTailBytes = droppedTailBytes
        self.replayedRecords = replayedRecords
        self.bytesBeforeCompaction = bytesBeforeCompaction
    }
}
