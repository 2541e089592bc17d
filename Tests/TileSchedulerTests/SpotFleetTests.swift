import Autoscaler
import SchedulerSimulation
import XCTest

/// The scheduler and the autoscaler together over a simulated spot fleet that is interrupted
/// far more often than EC2 does: no tile may be lost or recorded twice.
final class SpotFleetTests: XCTestCase {
    func fleet(notices: Double, losses: Double, seed: UInt64) -> SpotFleetConfig {
        var config = SpotFleetConfig()
        config.tiles = 20_000
        config.seed = seed
        config.durations = .lognormal(medianMs: 20_000, sigma: 0.8)
        config.autoscaler = AutoscalerConfig(
            nodeTypes: [NodeTypeSpec(name: "spot", maxWorkers: 60, slots: 4)], idleTimeoutMs: 120_000)
        config.noticesPerInstanceHour = notices
        config.lossesPerInstanceHour = losses
        return config
    }

    func testAStormOfNoticesAndLossesLosesNoTile() {
        for seed: UInt64 in 1...3 {
            let result = SpotFleetSimulator(config: fleet(notices: 1.0, losses: 0.2, seed: seed)).run()
            XCTAssertTrue(result.finished, "seed \(seed): \(result.violations)")
            XCTAssertEqual(result.violations, [], "seed \(seed)")
            XCTAssertEqual(result.tilesLost, 0, "seed \(seed)")
            XCTAssertEqual(result.tilesJournaledTwice, 0, "seed \(seed)")
            XCTAssertGreaterThan(result.notices, 10, "seed \(seed): the storm happened")
            XCTAssertGreaterThan(result.losses, 0, "seed \(seed)")
            XCTAssertGreaterThan(result.autoscaler.launchedAtNotice, 0, "seed \(seed): replacements at notices")
            XCTAssertGreaterThan(result.redoneWorkMs, 0, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(result.instanceMs, result.boundInstanceMs, "seed \(seed): the bound is a bound")
        }
    }

    func testWithoutInterruptionsNothingIsRedoneAndTheFleetGoesAwayWhenIdle() {
        let result = SpotFleetSimulator(config: fleet(notices: 0, losses: 0, seed: 7)).run()
        XCTAssertTrue(result.finished)
        XCTAssertEqual(result.violations, [])
        XCTAssertEqual(result.tilesLost, 0)
        XCTAssertEqual(result.redoneWorkMs, 0)
        XCTAssertEqual(result.notices, 0)
        XCTAssertEqual(result.peakNodes, 60)
        XCTAssertEqual(result.autoscaler.terminated, result.autoscaler.launched, "every node released at the end")
    }
}
