import Foundation

/// A job: which pipeline runs on which tiles, with eo-grow's top-level keys where they mean the
/// same thing. Read from JSON with `parse(json:source:)`; the head ships `canonicalJSON()` to the
/// workers, which parse it back to the same value.
public struct JobSpec: Sendable, Equatable {
    /// `"name"`, default: the pipeline kind.
    public var name: String
    /// `"pipeline"`: `"command"`, `"noop"` or `"sleep"`.
    public var pipeline: PipelineKind
    /// `"tiles"`: a count, a grid or a list of names.
    public var tiles: TileSet
    /// `"command"`: argv template; required for `command`, forbidden otherwise.
    public var command: [String]
    /// `"environment"`: extra variables for command tiles (values are templates).
    public var environment: [String: String]
    /// `"sleep"`: required for `sleep`, forbidden otherwise.
    public var sleep: SleepDistribution?
    /// `"max_attempts"`: 1...100, default 3.
    public var maxAttempts: Int
    /// `"tile_timeout"` in seconds: a tile running longer is killed and fails (retryable).
    public var tileTimeoutSeconds: Double?
    /// `"storage": {"project_folder": ...}`: where the job's records go (`logs/` under it).
    public var projectFolder: String?
    /// `"test_subset"`: run only these tiles (given as indices or names, kept as indices).
    public var testSubset: [UInt32]?
    /// `"skip_existing"`: tiles whose `output` file already exists are not run. Needs `output`.
    public var skipExisting: Bool
    /// `"output"`: path template of the file a tile produces (for `skip_existing`). A relative
    /// path is taken under `project_folder` when there is one.
    public var output: String?
    /// `"raise_on_failure"`: the job as a whole fails if any tile failed (default false).
    public var raiseOnFailure: Bool
    /// `"storage": {"structure": {"data": "data", ...}}`: folder keys the EO pipelines name
    /// (`input_folder_key`, `output_folder_key`), as paths under the project folder.
    public var structure: [String: String] = [:]
    /// `"storage"`'s object-store settings (endpoint, region, profile) for `s3://` folders.
    public var storageSettings = StorageSettings()
    /// The parameters of a native EO pipeline (nil for command, noop, sleep).
    public var eo: EOParameters?
    /// The top-level keys `eo` was read from, written back as they were by `canonicalJSON()`.
    var eoMembers: [String: JSONValue] = [:]

    public static let defaultMaxAttempts = 3
    public static let maxAttemptsRange = 1...100

    public init(
        name: String? = nil, pipeline: PipelineKind, tiles: TileSet, command: [String] = [],
        environment: [String: String] = [:], sleep: SleepDistribution? = nil,
        maxAttempts: Int = JobSpec.defaultMaxAttempts, tileTimeoutSeconds: Double? = nil,
        projectFolder: String? = nil, testSubset: [UInt32]? = nil, skipExisting: Bool = false,
        output: String? = nil, raiseOnFailure: Bool = false
    ) {
        self.name = name ?? pipeline.rawValue
        self.pipeline = pipeline
        self.tiles = tiles
        self.command = command
        self.environment = environment
        self.sleep = sleep
        self.maxAttempts = maxAttempts
        self.tileTimeoutSeconds = tileTimeoutSeconds
        self.projectFolder = projectFolder
        self.testSubset = testSubset
        self.skipExisting = skipExisting
        self.output = output
        self.raiseOnFailure = raiseOnFailure
    }

    /// The indices to run: `test_subset` when given, else every tile.
    public var selectedTiles: [UInt32] {
        if let testSubset { return testSubset }
        return Array(0..<UInt32(tiles.count))
    }

    /// eo-grow's default folders, used when `storage.structure` does not name a key.
    public static let defaultStructure = ["input_data": "input-data", "cache": "cache", "logs": "logs"]

    /// The folder (relative to the project folder) a folder key names.
    public func folder(forKey key: String) -> String? {
        structure[key] ?? JobSpec.defaultStructure[key]
    }

    /// The `output` path of a tile (nil without `output`). `{attempt}` and `{work_dir}` are not
    /// allowed in `output`, so this is the same on the head and on every worker. For the EO
    /// pipelines it is the file that marks the tile's result complete (an EOPatch's
    /// `bbox.geojson`, written last; an exported map).
    public func outputPath(forTile index: UInt32, job: UInt32) -> String? {
        if let key = eoOutputKey(forTile: index), let projectFolder {
            return projectFolder.hasSuffix("/") ? projectFolder + key : projectFolder + "/" + key
        }
        guard let output, case .success(let template) = TileTemplate.parse(output) else { return nil }
        let coordinates = tiles.coordinates(of: index)
        let path = template.render(
            TileTemplate.Values(
                tile: tiles.name(of: index), index: index, x: coordinates?.x, y: coordinates?.y, attempt: 0,
                job: job, workDir: "", projectFolder: projectFolder))
        if !path.hasPrefix("/"), let projectFolder, !projectFolder.contains("://") {
            return (projectFolder as NSString).appendingPathComponent(path)
        }
        return path
    }

    /// Which selected tiles to run and which to skip (`skip_existing` and the output exists).
    /// `outputExists` defaults to a local file check; an `s3://` path is never seen as existing
    /// by the default check.
    public func planTiles(job: UInt32, outputExists: (String) -> Bool = JobSpec.localFileExists) -> TilePlan {
        let selected = selectedTiles
        guard skipExisting, output != nil || eo != nil else { return TilePlan(run: selected, skipped: []) }
        var plan = TilePlan(run: [], skipped: [])
        for index in selected {
            if let path = outputPath(forTile: index, job: job), outputExists(path) {
                plan.skipped.append(index)
            } else {
                plan.run.append(index)
            }
        }
        return plan
    }

    public static func localFileExists(_ path: String) -> Bool {
        guard !path.contains("://") else { return false }
        var info = stat()
        return stat(path, &info) == 0
    }
}

/// The outcome of planning a job: the tiles to run and those skipped because their output exists.
public struct TilePlan: Sendable, Equatable {
    public var run: [UInt32]
    public var skipped: [UInt32]

    public init(run: [UInt32], skipped: [UInt32]) {
        self.run = run
        self.skipped = skipped
    }
}
