import Dispatch
import EOData
import EOKernels
import EOPipelines
import Exec
import Foundation
import GrowBase
import GrowJob
import ProjectStorage

// The EO kernels on the arrays of scripts/bench kernels, timed in release mode, best of N:
// memory bandwidth (memcpy), NDVI of two 10980×10980 UInt16 bands, nan-median over
// 12×2000×2000 Float32 with ~30% invalid, linear interpolation over 12×1000×1000, and the
// features pipeline's per-tile kernels (NDVI, NDWI, valid-data mask of a 4×1000×1000×6 UInt16
// stack). The arrays are made once (deterministic) into --data as raw little-endian files so
// numpy (bench/kernels_numpy.py) times itself on exactly the same ones; KernelBench also writes
// its results there for numpy to compare.
// Usage: KernelBench --data DIR [--json OUT] [--rounds N] [--label NAME]
//                    [--only memcpy|ndvi|median|interpolation|features|pipeline]
// NAME (default "swift") prefixes the result files, so builds for different CPUs can be compared.
// scripts/bench kernels runs it; it is not a test.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("KernelBench: \(message)\n".utf8))
    exit(2)
}

var dataFolder: String?
var jsonPath: String?
var rounds = 5
var only: String?
var label = "swift"
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let text = arguments.popFirst() else { fail("\(argument) needs a value") }
        return text
    }
    switch argument {
    case "--data": dataFolder = value()
    case "--json": jsonPath = value()
    case "--only": only = value()
    case "--label": label = value()
    case "--rounds":
        guard let number = Int(value()), number > 0 else { fail("--rounds needs a positive number") }
        rounds = number
    default: fail("unknown argument \(argument)")
    }
}
guard let dataFolder else { fail("--data DIR is required (where the input arrays live)") }
let cores = Kernels.availableCores

// MARK: Inputs

/// Bumped whenever the generated arrays change, so stale files are made again.
let inputsVersion = "kernels-inputs-1"

@MainActor func path(_ name: String) -> String { (dataFolder as NSString).appendingPathComponent(name) }

@MainActor func writeRaw<T>(_ name: String, _ values: [T]) {
    let ok = values.withUnsafeBytes { bytes in FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
    }
    if !ok { fail("cannot write \(path(name))") }
}

@MainActor func readRaw<T>(_ name: String, count: Int, as: T.Type) -> [T] {
    guard let handle = FileHandle(forReadingAtPath: path(name)) else { fail("cannot read \(path(name))") }
    defer { try? handle.close() }
    let bytes = count * MemoryLayout<T>.stride
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var offset = 0
        while offset < bytes {
            guard let chunk = try? handle.read(upToCount: min(64 << 20, bytes - offset)), !chunk.isEmpty else {
                fail("\(path(name)) is shorter than \(bytes) bytes: delete \(dataFolder) to make the inputs again")
            }
            chunk.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + chunk.count)]))
            offset += chunk.count
        }
        initialized = count
    }
}

let bandSide = 10980
let (medianT, medianSide) = (12, 2000)
let (interpT, interpSide) = (12, 1000)
let (featureT, featureSide, featureC) = (4, 1000, 6)
let interpTimes: [Double] = [3, 8, 13, 23, 38, 43, 58, 68, 73, 93, 98, 118]  // days, irregular (clouds)

/// Makes the inputs unless the folder already has this version of them.
@MainActor func prepareInputs() {
    let manifest = path("VERSION")
    if (try? String(contentsOfFile: manifest, encoding: .utf8)) == inputsVersion { return }
    do {
        try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
    } catch { fail("cannot create \(dataFolder): \(error)") }
    var random = SplitMix64(seed: 2024)  // every run and numpy see the same arrays
    let pixels = bandSide * bandSide
    // Sentinel-2 L2A-like reflectances ×10000; 1% nodata (0 in both bands: 0/0).
    var red = [UInt16](repeating: 0, count: pixels)
    var nir = [UInt16](repeating: 0, count: pixels)
    for i in 0..<pixels {
        let r = random.next()
        if r % 100 == 0 { continue }
        red[i] = UInt16(200 + (r >> 8) % 2800)
        nir[i] = UInt16(1000 + (r >> 24) % 5000)
    }
    writeRaw("red.u2", red)
    writeRaw("nir.u2", nir)
    red = []
    nir = []
    func stack(_ count: Int, _ validCount: Int) -> ([Float], [UInt8]) {
        let values = (0..<count).map { _ in Float(random.next() >> 40) / Float(1 << 24) }
        let valid = (0..<validCount).map { _ in UInt8(random.next() % 100 >= 30 ? 1 : 0) }
        return (values, valid)
    }
    let median = stack(medianT * medianSide * medianSide, medianT * medianSide * medianSide)
    writeRaw("median-x.f4", median.0)
    writeRaw("median-valid.u1", median.1)
    let interp = stack(interpT * interpSide * interpSide, interpT * interpSide * interpSide)
    writeRaw("interp-x.f4", interp.0)
    writeRaw("interp-valid.u1", interp.1)
    writeRaw("interp-times.f8", interpTimes)
    // Bands B02, B03, B04, B08, B11, B12; 1% of values nodata (0).
    let features = (0..<(featureT * featureSide * featureSide * featureC)).map { _ -> UInt16 in
        let r = random.next()
        return r % 100 == 0 ? 0 : UInt16(100 + (r >> 8) % 6000)
    }
    writeRaw("features.u2", features)
    guard FileManager.default.createFile(atPath: manifest, contents: Data(inputsVersion.utf8)) else {
        fail("cannot write \(manifest)")
    }
}

// MARK: Timing

/// Wall-clock time, and this process's CPU time (all threads, user + system): on a shared
/// machine, CPU close to wall × threads means the run had its cores.
struct Timing {
    var wall: Double
    var cpu: Double
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Best of `rounds` (the least disturbed run on a shared machine): the smallest wall time and,
/// separately, the smallest CPU time.
func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> Timing {
    var fastest = Timing(wall: .infinity, cpu: .infinity)
    for _ in 0..<rounds {
        let cpu = cpuSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        fastest.wall = min(fastest.wall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        fastest.cpu = min(fastest.cpu, cpuSeconds() - cpu)
    }
    return fastest
}

var results: [String: Any] = ["cores": cores, "rounds": rounds]
@MainActor func record(_ key: String, _ value: Any) { results[key] = value }
func say(_ text: String) { print(text) }
func describe(_ timing: Timing) -> String {
    String(format: "%.1f ms (CPU %.1f ms)", timing.wall * 1000, timing.cpu * 1000)
}
func gigabytes(_ perSecond: Double) -> String { String(format: "%.2f", perSecond / 1e9) }
func json(_ timing: Timing) -> [String: Double] { ["seconds": timing.wall, "cpu_seconds": timing.cpu] }

@MainActor func run() throws {
    prepareInputs()

    func wanted(_ part: String) -> Bool { only == nil || only == part }

    // Memory bandwidth: copy 512 MiB between two buffers already touched (bytes read + written).
    if wanted("memcpy") {
        let copyBytes = 512 << 20
        let source = UnsafeMutableRawPointer.allocate(byteCount: copyBytes, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: copyBytes, alignment: 64)
        memset(source, 1, copyBytes)
        memset(target, 0, copyBytes)
        let copy = best(rounds) { memcpy(target, source, copyBytes) }
        source.deallocate()
        target.deallocate()
        let bandwidth = Double(2 * copyBytes) / copy.wall
        say("memcpy 512 MiB: \(describe(copy)), \(gigabytes(bandwidth)) GB/s read+written")
        record("memcpy", ["bytes": copyBytes, "one_thread": json(copy), "bytes_per_second": bandwidth])
    }

    // NDVI of two 10980×10980 UInt16 bands.
    if wanted("ndvi") {
        let pixels = bandSide * bandSide
        let red = NDArray(shape: [bandSide, bandSide], storage: readRaw("red.u2", count: pixels, as: UInt16.self))
        let nir = NDArray(shape: [bandSide, bandSide], storage: readRaw("nir.u2", count: pixels, as: UInt16.self))
        var ndvi = NDArray<Float>(shape: [bandSide, bandSide], repeating: 0)  // touched: timings exclude page faults
        let one = try best(rounds) { try Kernels.normalizedDifference(nir, red, into: &ndvi, threads: 1) }
        let all = try best(rounds) { try Kernels.normalizedDifference(nir, red, into: &ndvi, threads: cores) }
        let fresh = try best(max(1, rounds / 2)) { _ = try Kernels.normalizedDifference(nir, red, threads: 1) }
        let bytes = pixels * (2 + 2 + 4)
        say(
            "NDVI 10980×10980 UInt16 → Float32 into a reused array: 1 thread \(describe(one)) = "
                + "\(gigabytes(Double(bytes) / one.wall)) GB/s; \(cores) threads \(describe(all)) = "
                + "\(gigabytes(Double(bytes) / all.wall)) GB/s; into a new array (its page faults included), "
                + "1 thread \(describe(fresh))")
        record(
            "ndvi",
            [
                "pixels": pixels, "bytes_read_and_written": bytes, "one_thread": json(one), "all_cores": json(all),
                "one_thread_new_array": json(fresh),
            ])
        writeRaw("\(label)-ndvi.f4", ndvi.storage)
    }

    // nan-median over 12×2000×2000 with ~30% invalid observations.
    if wanted("median") {
        let count = medianT * medianSide * medianSide
        let shape = [medianT, medianSide, medianSide, 1]
        let x = NDArray(shape: shape, storage: readRaw("median-x.f4", count: count, as: Float.self))
        let valid = NDArray(shape: shape, storage: readRaw("median-valid.u1", count: count, as: UInt8.self))
        var median = NDArray<Float>(shape: [0], storage: [])
        let one = try best(rounds) { median = try Kernels.nanMedian(x, valid: valid, threads: 1) }
        let all = try best(rounds) { median = try Kernels.nanMedian(x, valid: valid, threads: cores) }
        say("nan-median 12×2000×2000 Float32 + mask: 1 thread \(describe(one)); \(cores) threads \(describe(all))")
        record("median", ["one_thread": json(one), "all_cores": json(all)])
        writeRaw("\(label)-median.f4", median.storage)
    }

    // Linear interpolation over 12×1000×1000 with ~30% invalid observations.
    if wanted("interpolation") {
        let count = interpT * interpSide * interpSide
        let shape = [interpT, interpSide, interpSide, 1]
        let x = NDArray(shape: shape, storage: readRaw("interp-x.f4", count: count, as: Float.self))
        let valid = NDArray(shape: shape, storage: readRaw("interp-valid.u1", count: count, as: UInt8.self))
        var filled = NDArray<Float>(shape: [0], storage: [])
        let one = try best(rounds) {
            filled = try Kernels.interpolateInvalid(x, valid: valid, times: interpTimes, threads: 1)
        }
        let all = try best(rounds) {
            filled = try Kernels.interpolateInvalid(x, valid: valid, times: interpTimes, threads: cores)
        }
        say("interpolation 12×1000×1000 Float32 + mask: 1 thread \(describe(one)); \(cores) threads \(describe(all))")
        record("interpolation", ["one_thread": json(one), "all_cores": json(all)])
        writeRaw("\(label)-interp.f4", filled.storage)
    }

    // The features pipeline's kernels for one tile: NDVI (B08, B04), NDWI (B03, B08), valid-data
    // mask (nodata 0 in any band), from a 4×1000×1000×6 UInt16 stack.
    if wanted("features") {
        let count = featureT * featureSide * featureSide * featureC
        let stack = NDArray(
            shape: [featureT, featureSide, featureSide, featureC],
            storage: readRaw("features.u2", count: count, as: UInt16.self))
        func features(threads: Int) throws -> (NDArray<Float>, NDArray<Float>, NDArray<Bool>) {
            (
                try Kernels.normalizedDifference(stack, channels: 3, 2, threads: threads),
                try Kernels.normalizedDifference(stack, channels: 1, 3, threads: threads),
                try Kernels.validDataMask(stack, nodata: 0, threads: threads)
            )
        }
        var outputs = try features(threads: 1)
        let one = try best(rounds * 2) { outputs = try features(threads: 1) }
        let all = try best(rounds * 2) { outputs = try features(threads: cores) }
        let megapixels = Double(featureT * featureSide * featureSide) / 1e6
        say(
            "features kernels (NDVI + NDWI + valid mask) 4×1000×1000×6 UInt16: 1 thread \(describe(one)) = "
                + "\(String(format: "%.0f", megapixels / one.wall)) Mpixel/s; \(cores) threads \(describe(all))")
        record(
            "features",
            [
                "megapixels": megapixels, "one_thread": json(one), "all_cores": json(all),
                "megapixels_per_second_one_thread": megapixels / one.wall,
            ])
        writeRaw("\(label)-features-ndvi.f4", outputs.0.storage)
        writeRaw("\(label)-features-ndwi.f4", outputs.1.storage)
        writeRaw("\(label)-features-valid.u1", outputs.2.storage)
    }

    // The whole features pipeline for one tile, as a worker runs it (one core): the EOPatch read
    // from a local project folder, NDVI and NDWI, the valid-data mask, FEATURES, and the EOPatch
    // written back (each file written whole, then renamed).
    if wanted("pipeline") {
        let count = featureT * featureSide * featureSide * featureC
        let project = NSTemporaryDirectory() + "grow-bench-pipeline-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: project) }
        let storage = LocalStore(root: project)
        var patch = EOPatch(
            bbox: BBox(minX: 500_000, minY: 4_990_000, maxX: 510_000, maxY: 5_000_000, epsg: 32633),
            timestamps: (0..<featureT).map { Date(timeIntervalSince1970: 1_577_836_800 + Double($0) * 864_000) })
        let bands = NDArray(
            shape: [featureT, featureSide, featureSide, featureC],
            storage: readRaw("features.u2", count: count, as: UInt16.self))
        patch[.data, "BANDS"] = NpyArray(bands)
        patch[.mask, "IS_DATA"] = NpyArray(try Kernels.validDataMask(bands, nodata: 0))
        try patch.write(to: storage, folder: "data/tile")
        let spec = try JobSpec.parse(
            json: """
                {"pipeline": "features", "tiles": ["tile"],
                 "storage": {"project_folder": "\(project)", "structure": {"data": "data", "features": "features"}},
                 "input_folder_key": "data", "output_folder_key": "features", "ndis": {"NDVI": [3, 2], "NDWI": [1, 3]}}
                """, source: "bench")
        let context = TileContext(job: 1, index: 0, attempt: 1, name: "tile", workDir: "")
        func runTile() throws {
            let finished = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: TileOutcome?
            Task.detached {
                outcome = await TileExecutor(eoPipelines: EOPipelineRunner()).run(
                    spec, context, cancellation: TileCancellation())
                finished.signal()
            }
            finished.wait()
            if case .failed(_, let error)? = outcome { fail("features pipeline: \(error)") }
        }
        try runTile()
        let one = try best(rounds) { try runTile() }
        let megapixels = Double(featureT * featureSide * featureSide) / 1e6
        say(
            "features pipeline per tile (EOPatch read, NDVI + NDWI + valid mask + FEATURES, EOPatch write; local disk) "
                + "4×1000×1000×6 UInt16: \(describe(one)) = \(String(format: "%.0f", megapixels / one.wall)) Mpixel/s")
        record(
            "pipeline",
            [
                "megapixels": megapixels, "one_thread": json(one),
                "megapixels_per_second_one_thread": megapixels / one.wall,
            ])
    }
}

do {
    try run()
} catch {
    fail("\(error)")
}
if let jsonPath {
    do {
        let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: jsonPath))
    } catch {
        fail("cannot write \(jsonPath): \(error)")
    }
}
