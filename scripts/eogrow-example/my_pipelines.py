"""Custom eo-grow pipelines, as a user's project has them: grow's tests and benchmark run them
through grow's eo-grow bridge and through eo-grow itself (see docs/eogrow.md).

NdviPipeline: per patch, reads the scene's window (rasterio), saves NDVI and its mean in an
EOPatch; then, once, where eo-grow runs the pipeline, a summary of all means (a step after the
executions). BandsMeanPipeline: loads BANDS of each EOPatch (grow's import writes them) and saves
their per-band mean of valid pixels: a plain eo-grow pipeline over another pipeline's output.
"""

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
