import Dashboard
import Foundation
import GrowJob
import JobRecords
import Logging
import TileScheduler
import Wire

/// Everything the coordinator asks the shell to do. The shell sends and closes on the event
/// loop, appends to the journal (which writes on its own thread), and runs every blocking step
/// (folders, listings, records, final steps) off the loop; those come back as `HeadInput`s.
package enum HeadAction: Sendable {
    case send(Message, to: ConnectionID)
    case close(ConnectionID)
    case journal(JournalRecord)
    /// Make the job's records folder and look for existing outputs; answer `.jobPrepared`.
    case prepareJob(JobID, JobSpec, records: RecordsPlace)
    /// Open the records of a job the journal resumed (no answer; problems are logged).
    case reopenRecords(JobID, JobSpec, records: RecordsPlace)
    /// Append to the job's pipeline.log.
    case appendLog(JobID, [String], at: Date)
    /// Push every job's buffered log lines to its file (and its object-store copy).
    case flushLogs
    /// Run the job's final step; answer `.finalizationEnded`.
    case finalize(JobID, JobFinalization)
    /// Write finished.json, failed.json and pipeline-report.json; answer `.finalRecordsWritten`.
    case writeFinalRecords(JobID, FinalRecords)
    /// A line for the head's own log.
    case log(Logger.Level, String, Logger.Metadata)
    /// Call the node provider off the loop; answer `.autoscaler(…)`.
    case provider(ProviderCall)
    /// Hand the dashboard what it shows (tile states, jobs, workers); no answer.
    case dashboard([DashboardEvent])
}

/// Where a job's records live: a local folder, and for a project in object storage the prefix
/// they are copied to as the job runs.
package struct RecordsPlace: Sendable, Equatable {
    package var path: String
    /// The project folder and the key prefix under it (`logs/<run>`), for projects in S3.
    package var mirror: (project: ProjectLocation, prefix: String)?

    package init(path: String, mirror: (project: ProjectLocation, prefix: String)?) {
        self.path = path
        self.mirror = mirror
    }

    /// Where a user finds the records.
    package var location: String {
        mirror.map { $0.project.location(of: $0.prefix) } ?? path
    }

    package static func == (lhs: RecordsPlace, rhs: RecordsPlace) -> Bool {
        lhs.path == rhs.path && lhs.mirror?.project == rhs.mirror?.project && lhs.mirror?.prefix == rhs.mirror?.prefix
    }
}

/// A job's final records, complete.
package struct FinalRecords: Sendable, Equatable {
    package var finished: [String]
    package var failed: [FailedTile]
    package var report: JobReport
    /// Logged just before the files are written.
    package var logLines: [String]
}
