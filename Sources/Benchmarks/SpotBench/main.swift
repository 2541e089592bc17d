import Autoscaler
import Foundation
import SchedulerSimulation
import TileScheduler

// The scheduler and the autoscaler cores over a simulated spot fleet (SpotFleetSimulator): up to
// --workers spot nodes of --slots slots, --tiles tiles, interruption notices and losses without
// notice at several rates per instance-hour. Reports tiles lost (must be 0), work cut off by
// interruptions and redone, and instance-hours against the never-interrupted bound (total work /
// slots per node). scripts/bench spot runs it in release mode; it is not a test.
// Usage: SpotBench [--workers N] [--slots N] [--tiles N] [--seed N] [--rates R,R,...]
//                  [--loss-share X] [--median-ms N] [--sigma X] [--json OUT]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("SpotBench: \(message)\n".utf8))
    exit(2)
}

var workers = 1000
var slots = 4
var tiles = 1_000_000
var seed: UInt64 = 1
/// Notices per instance-hour. EC2's Spot Advisor buckets run from <5 % to >20 % a month
/// (≈0.0001–0.0003 an hour on average); capacity crunches run far higher, so the run covers
/// calm, busy and storm rates.
var rates = [0.0, 0.01, 0.05, 0.2]
/// Losses without a notice, as a share of the notice rate.
var lossShare = 0.1
var medianMs = 30_000.0
var sigma = 0.6
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let text = arguments.popFirst() else { fail("\(argument) needs a value") }
        return text
    }
    func number<T: LosslessStringConvertible>(_: T.Type) -> T {
        guard let number = T(value()) else { fail("\(argument) needs a number") }
        return number
    }
    switch argument {
    case "--workers": workers = number(Int.self)
    case "--slots": slots = number(Int.self)
    case "--tiles": tiles = number(Int.self)
    case "--seed": seed = number(UInt64.self)
    case "--rates":
        rates = value().split(separator: ",").map { text in
            guard let rate = Double(text) else { fail("--rates: \(text) is not a number") }
            return rate
        }
    case "--loss-share": lossShare = number(Double.self)
    case "--median-ms": medianMs = number(Double.self)
    case "--sigma": sigma = number(Double.self)
    case "--json": jsonPath = value()
    default: fail("unknown argument \(argument)")
    }
}

let durations = DurationModel.lognormal(medianMs: medianMs, sigma: sigma)
print(
    "== spot fleet: up to \(workers) spot nodes x \(slots) slots, \(tiles) tiles (lognormal, median \(medianMs / 1000) s, sigma \(sigma)), seed \(seed)"
)
print(
    "autoscaler: min 0, max \(workers), upscaling_speed 1, idle timeout 5 min; launch 1 s, boot 45-120 s; notices 2 min ahead, seen within a 2 s poll, margin 15 s; half the notices preceded by a rebalance recommendation (2-15 min); losses without notice at \(lossShare) x the notice rate"
)
print()
print(
    "notices/inst-h  notices  rebal  losses  makespan  inst-h    bound-h   cost/bound  redone slot-h (% of work)  runs cut  launched  at-notice  notice->join p50/max  lost  twice  wall"
)
var rows: [[String: Any]] = []
var violations = 0
for rate in rates {
    var config = SpotFleetConfig()
    config.tiles = tiles
    config.seed = seed
    config.slotsPerNode = slots
    config.durations = durations
    config.autoscaler = AutoscalerConfig(
        nodeTypes: [NodeTypeSpec(name: "spot", maxWorkers: workers, slots: slots, market: .spot)],
        idleTimeoutMs: 300_000)
    config.noticesPerInstanceHour = rate
    config.lossesPerInstanceHour = rate * lossShare
    let start = Date()
    let result = SpotFleetSimulator(config: config).run()
    let wall = Date().timeIntervalSince(start)
    let hours = { (ms: UInt64) in Double(ms) / 3_600_000 }
    let redonePercent = 100 * Double(result.redoneWorkMs) / Double(max(1, result.totalWorkMs))
    let joins = result.noticeToReplacementMs.sorted()
    let p50 = joins.isEmpty ? 0 : joins[joins.count / 2]
    let worst = joins.last ?? 0
    violations += result.violations.count
    print(
        String(
            format:
                "%14.3f  %7d  %5d  %6d  %7.2fh  %8.1f  %8.1f  %10.3f  %12.1f (%5.2f %%)        %8d  %8d  %9d  %8.0f s / %4.0f s  %4d  %5d  %4.0f s",
            rate, result.notices, result.rebalances, result.losses, hours(result.makespanMs), hours(result.instanceMs),
            hours(result.boundInstanceMs), result.costRatio, hours(result.redoneWorkMs), redonePercent,
            result.runsCutOff, result.autoscaler.launched, result.autoscaler.launchedAtNotice, Double(p50) / 1000,
            Double(worst) / 1000, result.tilesLost, result.tilesJournaledTwice, wall))
    for violation in result.violations.prefix(3) { print("  violation: \(violation)") }
    rows.append([
        "notices_per_instance_hour": rate, "losses_per_instance_hour": rate * lossShare, "finished": result.finished,
        "notices": result.notices, "rebalance_recommendations": result.rebalances, "losses": result.losses,
        "makespan_hours": hours(result.makespanMs), "instance_hours": hours(result.instanceMs),
        "never_interrupted_bound_instance_hours": hours(result.boundInstanceMs), "cost_over_bound": result.costRatio,
        "redone_slot_hours": hours(result.redoneWorkMs), "redone_share_of_work": redonePercent / 100,
        "runs_cut_off": result.runsCutOff, "backup_work_cancelled_slot_hours": hours(result.cancelledWorkMs),
        "nodes_launched": result.autoscaler.launched, "launched_at_notice": result.autoscaler.launchedAtNotice,
        "peak_nodes": result.peakNodes, "notice_to_replacement_join_p50_s": Double(p50) / 1000,
        "notice_to_replacement_join_max_s": Double(worst) / 1000, "tiles_lost": result.tilesLost,
        "tiles_journaled_twice": result.tilesJournaledTwice, "violations": result.violations,
        "wall_seconds": wall,
    ])
}
print()
print("inst-h: instance-hours paid (launch answer to the node's end, idle tails and boots included);")
print("bound-h: the never-interrupted bound, total work / slots per node (no boot, no idle slot, no interruption).")
if let jsonPath {
    let object: [String: Any] = [
        "workers": workers, "slots_per_node": slots, "tiles": tiles, "seed": Int(seed),
        "durations": "lognormal(median \(medianMs) ms, sigma \(sigma))", "loss_share_of_notice_rate": lossShare,
        "runs": rows,
    ]
    do {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: jsonPath))
    } catch {
        fail("cannot write \(jsonPath): \(error)")
    }
}
exit(violations == 0 ? 0 : 1)
