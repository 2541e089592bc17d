import Foundation
import SchedulerSimulation
import TileScheduler

// The scheduler core on its own (no sockets): the deterministic Simulator at cluster scale, and
// the core's memory for a large queued job.
// Usage: SchedulerBench [--workers N] [--slots N] [--tiles N] [--losses N] [--seed N]
//                       [--queued-tiles N] [--json OUT]
// scripts/bench scheduler runs it in release mode; it is not a test.

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// VmRSS of this process in bytes (0 where /proc is missing).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
    }
    return 0
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("SchedulerBench: \(message)\n".utf8))
    exit(2)
}

var workers = 10_000
var slots = 4
var tiles = 1_000_000
var losses = 500
var seed: UInt64 = 1
var queuedTiles = 1_000_000
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let text = arguments.popFirst() else { fail("\(argument) needs a value") }
        return text
    }
    func number() -> Int {
        guard let number = Int(value()) else { fail("\(argument) needs a number") }
        return number
    }
    switch argument {
    case "--workers": workers = number()
    case "--slots": slots = number()
    case "--tiles": tiles = number()
    case "--losses": losses = number()
    case "--seed": seed = UInt64(number())
    case "--queued-tiles": queuedTiles = number()
    case "--json": jsonPath = value()
    default: fail("unknown argument \(argument)")
    }
}

// MARK: Memory of 1M queued tiles (first, on a fresh heap)

/// Submits a job of `count` tiles to a scheduler with no workers, the way the head does
/// (jobSubmitted with the tile order; here index order), and measures RSS around it.
func queuedMemory(count: Int) -> (before: Int, after: Int, pending: Int) {
    var scheduler = Scheduler(config: SchedulerConfig())
    let before = residentBytes()
    _ = scheduler.handle(.jobSubmitted(job: 1, tileCount: count, order: nil, alreadyFinished: []), now: 0)
    let after = residentBytes()
    let pending = scheduler.pendingCount
    withExtendedLifetime(scheduler) {}
    return (before, after, pending)
}
let memory = queuedMemory(count: queuedTiles)
let bytesPerTile = Double(memory.after - memory.before) / Double(max(1, queuedTiles))
print("== scheduler memory for queued tiles (in process, no workers)")
print("queued tiles: \(queuedTiles) (pending: \(memory.pending))")
print(
    "RSS before: \(memory.before / 1024) KiB, after: \(memory.after / 1024) KiB, delta: "
        + String(format: "%.1f B/tile", bytesPerTile))
print()

// MARK: Simulator at scale

var config = SimulatorConfig()
config.workers = workers
config.slotsPerWorker = slots
config.tiles = tiles
config.seed = seed
config.durations = .pareto(alpha: 2.5, minimumMs: 1000)  // the simulator's default model
config.workerLosses = losses
config.partitionFraction = 0.5
config.scheduler.heartbeatTimeoutMs = 5000

print(
    "== simulator: \(workers) workers x \(slots) slots, \(tiles) tiles (Pareto alpha 2.5, min 1 s), \(losses) random worker losses (half crashes, half partitions), seed \(seed)"
)
let start = now()
let result = Simulator(config: config).run()
let wall = Double(now() - start) / 1e9
let decisionsPerSecond = Double(result.decisions) / wall
print("wall: \(String(format: "%.2f", wall)) s (includes the simulated workers' own bookkeeping)")
print("scheduler events handled: \(result.decisions) -> \(String(format: "%.0f", decisionsPerSecond)) decisions/s")
print(
    "makespan: \(result.makespanMs) ms (virtual), lower bound: \(result.lowerBoundMs) ms, ratio: "
        + String(format: "%.3f", result.ratio))
print(
    "tiles done: \(result.done), failed: \(result.failed), quarantined: \(result.quarantined), finished: \(result.finished)"
)
print(
    "workers lost (seen by the scheduler): \(result.counters.workersLost), steals: \(result.counters.tiles.tilesStolen), backups: \(result.counters.tiles.backupsLaunched), re-issued after loss: \(result.counters.tiles.reissuedAfterLoss)"
)
let slotCount = UInt64(max(1, workers * slots))
print(
    "lower bound = max(total work / slots = \(result.totalWorkMs / slotCount) ms, longest tile = \(result.longestTileMs) ms)"
)
print("invariant violations: \(result.violations.count)")
for violation in result.violations.prefix(5) { print("  \(violation)") }

if let path = jsonPath {
    let object: [String: Any] = [
        "queued_memory": [
            "tiles": queuedTiles, "rss_before_bytes": memory.before, "rss_after_bytes": memory.after,
            "bytes_per_tile": bytesPerTile,
        ],
        "simulator": [
            "workers": workers, "slots_per_worker": slots, "tiles": tiles, "worker_losses": losses,
            "seed": Int(seed), "durations": "pareto(alpha 2.5, min 1000 ms)",
            "wall_seconds": wall, "decisions": result.decisions, "decisions_per_second": decisionsPerSecond,
            "makespan_ms": Int(result.makespanMs), "lower_bound_ms": Int(result.lowerBoundMs),
            "makespan_over_lower_bound": result.ratio,
            "total_work_ms": Int(result.totalWorkMs), "longest_tile_ms": Int(result.longestTileMs), "done": result.done,
            "failed": result.failed,
            "quarantined": result.quarantined, "finished": result.finished,
            "workers_lost": result.counters.workersLost,
            "invariant_violations": result.violations.count, "violations": Array(result.violations.prefix(10)),
        ],
    ]
    do {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    } catch {
        fail("cannot write \(path): \(error)")
    }
}
exit(result.violations.isEmpty ? 0 : 1)
