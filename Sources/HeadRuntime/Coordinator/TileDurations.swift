import JobRecords

/// Tile durations without keeping one number per tile: count, sum, max, and a bounded sample
/// for percentiles. After a head restart the journal gives back count, sum and max; the sample
/// (and so the percentiles) holds the tiles seen since.
struct TileDurations {
    private(set) var count = 0
    private(set) var sumMicros: UInt64 = 0
    private(set) var maxMicros: UInt64 = 0
    private var sample: [UInt64] = []
    private static let sampleLimit = 4096

    init() {}

    init(count: Int, sumMicros: UInt64, maxMicros: UInt64) {
        self.count = count
        self.sumMicros = sumMicros
        self.maxMicros = maxMicros
    }

    mutating func add(_ micros: UInt64) {
        count += 1
        sumMicros &+= micros
        maxMicros = max(maxMicros, micros)
        if sample.count < Self.sampleLimit {
            sample.append(micros)
        } else {
            // Deterministic thinning: replace a slot chosen by the running count.
            sample[(count &* 2_654_435_761) % Self.sampleLimit] = micros
        }
    }

    /// As the records write them (nil before any tile finished).
    var stats: DurationStats? {
        guard count > 0 else { return nil }
        let percentiles = DurationStats(seconds: sample.map { Double($0) / 1e6 })
        return DurationStats(
            count: count, mean: Double(sumMicros) / Double(count) / 1e6, p50: percentiles?.p50 ?? 0,
            p95: percentiles?.p95 ?? 0, max: Double(maxMicros) / 1e6)
    }
}
