
import Foundation
import JobRecords
import TileScheduler
import TileScheduler

/// Fills eo-grow's pipeline-report.json from what the head knows about a finished job.
enum JobReportBuilder {
    static func report(for job: HeadJob, finishedUnixMs: UInt64, counters: SchedulerCounters, failed: [FailedTile])
        -> JobReport
    {
        let start = Date(timeIntervalSince1970: Double(job.submittedUnixMs) / 1000)
        let end = Date(timeIntervalSince1970: Double(finishedUnixMs) / 1000)
        var report = JobReport(
            pipeline: job.spec.pipeline.rawValue, name: job.spec.name, jobID: "\(job.id)",
            startTime: JobReport.timestamp(start), endTime: JobReport.timestamp(end),
            elapsedSeconds: end.timeIntervalSince(start), state: job.cancelled ? "cancelled" : "finished",
            config: job.spec.canonicalValue)
        report.tilesTotal = job.tileCount
        report.tilesDone = job.done
        report.tilesFailed = job.failedCount
        report.tilesQuarantined = job.quarantinedCount
        report.tilesSkipped = job.skipped
        report.retries = job.retries
        report.tileDurations = job.durations.stats
        report.tilesPerWorker = job.tilesByWorker
        report.steals = counters.steals
        report.tilesStolen = counters.tilesStolen
        report.backupsLaunched = counters.backupsLaunched
        report.duplicateResults = counters.duplicateResults
        report.workersLost = counters.workersLost
        report.reissuedAfterLoss = counters.reissuedAfterLoss
        report.failedTiles = failed
        report.host = ProcessInfo.processInfo.hostName
        return report
    }
}
