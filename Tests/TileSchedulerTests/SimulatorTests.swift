import Foundation
import GrowBase
import SchedulerSimulation
import TileScheduler
import XCTest

final class SimulatorTests: XCTestCase {
    /// Few workers with deep queues (four 32-tile patches each) and patchy durations: a quarter of
    /// the patches are 8× heavier, as land tiles are next to sea tiles. Without stealing, whoever
    /// holds a heavy patch when the pool runs dry finishes long after the others.
    private func skewed(stealing: Bool, seed: UInt64) -> SimulatorConfig {
        var generator = SplitMix64(seed: seed)
        var durations: [UInt64] = []
        var factor = 1.0
        for index in 0..<1200 {
            if index % 32 == 0 { factor = generator.next() % 4 == 0 ? 8 : 1 }
            // Pareto(alpha 3) from 1 s: a tail, but no single tile rivals the whole run.
            durations.append(UInt64(factor * 1000 * pow(generator.unit(), -1.0 / 3)))
        }
        var config = SimulatorConfig()
        config.workers = 4
        config.slotsPerWorker = 2
        config.tiles = durations.count
        config.tileDurationsMs = durations
        config.seed = seed
        config.scheduler = SchedulerConfig(prefetchPerSlot: 63, stealing: stealing, backupCopies: false)
        return config
    }

    func testStealingKeepsMakespanNearTheLowerBoundAndBeatsNoStealing() {
        var gap = 0.0
        for seed in UInt64(1)...4 {
            let with = Simulator(config: skewed(stealing: true, seed: seed)).run()
            let without = Simulator(config: skewed(stealing: false, seed: seed)).run()
            XCTAssertEqual(with.violations, [])
            XCTAssertEqual(without.violations, [])
            XCTAssertTrue(with.finished && without.finished)
            XCTAssertEqual(with.done, 1200)
            XCTAssertLessThanOrEqual(with.ratio, 1.10, "seed \(seed)")
            XCTAssertGreaterThan(with.counters.tiles.steals, 0)
            XCTAssertEqual(without.counters.tiles.steals, 0)
            XCTAssertGreaterThan(
                without.ratio, with.ratio + 0.05, "seed \(seed): stealing off should be worse")
            gap += (without.ratio - with.ratio) / 4
        }
        // Measured: with stealing 1.01–1.04 × the bound, without 1.08–1.27 ×.
        XCTAssertGreaterThan(gap, 0.10)
    }

    func testInvariantsHoldWithRandomWorkerLossFailuresAndPoison() {
        for seed in UInt64(1)...4 {
            var config = SimulatorConfig()
            config.workers = 20
            config.slotsPerWorker = 1
            config.tiles = 2000
            config.seed = seed
            config.durations = .lognormal(medianMs: 1000, sigma: 1)
            config.workerLosses = 25
            config.failureProbability = 0.02
            config.nonRetryableFraction = 0.2
            config.poisonTiles = 2
            config.consistencyCheckEvery = 997
            let result = Simulator(config: config).run()
            XCTAssertEqual(result.violations, [], "seed \(seed)")
            XCTAssertTrue(result.finished)
            XCTAssertEqual(result.done + result.failed + result.quarantined, 2000)
            XCTAssertGreaterThanOrEqual(result.quarantined, 1)
            XCTAssertGreaterThan(result.counters.workersLost, 0)
            XCTAssertGreaterThan(result.counters.tiles.reissuedAfterLoss, 0)
        }
    }

    func testBackupCopiesRunAtTheTailWithoutBreakingInvariants() {
        var config = SimulatorConfig()
        config.workers = 10
        config.slotsPerWorker = 2
        config.tiles = 400
        config.durations = .pareto(alpha: 1.5, minimumMs: 500)
        config.scheduler = SchedulerConfig(prefetchPerSlot: 1)
        config.workerLosses = 4
        config.consistencyCheckEvery = 101
        let result = Simulator(config: config).run()
        XCTAssertEqual(result.violations, [])
        XCTAssertEqual(result.done, 400)
        XCTAssertGreaterThan(result.counters.tiles.backupsLaunched, 0)
    }

    func testSameSeedSameRun() {
        var config = SimulatorConfig()
        config.workers = 12
        config.tiles = 500
        config.workerLosses = 5
        config.gridWidth = 25
        let a = Simulator(config: config).run()
        let b = Simulator(config: config).run()
        XCTAssertEqual(a.makespanMs, b.makespanMs)
        XCTAssertEqual(a.decisions, b.decisions)
        XCTAssertEqual(a.counters, b.counters)
        config.seed = 2
        XCTAssertNotEqual(Simulator(config: config).run().makespanMs, a.makespanMs)
    }
}
