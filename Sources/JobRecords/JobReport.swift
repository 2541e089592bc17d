import Foundation
import GrowJob

/// The contents of `pipeline-report.json`: laid out like eo-grow's report (`config_parameters`,
/// `pipeline_execution_stats`) plus the cluster's own sections (tiles, durations, workers,
/// scheduler counters, failed tiles). Every field is filled by the head when a job ends.
package struct JobReport: Codable, Sendable, Equatable {
    /// The job spec as run (`JobSpec.reportValue`).
    package var configParameters: JSONValue
    package var pipelineExecutionStats: ExecutionStats
    package var tiles: TileCounts
    /// nil when no tile ran (all skipped, or cancelled before any finished).
    package var tileDurations: DurationStats?
    package var workers: WorkerCounts
    package var scheduler: SchedulerCounts
    package var failedTiles: [FailedTile]
    /// e.g. `["grow": "0.2.0"]`.
    package var versions: [String: String]
    package var instanceInfo: InstanceInfo

    package init(
        configParameters: JSONValue, pipelineExecutionStats: ExecutionStats, tiles: TileCounts,
        tileDurations: DurationStats?, workers: WorkerCounts, scheduler: SchedulerCounts, failedTiles: [FailedTile],
        versions: [String: String], instanceInfo: InstanceInfo
    ) {
        self.configParameters = configParameters
        self.pipelineExecutionStats = pipelineExecutionStats
        self.tiles = tiles
        self.tileDurations = tileDurations
        self.workers = workers
        self.scheduler = scheduler
        self.failedTiles = failedTiles
        self.versions = versions
        self.instanceInfo = instanceInfo
    }

    enum CodingKeys: String, CodingKey {
        case configParameters = "config_parameters"
        case pipelineExecutionStats = "pipeline_execution_stats"
        case tiles
        case tileDurations = "tile_durations"
        case workers, scheduler
        case failedTiles = "failed_tiles"
        case versions
        case instanceInfo = "instance_info"
    }

    /// eo-grow's `pipeline_execution_stats`, times as ISO 8601 UTC with milliseconds.
    package struct ExecutionStats: Codable, Sendable, Equatable {
        package var pipeline: String
        package var name: String
        package var pipelineID: String
        package var startTime: String
        package var endTime: String
        package var elapsedTime: Double
        /// `finished` or `cancelled`.
        package var state: String

        package init(
            pipeline: String, name: String, pipelineID: String, startTime: String, endTime: String,
            elapsedTime: Double, state: String
        ) {
            self.pipeline = pipeline
            self.name = name
            self.pipelineID = pipelineID
            self.startTime = startTime
            self.endTime = endTime
            self.elapsedTime = elapsedTime
            self.state = state
        }

        enum CodingKeys: String, CodingKey {
            case pipeline, name
            case pipelineID = "pipeline_id"
            case startTime = "start_time"
            case endTime = "end_time"
            case elapsedTime = "elapsed_time"
            case state
        }
    }

    package struct TileCounts: Codable, Sendable, Equatable {
        package var total: Int
        package var done: Int
        package var failed: Int
        package var quarantined: Int
        /// Not run because their output existed (`skip_existing`).
        package var skipped: Int
        /// Runs repeated after a retryable failure.
        package var retries: Int

        package init(total: Int, done: Int, failed: Int, quarantined: Int, skipped: Int, retries: Int) {
            self.total = total
            self.done = done
            self.failed = failed
            self.quarantined = quarantined
            self.skipped = skipped
            self.retries = retries
        }
    }

    package struct WorkerCounts: Codable, Sendable, Equatable {
        /// Tiles finished per worker id.
        package var tiles: [String: Int]

        package init(tiles: [String: Int]) { self.tiles = tiles }
    }

    /// What the scheduler did for this job, over its whole life (head restarts included).
    package struct SchedulerCounts: Codable, Sendable, Equatable {
        package var steals: Int
        package var tilesStolen: Int
        package var backupsLaunched: Int
        package var duplicateResults: Int
        /// Workers lost while they held tiles of this job.
        package var workersLost: Int
        /// Tiles sent back to the pool because their worker was lost, left or ran out of drain time.
        package var reissuedAfterLoss: Int

        package init(
            steals: Int, tilesStolen: Int, backupsLaunched: Int, duplicateResults: Int, workersLost: Int,
            reissuedAfterLoss: Int
        ) {
            self.steals = steals
            self.tilesStolen = tilesStolen
            self.backupsLaunched = backupsLaunched
            self.duplicateResults = duplicateResults
            self.workersLost = workersLost
            self.reissuedAfterLoss = reissuedAfterLoss
        }

        enum CodingKeys: String, CodingKey {
            case steals
            case tilesStolen = "tiles_stolen"
            case backupsLaunched = "backups_launched"
            case duplicateResults = "duplicate_results"
            case workersLost = "workers_lost"
            case reissuedAfterLoss = "reissued_after_loss"
        }
    }

    package struct InstanceInfo: Codable, Sendable, Equatable {
        package var host: String

        package init(host: String) { self.host = host }
    }

    /// ISO 8601 UTC with milliseconds.
    package static func timestamp(_ date: Date) -> String {
        UTCTime.iso8601(date)
    }
}
