import Foundation
import GrowJob

/// The contents of `pipeline-report.json`: plain values the head fills in, laid out in the file
/// like eo-grow's report (`config_parameters`, `pipeline_execution_stats`, ...) plus the cluster's
/// own sections (tiles, durations, workers, scheduler counters, failed tiles).
package struct JobReport: Codable, Sendable, Equatable {
    package var pipeline: String
    package var name: String
    package var jobID: String
    /// ISO 8601 UTC, e.g. `2024-05-01T12:30:05.123Z` (see `JobReport.timestamp`).
    package var startTime: String
    package var endTime: String?
    package var elapsedSeconds: Double?
    /// `running`, `finished`, `failed` or `cancelled` (free text; the head decides).
    package var state: String
    /// The job spec as run (`JobSpec.canonicalValue`).
    package var config: JSONValue?

    package var tilesTotal = 0
    package var tilesDone = 0
    package var tilesFailed = 0
    package var tilesQuarantined = 0
    package var tilesSkipped = 0
    package var retries = 0
    /// `[k]`: tiles that finished on attempt k + 1.
    package var attemptsHistogram: [Int]?
    package var tileDurations: DurationStats?

    /// Tiles finished per worker id.
    package var tilesPerWorker: [String: Int] = [:]
    /// Times each worker was lost (heartbeat timeout or dropped connection).
    package var lostPerWorker: [String: Int] = [:]

    package var steals = 0
    package var tilesStolen = 0
    package var backupsLaunched = 0
    package var duplicateResults = 0
    package var workersLost = 0
    /// Tiles sent back to the pool because their worker was lost, left or ran out of drain time.
    package var reissuedAfterLoss = 0

    /// Filled by `JobRecords.writeFinal` from its `failed` list when left empty.
    package var failedTiles: [FailedTile] = []
    /// e.g. `["grow": "0.1.0", "swift": "6.3.1"]`.
    package var versions: [String: String] = [:]
    package var host: String?

    package init(
        pipeline: String, name: String, jobID: String, startTime: String, endTime: String? = nil,
        elapsedSeconds: Double? = nil, state: String = "running", config: JSONValue? = nil
    ) {
        self.pipeline = pipeline
        self.name = name
        self.jobID = jobID
        self.startTime = startTime
        self.endTime = endTime
        self.elapsedSeconds = elapsedSeconds
        self.state = state
        self.config = config
    }

    /// ISO 8601 UTC with milliseconds.
    package static func timestamp(_ date: Date) -> String {
        UTCTime.iso8601(date)
    }

    private enum Key: String, CodingKey {
        case configParameters = "config_parameters"
        case executionStats = "pipeline_execution_stats"
        case tiles
        case tileDurations = "tile_durations"
        case workers
        case scheduler
        case failedTiles = "failed_tiles"
        case versions
        case instanceInfo = "instance_info"
        // pipeline_execution_stats
        case pipeline, name
        case pipelineID = "pipeline_id"
        case startTime = "start_time"
        case endTime = "end_time"
        case elapsedTime = "elapsed_time"
        case state
        // tiles
        case total, done, failed, quarantined, skipped, retries
        case attemptsHistogram = "attempts_histogram"
        // workers
        case lost
        // scheduler
        case steals
        case tilesStolen = "tiles_stolen"
        case backupsLaunched = "backups_launched"
        case duplicateResults = "duplicate_results"
        case workersLost = "workers_lost"
        case reissuedAfterLoss = "reissued_after_loss"
        // instance_info
        case host
    }

    package func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Key.self)
        try top.encode(config ?? .null, forKey: .configParameters)

        var stats = top.nestedContainer(keyedBy: Key.self, forKey: .executionStats)
        try stats.encode(pipeline, forKey: .pipeline)
        try stats.encode(name, forKey: .name)
        try stats.encode(jobID, forKey: .pipelineID)
        try stats.encode(startTime, forKey: .startTime)
        try stats.encode(endTime, forKey: .endTime)
        try stats.encode(elapsedSeconds, forKey: .elapsedTime)
        try stats.encode(state, forKey: .state)

        var tiles = top.nestedContainer(keyedBy: Key.self, forKey: .tiles)
        try tiles.encode(tilesTotal, forKey: .total)
        try tiles.encode(tilesDone, forKey: .done)
        try tiles.encode(tilesFailed, forKey: .failed)
        try tiles.encode(tilesQuarantined, forKey: .quarantined)
        try tiles.encode(tilesSkipped, forKey: .skipped)
        try tiles.encode(retries, forKey: .retries)
        try tiles.encode(attemptsHistogram, forKey: .attemptsHistogram)

        try top.encode(tileDurations, forKey: .tileDurations)

        var workers = top.nestedContainer(keyedBy: Key.self, forKey: .workers)
        try workers.encode(tilesPerWorker, forKey: .tiles)
        try workers.encode(lostPerWorker, forKey: .lost)

        var scheduler = top.nestedContainer(keyedBy: Key.self, forKey: .scheduler)
        try scheduler.encode(steals, forKey: .steals)
        try scheduler.encode(tilesStolen, forKey: .tilesStolen)
        try scheduler.encode(backupsLaunched, forKey: .backupsLaunched)
        try scheduler.encode(duplicateResults, forKey: .duplicateResults)
        try scheduler.encode(workersLost, forKey: .workersLost)
        try scheduler.encode(reissuedAfterLoss, forKey: .reissuedAfterLoss)

        try top.encode(failedTiles, forKey: .failedTiles)
        try top.encode(versions, forKey: .versions)
        var instance = top.nestedContainer(keyedBy: Key.self, forKey: .instanceInfo)
        try instance.encode(host, forKey: .host)
    }

    package init(from decoder: any Decoder) throws {
        let top = try decoder.container(keyedBy: Key.self)
        let configValue = try top.decodeIfPresent(JSONValue.self, forKey: .configParameters)
        config = configValue == .null ? nil : configValue

        let stats = try top.nestedContainer(keyedBy: Key.self, forKey: .executionStats)
        pipeline = try stats.decode(String.self, forKey: .pipeline)
        name = try stats.decode(String.self, forKey: .name)
        jobID = try stats.decode(String.self, forKey: .pipelineID)
        startTime = try stats.decode(String.self, forKey: .startTime)
        endTime = try stats.decodeIfPresent(String.self, forKey: .endTime)
        elapsedSeconds = try stats.decodeIfPresent(Double.self, forKey: .elapsedTime)
        state = try stats.decode(String.self, forKey: .state)

        let tiles = try top.nestedContainer(keyedBy: Key.self, forKey: .tiles)
        tilesTotal = try tiles.decode(Int.self, forKey: .total)
        tilesDone = try tiles.decode(Int.self, forKey: .done)
        tilesFailed = try tiles.decode(Int.self, forKey: .failed)
        tilesQuarantined = try tiles.decode(Int.self, forKey: .quarantined)
        tilesSkipped = try tiles.decode(Int.self, forKey: .skipped)
        retries = try tiles.decode(Int.self, forKey: .retries)
        attemptsHistogram = try tiles.decodeIfPresent([Int].self, forKey: .attemptsHistogram)

        tileDurations = try top.decodeIfPresent(DurationStats.self, forKey: .tileDurations)

        let workers = try top.nestedContainer(keyedBy: Key.self, forKey: .workers)
        tilesPerWorker = try workers.decode([String: Int].self, forKey: .tiles)
        lostPerWorker = try workers.decode([String: Int].self, forKey: .lost)

        let scheduler = try top.nestedContainer(keyedBy: Key.self, forKey: .scheduler)
        steals = try scheduler.decode(Int.self, forKey: .steals)
        tilesStolen = try scheduler.decode(Int.self, forKey: .tilesStolen)
        backupsLaunched = try scheduler.decode(Int.self, forKey: .backupsLaunched)
        duplicateResults = try scheduler.decode(Int.self, forKey: .duplicateResults)
        workersLost = try scheduler.decode(Int.self, forKey: .workersLost)
        reissuedAfterLoss = try scheduler.decodeIfPresent(Int.self, forKey: .reissuedAfterLoss) ?? 0

        failedTiles = try top.decodeIfPresent([FailedTile].self, forKey: .failedTiles) ?? []
        versions = try top.decodeIfPresent([String: String].self, forKey: .versions) ?? [:]
        let instance = try top.nestedContainerIfPresent(keyedBy: Key.self, forKey: .instanceInfo)
        host = try instance?.decodeIfPresent(String.self, forKey: .host)
    }
}

extension KeyedDecodingContainer {
    fileprivate func nestedContainerIfPresent<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key)
        throws -> KeyedDecodingContainer<NestedKey>?
    {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try nestedContainer(keyedBy: type, forKey: key)
    }
}
