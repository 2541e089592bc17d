"""numpy's side of scripts/bench kernels: the same kernels on the same arrays (the raw files
KernelBench made in --data), best of N wall-clock times, written as JSON; and a check that numpy
and Swift computed the same results (KernelBench wrote its outputs next to the inputs).

Usage: /usr/bin/python3 bench/kernels_numpy.py --data DIR --json OUT [--rounds N] [--only PART]
                                              [--labels swift,avx2]
(--labels: the KernelBench --label of each Swift build whose results to check.)
"""

import argparse
import json
import os
import resource
import time

import numpy as np

BAND_SIDE = 10980
MEDIAN_SHAPE = (12, 2000, 2000, 1)
INTERP_SHAPE = (12, 1000, 1000, 1)
FEATURE_SHAPE = (4, 1000, 1000, 6)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best(rounds, body):
    """Smallest wall and smallest CPU time of `rounds` runs, and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(rounds):
        c0, t0 = cpu_seconds(), time.perf_counter()
        result = body()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, cpu_seconds() - c0)
    return {"seconds": wall, "cpu_seconds": cpu}, result


def load(folder, name, dtype, shape):
    return np.fromfile(os.path.join(folder, name), dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)


def ndvi(a, b):
    # The expression the brief names, verbatim: numpy's idiom for a normalized difference.
    return (a.astype(np.float32) - b.astype(np.float32)) / (a.astype(np.float32) + b.astype(np.float32))


def interpolate(x, valid, times):
    """Linear interpolation of invalid values along axis 0, per pixel and channel, as np.interp
    over each series' valid observations would do it, vectorised over pixels: a loop over the
    T frames, each step a whole-frame numpy operation. Forward, it records for every frame the
    last valid value and time before it (carried in float64 arrays); backward, it carries the
    next valid value and time and applies np.interp's formula (f1 - f0) / (t1 - t0) * (t - t0) + f0
    in float64, the edge value where one side is missing, NaN where both are. (A fully vectorised
    variant with np.maximum.accumulate over frame indices and take_along_axis was 2x slower.)"""
    frames = x.shape[0]
    ok = valid & ~np.isnan(x)
    before = np.empty(x.shape, np.float64)
    before_time = np.empty(x.shape, np.float64)
    value = np.full(x.shape[1:], np.nan)
    when = np.full(x.shape[1:], np.nan)
    for t in range(frames):
        before[t] = value
        before_time[t] = when
        np.copyto(value, x[t], where=ok[t])
        np.copyto(when, times[t], where=ok[t])
    out = np.empty_like(x)
    value.fill(np.nan)
    when.fill(np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(frames - 1, -1, -1):
            f0, t0 = before[t], before_time[t]
            between = (value - f0) / (when - t0) * (times[t] - t0) + f0
            between = np.where(when == t0, f0, between)
            filled = np.where(np.isnan(t0), value, np.where(np.isnan(when), f0, between))
            out[t] = np.where(ok[t], x[t], filled)
            np.copyto(value, x[t], where=ok[t])
            np.copyto(when, times[t], where=ok[t])
    return out


def compare(ours, theirs, exact):
    """How numpy's result and Swift's differ: NaN positions and values."""
    if ours.shape != theirs.shape:
        return {"same_shape": False}
    nan_ours, nan_theirs = np.isnan(ours), np.isnan(theirs)
    both = ~nan_ours & ~nan_theirs
    diff = np.abs(ours[both].astype(np.float64) - theirs[both].astype(np.float64))
    scale = np.maximum(np.abs(ours[both]), np.abs(theirs[both])).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(diff == 0, 0.0, diff / scale)
    result = {
        "same_nan_positions": bool(np.array_equal(nan_ours, nan_theirs)),
        "values_differing": int(np.count_nonzero(diff)),
        "max_relative_difference": float(relative.max()) if relative.size else 0.0,
    }
    result["agree"] = result["same_nan_positions"] and (
        result["values_differing"] == 0 if exact else result["max_relative_difference"] <= 1e-6)
    return result


def describe(timing):
    return f"{timing['seconds'] * 1e3:.1f} ms (CPU {timing['cpu_seconds'] * 1e3:.1f} ms)"


def agrees(agreement):
    return "; ".join(f"{label}: {'agrees' if result['agree'] else 'DIFFERS'}" for label, result in agreement.items())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only")
    parser.add_argument("--labels", default="swift")
    args = parser.parse_args()
    folder, rounds, labels = args.data, args.rounds, args.labels.split(",")
    wanted = lambda part: args.only in (None, part)
    out = {"numpy": np.__version__, "rounds": rounds}

    if wanted("memcpy"):
        size = 512 << 20
        src = np.ones(size, dtype=np.uint8)
        dst = np.zeros(size, dtype=np.uint8)
        timing, _ = best(rounds, lambda: np.copyto(dst, src))
        out["memcpy"] = {"bytes": size, "one_thread": timing, "bytes_per_second": 2 * size / timing["seconds"]}
        del src, dst
        print(f"np.copyto 512 MiB: {describe(timing)}, {2 * size / timing['seconds'] / 1e9:.2f} GB/s read+written")

    if wanted("ndvi"):
        red = load(folder, "red.u2", "u2", (BAND_SIDE, BAND_SIDE))
        nir = load(folder, "nir.u2", "u2", (BAND_SIDE, BAND_SIDE))
        with np.errstate(divide="ignore", invalid="ignore"):
            timing, result = best(rounds, lambda: ndvi(nir, red))
        out["ndvi"] = {"one_thread": timing, "agreement": {
            label: compare(load(folder, f"{label}-ndvi.f4", "f4", result.shape), result, exact=True) for label in labels}}
        print(f"NDVI numpy: {describe(timing)}; {agrees(out['ndvi']['agreement'])}")
        del red, nir, result

    if wanted("median"):
        x = load(folder, "median-x.f4", "f4", MEDIAN_SHAPE)
        valid = load(folder, "median-valid.u1", "u1", MEDIAN_SHAPE).astype(bool)
        x_nan = np.where(valid, x, np.nan).astype(np.float32)  # the NaN-coded input nanmedian takes; not timed
        with np.errstate(all="ignore"):
            import warnings
            warnings.simplefilter("ignore")
            timing, result = best(rounds, lambda: np.nanmedian(x_nan, axis=0))
        out["median"] = {"one_thread": timing, "agreement": {
            label: compare(load(folder, f"{label}-median.f4", "f4", result.shape), result, exact=False) for label in labels}}
        print(f"nan-median numpy: {describe(timing)}; {agrees(out['median']['agreement'])}")
        del x, valid, x_nan, result

    if wanted("interpolation"):
        x = load(folder, "interp-x.f4", "f4", INTERP_SHAPE)
        valid = load(folder, "interp-valid.u1", "u1", INTERP_SHAPE).astype(bool)
        times = load(folder, "interp-times.f8", "f8", (INTERP_SHAPE[0],))
        timing, result = best(rounds, lambda: interpolate(x, valid, times))
        out["interpolation"] = {"one_thread": timing, "agreement": {
            label: compare(load(folder, f"{label}-interp.f4", "f4", result.shape), result, exact=False) for label in labels}}
        print(f"interpolation numpy: {describe(timing)}; {agrees(out['interpolation']['agreement'])}")
        del x, valid, result

    if wanted("features"):
        stack = load(folder, "features.u2", "u2", FEATURE_SHAPE)

        def features():
            with np.errstate(divide="ignore", invalid="ignore"):
                return (ndvi(stack[..., 3], stack[..., 2])[..., None], ndvi(stack[..., 1], stack[..., 3])[..., None],
                        ~np.any(stack == 0, axis=-1, keepdims=True))

        timing, (f_ndvi, f_ndwi, f_valid) = best(rounds * 2, features)
        agreement = {}
        for label in labels:
            same = {
                "ndvi": compare(load(folder, f"{label}-features-ndvi.f4", "f4", f_ndvi.shape), f_ndvi, exact=True),
                "ndwi": compare(load(folder, f"{label}-features-ndwi.f4", "f4", f_ndwi.shape), f_ndwi, exact=True),
                "valid_equal": bool(np.array_equal(
                    load(folder, f"{label}-features-valid.u1", "u1", f_valid.shape).astype(bool), f_valid)),
            }
            same["agree"] = same["ndvi"]["agree"] and same["ndwi"]["agree"] and same["valid_equal"]
            agreement[label] = same
        megapixels = FEATURE_SHAPE[0] * FEATURE_SHAPE[1] * FEATURE_SHAPE[2] / 1e6
        out["features"] = {"one_thread": timing, "megapixels_per_second_one_thread": megapixels / timing["seconds"],
                           "agreement": agreement}
        print(f"features numpy: {describe(timing)}; {agrees(agreement)}")

    with open(args.json, "w") as f:
        json.dump(out, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
