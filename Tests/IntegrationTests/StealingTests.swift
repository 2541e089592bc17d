import Foundation
import GrowJob
import XCTest

/// Skewed tile durations on real processes: with work stealing a job ends close to the best
/// possible time; without it, for contrast, later.
final class StealingTests: XCTestCase {
    /// Pareto-distributed tile times (a heavy tail, as EO tiles over cloudy or coastal areas have).
    private let paretoJob = """
        {"name": "skewed", "pipeline": "sleep", "tiles": 160,
         "sleep": {"pareto": {"scale_ms": 10, "alpha": 1.3}, "seed": 7}}
        """
    /// The first half of the map is ten times as slow as the second: one worker's prefetched
    /// batch holds all the slow tiles unless it is stolen from.
    private let patchJob = """
        {"name": "patch", "pipeline": "command", "tiles": 64,
         "command": ["sh", "-c", "if [ {index} -lt 32 ]; then sleep 0.2; else sleep 0.02; fi"]}
        """

    /// Runs a job on 2 workers × 2 slots; returns the makespan in seconds from the records.
    private func makespan(_ json: String, stealing: Bool, prefetch: Int) throws -> Double {
        let cluster = try ClusterHarness(name: stealing ? "steal-on" : "steal-off")
        let options = ["--prefetch", "\(prefetch)"]
        try cluster.startHead(extra: ["--no-backups"] + options + (stealing ? [] : ["--no-stealing"]))
        try cluster.startWorker("w1", slots: 2, extra: options)
        try cluster.startWorker("w2", slots: 2, extra: options)
        cluster.eventually("both workers to join") {
            cluster.log("head").components(separatedBy: "worker joined").count == 3
        }
        let job = try cluster.writeJob("job.json", json)
        let result = try cluster.headCommand(["submit", job.path, "--wait"])
        XCTAssertEqual(result.status, 0, result.output)
        let report =
            try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json"))
            as? [String: Any] ?? [:]
        let stats = report["pipeline_execution_stats"] as? [String: Any]
        return try XCTUnwrap(stats?["elapsed_time"] as? Double, "\(report)")
    }

    func testParetoJobEndsWithinTenPercentOfTheLowerBound() throws {
        let spec = try JobSpec.parse(json: paretoJob, source: "skewed.json")
        let durations = (0..<UInt32(spec.tiles.count)).map { spec.sleep!.durationMs(forTile: $0) / 1000 }
        let lowerBound = max(durations.reduce(0, +) / 4, durations.max() ?? 0)
        let withStealing = try makespan(paretoJob, stealing: true, prefetch: 8)
        let withoutStealing = try makespan(paretoJob, stealing: false, prefetch: 8)
        print(
            String(
                format: "pareto job: lower bound %.2f s; stealing %.2f s (%.3f×); no stealing %.2f s (%.3f×)",
                lowerBound, withStealing, withStealing / lowerBound, withoutStealing, withoutStealing / lowerBound))
        XCTAssertLessThanOrEqual(withStealing / lowerBound, 1.10, "stealing should end within 10% of the lower bound")
    }

    func testStealingRescuesAWorkerStuckWithTheSlowPatch() throws {
        let lowerBound = (32 * 0.2 + 32 * 0.02) / 4
        let withStealing = try makespan(patchJob, stealing: true, prefetch: 16)
        let withoutStealing = try makespan(patchJob, stealing: false, prefetch: 16)
        print(
            String(
                format: "patch job: lower bound %.2f s; stealing %.2f s (%.3f×); no stealing %.2f s (%.3f×)",
                lowerBound, withStealing, withStealing / lowerBound, withoutStealing, withoutStealing / lowerBound))
        // Room for process start-up on a loaded machine (it measured 1.28 while builds ran beside it);
        // the comparison below is what shows the stealing.
        XCTAssertLessThanOrEqual(withStealing / lowerBound, 1.4, "stealing should balance the slow patch")
        XCTAssertGreaterThan(
            withoutStealing / withStealing, 1.3, "without stealing one worker runs the whole slow patch")
    }
}
