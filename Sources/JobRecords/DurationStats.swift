/// Summary of tile durations, in seconds, for the job report.
package struct DurationStats: Codable, Sendable, Equatable {
    package var count: Int
    package var mean: Double
    package var p50: Double
    package var p95: Double
    package var max: Double

    package init(count: Int, mean: Double, p50: Double, p95: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p95 = p95
        self.max = max
    }

    /// From raw durations (nearest-rank percentiles); nil for no durations.
    package init?(seconds durations: [Double]) {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.sorted()
        func percentile(_ fraction: Double) -> Double {
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
        }
        self.init(
            count: sorted.count, mean: sorted.reduce(0, +) / Double(sorted.count), p50: percentile(0.5),
            p95: percentile(0.95), max: sorted[sorted.count - 1])
    }

    enum CodingKeys: String, CodingKey {
        case count
        case mean = "mean_seconds"
        case p50 = "p50_seconds"
        case p95 = "p95_seconds"
        case max = "max_seconds"
    }
}
