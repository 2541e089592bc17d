import Foundation
import GrowBase

#if canImport(Glibc)
    import Glibc
#endif

/// A job: which pipeline runs on which tiles, with eo-grow's top-level keys where they mean the
/// same thing. Read from JSON with `parse(json:source:)`; the head ships `canonicalJSON()` to the
/// workers, which parse it back to the same value.
package struct JobSpec: Sendable, Equatable {
    /// `"name"`, default: the pipeline kind.
    package var name: String
    /// `"pipeline"`: `"command"`, `"noop"`, `"sleep"`, a native EO pipeline or `"eogrow"`.
    package var pipeline: PipelineKind
    /// `"tiles"`: a count, a grid or a list of names.
    package var tiles: TileSet
    /// `"command"`: argv template; required for `command`, forbidden otherwise.
    package var command: [String]
    /// `"environment"`: extra variables for command tiles (values are templates).
    package var environment: [String: String]
    /// `"sleep"`: required for `sleep`, forbidden otherwise.
    package var sleep: SleepDistribution?
    /// `"max_attempts"`: 1...100, default 3.
    package var maxAttempts: Int
    /// `"tile_timeout"` in seconds: a tile running longer is killed and fails (retryable).
    package var tileTimeoutSeconds: Double?
    /// `"storage": {"project_folder": ...}`: where the pipelines read and write, and where the
    /// job's records go (`logs/` under it).
    package var projectFolder: ProjectLocation?
    /// `"test_subset"`: run only these tiles (given as indices or names, kept as indices).
    package var testSubset: [UInt32]?
    /// `"skip_existing"`: tiles whose `output` file already exists are not run. Needs `output`.
    package var skipExisting: Bool
    /// `"output"`: path template of the file a tile produces (for `skip_existing`). A relative
    /// path is taken under `project_folder` when there is one.
    package var output: String?
    /// `"raise_on_failure"`: the job as a whole fails if any tile failed (default true, as in
    /// eo-grow): `run` and `submit --wait` exit 1, and a chain stops there.
    package var raiseOnFailure: Bool
    /// `"storage": {"structure": {"data": "data", ...}}`: folder keys the EO pipelines name
    /// (`input_folder_key`, `output_folder_key`), as paths under the project folder.
    package var structure: [String: String] = [:]
    /// `"storage"`'s object-store settings (endpoint, region, profile) for `s3://` folders.
    package var storageSettings = StorageSettings()
    /// The parameters of a native EO pipeline (nil for command, noop, sleep).
    package var eo: EOParameters?
    /// The top-level keys `eo` was read from, written back as they were by `canonicalJSON()`.
    var eoMembers: JSONObject = [:]
    /// `"eogrow"`: what the workers' eo-grow needs to run an execution (only for `eogrow`).
    package var eoGrow: EOGrowTask?

    package static let defaultMaxAttempts = 3
    package static let maxAttemptsRange = 1...100

    package init(
        name: String? = nil, pipeline: PipelineKind, tiles: TileSet, command: [String] = [],
        environment: [String: String] = [:], sleep: SleepDistribution? = nil,
        maxAttempts: Int = JobSpec.defaultMaxAttempts, tileTimeoutSeconds: Double? = nil,
        projectFolder: ProjectLocation? = nil, testSubset: [UInt32]? = nil, skipExisting: Bool = false,
        output: String? = nil, raiseOnFailure: Bool = true
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
    package var selectedTiles: [UInt32] {
        if let testSubset { return testSubset }
        return Array(0..<UInt32(tiles.count))
    }

    /// eo-grow's default folders, used when `storage.structure` does not name a key.
    package static let defaultStructure = ["input_data": "input-data", "cache": "cache", "logs": "logs"]

    /// The folder (relative to the project folder) a folder key names.
    package func folder(forKey key: String) -> String? {
        structure[key] ?? JobSpec.defaultStructure[key]
    }

    /// The `output` path of a tile (nil without `output`). `{attempt}` and `{work_dir}` are not
    /// allowed in `output`, so this is the same on the head and on every worker. For the EO
    /// pipelines it is the file that marks the tile's result complete (an EOPatch's
    /// `bbox.geojson`, written last; an exported map).
    package func outputPath(forTile index: UInt32, job: UInt32) -> String? {
        if let key = eoOutputKey(forTile: index), let projectFolder {
            return projectFolder.location(of: key)
        }
        guard let output, case .success(let template) = TileTemplate.parse(output) else { return nil }
        let coordinates = tiles.coordinates(of: index)
        let path = template.render(
            TileTemplate.Values(
                tile: tiles.name(of: index), index: index, x: coordinates?.x, y: coordinates?.y, attempt: 0,
                job: job, workDir: "", projectFolder: projectFolder?.description))
        if !path.hasPrefix("/"), case .local(let folder)? = projectFolder {
            return (folder as NSString).appendingPathComponent(path)
        }
        return path
    }

    /// Which selected tiles to run and which to skip (`skip_existing` and the output exists).
    /// `outputExists` gets each tile's `outputPath`.
    package func planTiles(job: UInt32, outputExists: (String) -> Bool) -> TilePlan {
        let selected = selectedTiles
        guard skipExisting, output != nil || eo != nil else { return TilePlan(run: selected, skipped: []) }
        var plan = TilePlan(run: [], skipped: [])
        for index in selected {
            if let files = eoOutputFiles(forTile: index), let projectFolder {
                // Every file eo-grow looks for, each under any of its names.
                let done = files.allSatisfy { names in names.contains { outputExists(projectFolder.location(of: $0)) } }
                if done { plan.skipped.append(index) } else { plan.run.append(index) }
            } else if let path = outputPath(forTile: index, job: job), outputExists(path) {
                plan.skipped.append(index)
            } else {
                plan.run.append(index)
            }
        }
        return plan
    }

}

/// The outcome of planning a job: the tiles to run and those skipped because their output exists.
package struct TilePlan: Sendable, Equatable {
    package var run: [UInt32]
    package var skipped: [UInt32]

    package init(run: [UInt32], skipped: [UInt32]) {
        self.run = run
        self.skipped = skipped
    }
}
