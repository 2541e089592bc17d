import XCTest

/// Two copies of one project, one run by eo-grow and one by grow: the parity tests run eo-grow's
/// configs through both and compare what lands in the folders.
package struct EOGrowParity {
    package var eoGrow: String
    package var grow: String
    /// `grow-head run --workers`.
    package var workers: Int

    package init(eoGrow: String, grow: String, workers: Int) {
        self.eoGrow = eoGrow
        self.grow = grow
        self.workers = workers
    }

    /// Runs `config` with `eogrow` in one project and `grow-head run` in the other; both must succeed.
    package func run(_ config: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let eoGrowRun = try runProcess(EOGrowVenv.eogrow, [config, "-v", "project:\(eoGrow)"])
        XCTAssertEqual(eoGrowRun.status, 0, "eogrow \(config): \(eoGrowRun.output)", file: file, line: line)
        let growRun = try runProcess(
            PackagePaths.headBinary.path, ["run", config, "-v", "project:\(grow)", "--workers", "\(workers)"])
        XCTAssertEqual(growRun.status, 0, "grow-head run \(config): \(growRun.output)", file: file, line: line)
    }

    /// Every file of each folder in both projects: the same names; arrays equal in dtype, shape
    /// and bytes; JSON equal as JSON; anything else (maps) equal in bytes. "ok N" or the differences.
    package func compare(_ folders: [String]) throws -> String {
        try EOGrowVenv.runPython(Self.script, [eoGrow, grow, folders.joined(separator: ",")])
    }

    private static let script = """
        import gzip, json, os, sys
        import numpy as np, rasterio
        a, b, folders = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
        def files(root):
            return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
        def describe(path):
            with rasterio.open(path) as m:
                return m.profile, m.read()
        problems, compared = [], 0
        for folder in folders:
            fa, fb = files(f"{a}/{folder}"), files(f"{b}/{folder}")
            if not fa or fa != fb:
                problems.append(f"{folder}: only eo-grow {sorted(set(fa) - set(fb))[:4]}, only grow {sorted(set(fb) - set(fa))[:4]}")
                continue
            for rel in fa:
                pa, pb = f"{a}/{folder}/{rel}", f"{b}/{folder}/{rel}"
                if rel.endswith(".npy.gz"):
                    x, y = np.load(gzip.open(pa)), np.load(gzip.open(pb))
                    if x.dtype != y.dtype or x.shape != y.shape:
                        problems.append(f"{folder}/{rel}: eo-grow {x.dtype}{x.shape}, grow {y.dtype}{y.shape}")
                    elif x.tobytes() != y.tobytes():
                        problems.append(f"{folder}/{rel}: {np.sum(x != y)} of {x.size} values differ")
                elif rel.endswith(".json") or rel.endswith(".geojson"):
                    if json.load(open(pa)) != json.load(open(pb)):
                        problems.append(f"{folder}/{rel}: {open(pa).read()[:120]} != {open(pb).read()[:120]}")
                elif open(pa, "rb").read() != open(pb, "rb").read():
                    detail = ""
                    if rel.endswith((".tif", ".tiff")):
                        (pa_, va), (pb_, vb) = describe(pa), describe(pb)
                        detail = f"profiles {'equal' if pa_ == pb_ else f'{pa_} != {pb_}'}, pixels {'equal' if va.tobytes() == vb.tobytes() else 'differ'}"
                    problems.append(f"{folder}/{rel}: bytes differ {detail}")
                compared += 1
        print("\\n".join(problems) if problems else f"ok {compared}")
        """
}
