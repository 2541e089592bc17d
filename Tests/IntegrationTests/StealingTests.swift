import Exec
import Foundation
import XCTest

/// Skewed tile durations on real processes: with work stealing the job ends close to the best
/// possible time; without it, for contrast, later.
final class StealingTests: XCTestCase {
    private let jobJSON = """
        {"name": "skewed", "pipeline": "sleep", "tiles": 160,
         "sleep": {"pareto": {"scale_ms": 10, "alpha": 1.3}, "seed": 7}}
        """

    /// Runs the job on 2 workers × 2 slots; returns the makespan in seconds from the records.
    private func makespan(stealing: Bool) throws -> Double {
        let cluster = try ClusterHarness(name: stealing ? "steal-on" : "steal-off")
        try cluster.startHead(extra: ["--no-backups", "--prefetch", "8"] + (stealing ? [] : ["--no-stealing"]))
        try cluster.startWorker("w1", slots: 2, extra: ["--prefetch", "8"])
        try cluster.startWorker("w2", slots: 2, extra: ["--prefetch", "8"])
        cluster.eventually("both workers to join") { cluster.log("head").components(separatedBy: "worker joined").count == 3 }
        let job = try cluster.writeJob("skewed.json", jobJSON)
        let result = try cluster.headCommand(["submit", job.path, "--wait"])
        XCTAssertEqual(result.status, 0, result.output)
        let report = try cluster.readJSON(cluster.recordsFolder().appendingPathComponent("pipeline-report.json")) as? [String: Any] ?? [:]
        return try XCTUnwrap((report["pipeline_execution_stats"] as? [String: Any])?["elapsed_time"] as? Double, "\(report)")
    }

    func testMakespanWithStealingIsNearTheLowerBound() throws {
        let spec = try JobSpec.parse(json: jobJSON, source: "skewed.json")
        let durations = (0..<UInt32(spec.tiles.count)).map { spec.sleep!.durationMs(forTile: $0) / 1000 }
        let lowerBound = max(durations.reduce(0, +) / 4, durations.max() ?? 0)
        let withStealing = try makespan(stealing: true)
        let withoutStealing = try makespan(stealing: false)
        print(String(
            format: "makespan: lower bound %.2f s, stealing %.2f s (%.3f×), no stealing %.2f s (%.3f×)",
            lowerBound, withStealing, withStealing / lowerBound, withoutStealing, withoutStealing / lowerBound))
        XCTAssertLessThanOrEqual(withStealing / lowerBound, 1.10, "stealing should end within 10% of the lower bound")
        XCTAssertGreaterThan(withoutStealing, withStealing, "without stealing the same job should take longer")
    }
}
