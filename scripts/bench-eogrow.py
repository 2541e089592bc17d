"""scripts/bench eogrow: the same eo-grow chains through grow and through eo-grow on a local Ray.

Run by scripts/bench with eo-grow's venv Python. For each case (a resolution and a patch size) it
makes a project from the Landsat-7 sample scene warped to that resolution, then runs eo-grow's own
configs for ImportTiff -> Features -> ExportMaps three times through each system, on fresh copies of
the project. eo-grow's import writes a single frame without timestamps, which its export cannot map,
so between import and features an untimed step turns each imported patch into a series of 4 dated
frames (what a download pipeline would have written):

- eo-grow: `eogrow CONFIG` against a Ray head started beforehand (`ray start --head`, not timed);
- grow: `grow-head submit CONFIG --wait` against a head and 2 workers started beforehand (not timed).

Both write gzip level 1 EOPatches (eo-learn's format). Per pipeline it records the command's wall
time and the pipeline's own elapsed time from its pipeline-report.json; the chain is the sum of the
wall times. Medians of 3; ratios eo-grow / grow. With --bridge it also runs a pipeline class grow does
not implement (a subclass of FeaturesPipeline in the project) through grow's Python bridge.
"""

import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

CASES = [
    {"name": "30m", "resolution": 30, "patch": 2400},
    {"name": "10m", "resolution": 10, "patch": 2400},
    {"name": "5m", "resolution": 5, "patch": 2400},
    {"name": "10m-small", "resolution": 10, "patch": 600},
]
PIPELINES = ["import", "features", "export"]

CONFIGS = {
    "global": {
        "storage": {"manager": "eogrow.core.storage.StorageManager", "project_folder": "${var:project}",
                    "structure": {"data": "data", "series": "series", "features": "features", "maps": "maps"}},
        "area": {"manager": "eogrow.core.area.UtmZoneAreaManager", "geometry_filename": "aoi.geojson",
                 "patch": {"size_x": "${var:patch}", "size_y": "${var:patch}"}},
        "logging": {"manager": "eogrow.core.logging.LoggingManager", "save_logs": True, "show_logs": False},
    },
    "import": {"pipeline": "eogrow.pipelines.import_tiff.ImportTiffPipeline", "output_folder_key": "data",
               "input_filename": "bands.tif", "output_feature": ["data", "BANDS"]},
    "features": {"pipeline": "eogrow.pipelines.features.FeaturesPipeline", "input_folder_key": "series",
                 "output_folder_key": "features", "bands_feature_name": "BANDS",
                 "data_preparation": {"valid_data_feature_name": "IS_DATA"},
                 "ndis": {"NDVI": [3, 2], "NDWI": [1, 3], "NDMI": [3, 4]}, "dtype": "float32",
                 "output_feature_name": "FEATURES"},
    "export": {"pipeline": "eogrow.pipelines.export_maps.ExportMapsPipeline", "input_folder_key": "features",
               "output_folder_key": "maps", "feature": ["data", "FEATURES"], "band_indices": [6],
               "map_name": "ndvi.tif", "map_dtype": "float32"},
    "bridge": {"pipeline": "bench_pipelines.BridgedFeatures", "input_folder_key": "series",
               "output_folder_key": "features", "bands_feature_name": "BANDS",
               "data_preparation": {"valid_data_feature_name": "IS_DATA"},
               "ndis": {"NDVI": [3, 2], "NDWI": [1, 3], "NDMI": [3, 4]}, "dtype": "float32",
               "output_feature_name": "FEATURES"},
}

BRIDGE_MODULE = '''from eogrow.pipelines.features import FeaturesPipeline


class BridgedFeatures(FeaturesPipeline):
    """FeaturesPipeline under a class path grow does not implement: grow runs it through eo-grow."""
'''


def make_series(project):
    """Each imported patch as 4 dated frames (the import's frame shifted a little per date), with a
    valid-data mask, in the `series` folder: the untimed step between import and features."""
    import datetime as dt
    import numpy as np
    from eolearn.core import EOPatch
    for name in os.listdir(os.path.join(project, "data")):
        imported = EOPatch.load(os.path.join(project, "data", name))
        bands = imported.data["BANDS"][0]
        times = [dt.datetime(2020, 6, 1) + dt.timedelta(days=15 * k) for k in range(4)]
        series = EOPatch(bbox=imported.bbox, timestamps=times)
        series.data["BANDS"] = np.stack([bands + np.uint16(10 * k) for k in range(4)])
        series.mask["IS_DATA"] = np.ones(series.data["BANDS"].shape[:3] + (1,), dtype=bool)
        series.save(os.path.join(project, "series", name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command, env=None, cwd=None):
    start = time.monotonic()
    result = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stdout[-2000:]}")
    return elapsed


def report_elapsed(project, before):
    """elapsed_time of the pipeline-report.json written since `before` (a set of log folders)."""
    logs = os.path.join(project, "logs")
    new = sorted(set(os.listdir(logs)) - before) if os.path.isdir(logs) else []
    for folder in reversed(new):
        path = os.path.join(logs, folder, "pipeline-report.json")
        if os.path.exists(path):
            return json.load(open(path))["pipeline_execution_stats"]["elapsed_time"]
    return None


def make_project(root, case, scene, bridge):
    base = os.path.join(root, f"base-{case['name']}")
    os.makedirs(os.path.join(base, "input-data"))
    subprocess.run(["gdalwarp", "-q", "-t_srs", "EPSG:32725", "-tr", str(case["resolution"]), str(case["resolution"]),
                    "-tap", "-ot", "UInt16", "-r", "bilinear", scene, os.path.join(base, "input-data", "bands.tif")],
                   check=True)
    subprocess.run(["gdaltindex", "-f", "GeoJSON", "-t_srs", "EPSG:4326",
                    os.path.join(base, "input-data", "aoi.geojson"), scene], check=True)
    configs = os.path.join(root, f"configs-{case['name']}")
    os.makedirs(configs)
    for name, config in CONFIGS.items():
        body = dict(config) if name == "global" else {"**global": "${config_path}/global.json", **config}
        if name == "global":
            body["area"] = dict(body["area"], patch={"size_x": case["patch"], "size_y": case["patch"]})
        json.dump(body, open(os.path.join(configs, f"{name}.json"), "w"), indent=1)
    if bridge:
        open(os.path.join(configs, "bench_pipelines.py"), "w").write(BRIDGE_MODULE)
    return base, configs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--grow-head", required=True)
    parser.add_argument("--grow-worker", required=True)
    parser.add_argument("--scene", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bridge", action="store_true")
    parser.add_argument("--cases", default=",".join(c["name"] for c in CASES))
    arguments = parser.parse_args()
    for name in ("grow_head", "grow_worker", "scene", "json"):
        setattr(arguments, name, os.path.abspath(getattr(arguments, name)))
    venv_bin = os.path.dirname(sys.executable)
    root = tempfile.mkdtemp(prefix="grow-bench-eogrow-")
    processes = []
    results = {"cases": {}}
    try:
        # Ray's head, as eogrow-ray users run it (started once, not timed).
        ray_env = dict(os.environ, RAY_AUTH_MODE="disabled", RAY_USAGE_STATS_ENABLED="0")
        ray_temp = os.path.join(root, "ray")
        run([os.path.join(venv_bin, "ray"), "start", "--head", "--num-cpus", str(os.cpu_count()),
             "--temp-dir", ray_temp, "--include-dashboard", "false"], env=ray_env)
        eogrow_env = dict(ray_env, RAY_ADDRESS="auto")
        # grow's head and 2 workers (started once, not timed).
        token = os.path.join(root, "token")
        run([arguments.grow_head, "token", token])
        port = free_port()
        state = os.path.join(root, "grow-state")
        processes.append(subprocess.Popen(
            [arguments.grow_head, "start", "--port", str(port), "--bind", "127.0.0.1", "--state-dir", state,
             "--token-file", token], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        address = ["--address", f"127.0.0.1:{port}", "--token-file", token]
        for worker in range(2):
            processes.append(subprocess.Popen(
                [arguments.grow_worker, *address, "--worker-id", f"w{worker}",
                 "--work-dir", os.path.join(root, f"work-{worker}"), "--slots", str(max(1, os.cpu_count() // 2))],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                env=dict(os.environ, GROW_EOGROW_PYTHON=sys.executable)))
        for _ in range(200):
            status = subprocess.run([arguments.grow_head, "status", *address], capture_output=True, text=True)
            if "Workers: 2 up" in status.stdout:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"grow's workers did not join: {status.stdout} {status.stderr}")

        for case in CASES:
            if case["name"] not in arguments.cases.split(","):
                continue
            base, configs = make_project(root, case, arguments.scene, arguments.bridge)
            pipelines = PIPELINES + (["bridge"] if arguments.bridge else [])
            timings = {system: {p: {"wall": [], "report": []} for p in pipelines} for system in ("eogrow", "grow")}
            patches = None
            for repeat in range(arguments.repeats):
                for system in ("eogrow", "grow"):
                    project = os.path.join(root, f"{system}-{case['name']}-{repeat}")
                    shutil.copytree(base, project)
                    for pipeline in pipelines:
                        config = os.path.join(configs, f"{pipeline}.json")
                        variable = ["-v", f"project:{project}"]
                        logs = os.path.join(project, "logs")
                        before = set(os.listdir(logs)) if os.path.isdir(logs) else set()
                        if pipeline == "bridge":
                            # The bridged class writes where features did: start from its input only.
                            shutil.rmtree(os.path.join(project, "features"), ignore_errors=True)
                        if system == "eogrow":
                            wall = run([os.path.join(venv_bin, "eogrow"), config, *variable],
                                       env=dict(eogrow_env, PYTHONPATH=configs), cwd=configs)
                        else:
                            wall = run([arguments.grow_head, "submit", config, *variable, "--wait", *address],
                                       env=dict(os.environ, GROW_EOGROW_PYTHON=sys.executable), cwd=configs)
                        timings[system][pipeline]["wall"].append(wall)
                        timings[system][pipeline]["report"].append(report_elapsed(project, before))
                        if pipeline == "import":
                            make_series(project)
                    patches = len(os.listdir(os.path.join(project, "data")))
                    shutil.rmtree(project)
            summary = {"patches": patches, "resolution_m": case["resolution"], "patch_m": case["patch"],
                       "timings_s": timings, "median_wall_s": {}, "ratio_eogrow_over_grow": {}}
            for pipeline in pipelines:
                for system in ("eogrow", "grow"):
                    summary["median_wall_s"].setdefault(system, {})[pipeline] = statistics.median(
                        timings[system][pipeline]["wall"])
                summary["ratio_eogrow_over_grow"][pipeline] = (
                    summary["median_wall_s"]["eogrow"][pipeline] / summary["median_wall_s"]["grow"][pipeline])
            chain = {s: statistics.median([sum(timings[s][p]["wall"][r] for p in PIPELINES)
                                           for r in range(arguments.repeats)]) for s in ("eogrow", "grow")}
            summary["chain_median_wall_s"] = chain
            summary["ratio_eogrow_over_grow"]["chain"] = chain["eogrow"] / chain["grow"]
            results["cases"][case["name"]] = summary
            ratios = ", ".join(f"{p} {summary['ratio_eogrow_over_grow'][p]:.1f}x" for p in pipelines + ["chain"])
            print(f"{case['name']} ({patches} patches of {case['patch']} m at {case['resolution']} m): "
                  f"eo-grow/grow wall-time ratios (median of {arguments.repeats}): {ratios}", flush=True)
            for system in ("eogrow", "grow"):
                print(f"   {system:6} " + "  ".join(
                    f"{p} {summary['median_wall_s'][system][p]:.2f} s" for p in pipelines)
                      + f"  chain {chain[system]:.2f} s", flush=True)
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, 15)
            except ProcessLookupError:
                pass
        subprocess.run([os.path.join(venv_bin, "ray"), "stop", "--force"], capture_output=True,
                       env=dict(os.environ, RAY_AUTH_MODE="disabled"))
        shutil.rmtree(root, ignore_errors=True)
    json.dump(results, open(arguments.json, "w"), indent=1)


if __name__ == "__main__":
    main()
