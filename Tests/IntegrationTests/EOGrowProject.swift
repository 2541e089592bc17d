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

    /// `NdviPipeline`: per patch, reads the scene's window (rasterio), saves NDVI and its mean
    /// in an EOPatch; then, once, in the driver, a summary of all means (eo-grow's step after
    /// the executions). `BandsMeanPipeline`: loads BANDS of each EOPatch (grow's import writes
    /// them) and saves their per-band mean (of valid pixels): a plain eo-grow pipeline over another's output.
    static let module = #"""
        import json
        import time
        from typing import List

        import fs.path
        import numpy as np
        import rasterio
        import rasterio.windows
        from eolearn.core import (
            EOPatch, EOTask, EOWorkflow, FeatureType, LoadTask, OverwritePermission, SaveTask, linearly_connect_tasks,
        )
        from pydantic import Field

        from eogrow.core.pipeline import Pipeline


        class NdviTask(EOTask):
            def __init__(self, scene, delay, fail_patches):
                self.scene = scene
                self.delay = delay
                self.fail_patches = set(fail_patches)

            def execute(self, *, bbox, name):
                time.sleep(self.delay)
                if name in self.fail_patches:
                    raise ValueError(f"no NDVI for {name}")
                with rasterio.open(self.scene) as source:
                    window = rasterio.windows.from_bounds(*bbox, transform=source.transform)
                    window = window.round_offsets().round_lengths()
                    bands = source.read(window=window, boundless=True, fill_value=0).astype(np.float32)
                red, nir = bands[2], bands[3]
                total = nir + red
                ndvi = np.where(total > 0, (nir - red) / np.where(total > 0, total, 1), 0).astype(np.float32)
                eopatch = EOPatch(bbox=bbox)
                eopatch.data_timeless["NDVI"] = ndvi[..., np.newaxis]
                eopatch.scalar_timeless["MEAN_NDVI"] = np.array([ndvi.mean()], dtype=np.float64)
                return eopatch


        class NdviPipeline(Pipeline):
            class Schema(Pipeline.Schema):
                tiff_file: str = Field(description="The scene, in the input_data folder")
                output_folder_key: str = Field(description="Where the EOPatches go")
                delay: float = Field(0.0, description="Seconds each execution sleeps first")
                fail_patches: List[str] = Field(default_factory=list, description="Patches whose execution raises")

            config: Schema

            def build_workflow(self):
                scene = fs.path.join(self.storage.get_folder("input_data", full_path=True), self.config.tiff_file)
                ndvi = NdviTask(scene, self.config.delay, self.config.fail_patches)
                save = SaveTask(
                    self.storage.get_folder(self.config.output_folder_key),
                    filesystem=self.storage.filesystem,
                    features=[(FeatureType.DATA_TIMELESS, "NDVI"), (FeatureType.SCALAR_TIMELESS, "MEAN_NDVI")],
                    overwrite_permission=OverwritePermission.OVERWRITE_FEATURES,
                )
                return EOWorkflow(linearly_connect_tasks(ndvi, save))

            def get_execution_arguments(self, workflow, patch_list):
                arguments = super().get_execution_arguments(workflow, patch_list)
                node = next(node for node in workflow.get_nodes() if isinstance(node.task, NdviTask))
                for name, bbox in patch_list:
                    arguments[name][node] = {"bbox": bbox, "name": name}
                return arguments

            def run_procedure(self):
                finished, failed = super().run_procedure()
                folder = self.storage.get_folder(self.config.output_folder_key)
                means = {}
                for name in sorted(finished):
                    patch = EOPatch.load(fs.path.join(folder, name), filesystem=self.storage.filesystem)
                    means[name] = float(patch.scalar_timeless["MEAN_NDVI"][0])
                with self.storage.filesystem.open(fs.path.join(folder, "summary.json"), "w") as file:
                    json.dump(means, file)
                return finished, failed


        class BandsMeanTask(EOTask):
            def execute(self, eopatch):
                bands = eopatch.data["BANDS"]
                pixels = bands.reshape(-1, bands.shape[-1]).astype(np.float64)
                eopatch.scalar_timeless["MEAN_BANDS"] = np.nanmean(pixels, axis=0)
                return eopatch


        class BandsMeanPipeline(Pipeline):
            class Schema(Pipeline.Schema):
                input_folder_key: str
                output_folder_key: str

            config: Schema

            def build_workflow(self):
                storage = self.storage
                load = LoadTask(
                    storage.get_folder(self.config.input_folder_key), filesystem=storage.filesystem,
                    features=[(FeatureType.DATA, "BANDS")],
                )
                save = SaveTask(
                    storage.get_folder(self.config.output_folder_key), filesystem=storage.filesystem,
                    features=[(FeatureType.SCALAR_TIMELESS, "MEAN_BANDS")],
                    overwrite_permission=OverwritePermission.OVERWRITE_FEATURES,
                )
                return EOWorkflow(linearly_connect_tasks(load, BandsMeanTask(), save))
        """#

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
        try Self.module.write(to: configs.appendingPathComponent("my_pipelines.py"), atomically: true, encoding: .utf8)
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

    /// The records folders in the project's logs: grow's (`*-eogrow-<job>`) and eo-grow's own
    /// (`<timestamp>-<PipelineName>-<id>`).
    func logFolders(containing text: String, project folder: String = "project") -> [URL] {
        let logs = directory.appendingPathComponent(folder).appendingPathComponent("logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        return names.filter { $0.contains(text) }.sorted().map { logs.appendingPathComponent($0) }
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
