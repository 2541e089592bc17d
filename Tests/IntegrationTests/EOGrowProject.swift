import Foundation
import GrowTestSupport
import XCTest

/// An eo-grow user's project for the bridge's tests: custom pipeline classes in `my_pipelines.py`
/// next to the configs (not installed anywhere: grow finds them from the config's folder), and a
/// project folder with the sample scene and its footprint as the area of interest.
///
///     <directory>/configs/my_pipelines.py, *.json
///     <directory>/project/input-data/L7.tif, aoi.geojson
struct EOGrowProject {
    let directory: URL
    var configs: URL { directory.appendingPathComponent("configs") }
    var project: URL { directory.appendingPathComponent("project") }

    /// The custom pipelines (`NdviPipeline`, `BandsMeanPipeline`): scripts/eogrow-example.
    static var module: URL { PackagePaths.root.appendingPathComponent("scripts/eogrow-example/my_pipelines.py") }

    /// The managers' sections eo-grow requires, for a project at `${config_path}/../<folder>`.
    static func managers(project folder: String = "project", patchSize: Int = 1200) -> String {
        #"""
        "storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "${config_path}/../\#(folder)",
                    "structure": {"ndvi": "ndvi", "data": "data", "means": "means"}},
        "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson",
                 "patch": {"size_x": \#(patchSize), "size_y": \#(patchSize)}},
        "logging": {"manager": "eogrow.core.logging.LoggingManager", "save_logs": true}
        """#
    }

    init(in directory: URL) throws {
        self.directory = directory
        let input = project.appendingPathComponent("input-data")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        let scene = try sampleScene()
        try FileManager.default.copyItem(atPath: scene, toPath: input.appendingPathComponent("L7.tif").path)
        try writeFootprint(of: scene, to: input.appendingPathComponent("aoi.geojson").path)
        try FileManager.default.copyItem(at: Self.module, to: configs.appendingPathComponent("my_pipelines.py"))
    }

    func writeConfig(_ name: String, _ json: String) throws -> URL {
        let url = configs.appendingPathComponent(name)
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A copy of the project's input data for another project (eo-grow's reference run).
    func copyInput(to folder: String) throws {
        let target = directory.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: project.appendingPathComponent("input-data"), to: target.appendingPathComponent("input-data"))
    }

    /// The records folders in the project's logs whose name has `text`: grow's for the
    /// executions (`<time>-<PipelineName>-executions-<job>-<head>`) and eo-grow's own
    /// (`<timestamp>-<PipelineName>-<id>`), told apart by "-executions-".
    func logFolders(containing text: String, project folder: String = "project") -> [URL] {
        let logs = directory.appendingPathComponent(folder).appendingPathComponent("logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        let grows = text.contains("-executions-")
        return names.filter { $0.contains(text) && ($0.contains("-executions-") == grows) }.sorted().map {
            logs.appendingPathComponent($0)
        }
    }

    /// EOPatches written completely so far under `folder` (their last file is there).
    func completePatches(in folder: String, lastFile: String) -> Int {
        let root = project.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/\(lastFile)").path)
        }.count
    }

    static func readStrings(_ url: URL) throws -> [String] {
        guard let list = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String] else {
            throw HarnessError("\(url.path) is not a list of names")
        }
        return list
    }
}
