import GrowJob
import XCTest

final class SleepDistributionTests: XCTestCase {
    private let tiles = 20_000

    private func draws(_ distribution: SleepDistribution) -> [Double] {
        (0..<UInt32(tiles)).map { distribution.durationMs(forTile: $0) }
    }

    func testDurationsArePureFunctionsOfSeedAndTile() {
        let distributions: [SleepDistribution] = [
            .pareto(scaleMs: 5, alpha: 1.5, seed: 1), .lognormal(medianMs: 20, sigma: 1, seed: 1),
            .uniform(minMs: 1, maxMs: 9, seed: 1),
        ]
        for distribution in distributions {
            XCTAssertEqual(draws(distribution).prefix(100), draws(distribution).prefix(100))
            let values = Set((0..<100).map { distribution.durationMs(forTile: $0) })
            XCTAssertGreaterThan(values.count, 90, "tiles get different durations: \(distribution)")
        }
        XCTAssertNotEqual(
            SleepDistribution.pareto(scaleMs: 5, alpha: 1.5, seed: 1).durationMs(forTile: 7),
            SleepDistribution.pareto(scaleMs: 5, alpha: 1.5, seed: 2).durationMs(forTile: 7))
    }

    func testFixed() {
        XCTAssertEqual(SleepDistribution.fixed(ms: 10).durationMs(forTile: 123), 10)
    }

    func testUniformBoundsAndMean() {
        let values = draws(.uniform(minMs: 1, maxMs: 9, seed: 3))
        XCTAssertGreaterThanOrEqual(values.min() ?? -1, 1)
        XCTAssertLessThanOrEqual(values.max() ?? 100, 9)
        let mean = values.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 5, accuracy: 0.2)
    }

    func testParetoMinimumAndMedian() {
        let values = draws(.pareto(scaleMs: 5, alpha: 2.5, seed: 4))
        XCTAssertGreaterThanOrEqual(values.min() ?? 0, 5)
        // Median of Pareto: scale * 2^(1/alpha) = 6.60; mean scale * alpha / (alpha - 1) = 8.33.
        let sorted = values.sorted()
        XCTAssertEqual(sorted[sorted.count / 2], 5 * pow(2, 1 / 2.5), accuracy: 0.3)
        let mean = values.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 5 * 2.5 / 1.5, accuracy: 0.8)
    }

    func testLognormalMedianAndSpread() {
        let values = draws(.lognormal(medianMs: 20, sigma: 1, seed: 5)).sorted()
        XCTAssertEqual(values[values.count / 2], 20, accuracy: 1.5)
        // log-values: mean log(20), standard deviation 1.
        let logs = values.map { log($0) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let variance = logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count)
        XCTAssertEqual(mean, log(20), accuracy: 0.05)
        XCTAssertEqual(variance.squareRoot(), 1, accuracy: 0.05)
    }
}
