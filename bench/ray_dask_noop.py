#!/usr/bin/env python3
"""No-op task throughput and idle footprint of Ray and Dask, for scripts/bench scheduler.

    ray_dask_noop.py ray  --tasks N --json OUT --temp-dir DIR
    ray_dask_noop.py dask --tasks N --json OUT
    ray_dask_noop.py ray-idle --json OUT --temp-dir DIR

Each mode runs in its own process (scripts/bench time-boxes it) and writes one JSON object.
Timings start after the cluster is up and warmed (a few tasks already ran), the way grow's
workers are already connected when a job is submitted.
"""
import argparse
import json
import os
import sys
import time


def noop(*_args):
    return None


def rss_bytes(pid):
    """VmRSS from /proc (bytes), 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def descendants(pid):
    """All processes below pid, from /proc (no psutil needed)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    out, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def ray_init(temp_dir):
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _temp_dir=temp_dir,
        log_to_driver=False,
        logging_level="ERROR",
    )
    return ray


def run_ray(args):
    ray = ray_init(args.temp_dir)
    try:
        f = ray.remote(noop)
        ray.get([f.remote() for _ in range(200)])  # warm-up: workers started
        start = time.perf_counter()
        ray.get([f.remote() for _ in range(args.tasks)])
        elapsed = time.perf_counter() - start
        return {
            "system": "ray",
            "version": ray.__version__,
            "tasks": args.tasks,
            "seconds": elapsed,
            "tasks_per_second": args.tasks / elapsed,
            "how": "ray.init(num_cpus=2); @ray.remote def f(): return None; "
            "ray.get([f.remote() for _ in range(N)]) timed with perf_counter after 200 warm-up tasks",
        }
    finally:
        ray.shutdown()


def run_ray_idle(args):
    ray = ray_init(args.temp_dir)
    try:
        time.sleep(args.settle)  # let the prestarted workers come up and settle
        me = os.getpid()
        processes = []
        for pid in descendants(me):
            line = cmdline(pid)
            processes.append({"pid": pid, "rss_bytes": rss_bytes(pid), "cmd": line})

        def kind(cmd):
            program = cmd.split(" ")[0]
            if program.endswith("gcs_server"):
                return "gcs_server"
            if program.endswith("raylet"):
                return "raylet"
            if cmd.startswith("ray::") and "Agent" in cmd:
                return "agent " + cmd.split(" ")[0][5:]  # ray::DashboardAgent, ray::RuntimeEnvAgent
            if cmd.startswith("ray::") or "default_worker.py" in cmd:
                return "worker"
            scripts = [w for w in cmd.split(" ") if w.endswith(".py")]
            return "other " + os.path.basename(scripts[0]) if scripts else "other"

        by_kind = {}
        for p in processes:
            p["kind"] = kind(p["cmd"])
            p["cmd"] = p["cmd"][:160]
            by_kind[p["kind"]] = by_kind.get(p["kind"], 0) + p["rss_bytes"]
        core = sum(by_kind.get(k, 0) for k in ("raylet", "gcs_server", "worker"))
        return {
            "system": "ray",
            "version": ray.__version__,
            "settle_seconds": args.settle,
            "driver_rss_bytes": rss_bytes(me),
            "rss_by_kind_bytes": by_kind,
            "raylet_gcs_workers_rss_bytes": core,
            "all_ray_processes_rss_bytes": sum(p["rss_bytes"] for p in processes),
            "workers": sum(1 for p in processes if p["kind"] == "worker"),
            "processes": processes,
            "how": "after ray.init(num_cpus=2) and a settle pause: VmRSS from /proc of every process "
            "below the driver (raylet, gcs_server, workers, agents), the driver itself not included",
        }
    finally:
        ray.shutdown()


def run_dask(args):
    import dask
    import distributed
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        client.gather(client.map(noop, range(200), pure=False))  # warm-up
        start = time.perf_counter()
        futures = client.map(noop, range(args.tasks), pure=False)
        client.gather(futures)
        elapsed = time.perf_counter() - start
        del futures
    return {
        "system": "dask",
        "version": f"dask {dask.__version__}, distributed {distributed.__version__}",
        "tasks": args.tasks,
        "seconds": elapsed,
        "tasks_per_second": args.tasks / elapsed,
        "how": "LocalCluster(n_workers=2, threads_per_worker=1, processes=True); "
        "client.gather(client.map(noop, range(N), pure=False)) timed after 200 warm-up tasks",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["ray", "dask", "ray-idle"])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--json", required=True)
    parser.add_argument("--temp-dir", default=None)
    parser.add_argument("--settle", type=float, default=5.0)
    args = parser.parse_args()
    if args.mode in ("ray", "ray-idle") and not args.temp_dir:
        parser.error("--temp-dir is required for Ray")
    result = {"ray": run_ray, "dask": run_dask, "ray-idle": run_ray_idle}[args.mode](args)
    with open(args.json, "w") as out:
        json.dump(result, out, indent=2)
    summary = {k: v for k, v in result.items() if k != "processes"}
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
