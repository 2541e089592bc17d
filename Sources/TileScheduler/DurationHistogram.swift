/// Completed tile durations in logarithmic buckets (8 per doubling, ~9% wide): an approximate
/// median in constant memory, for the backup-copy threshold. Integer math only.
struct DurationHistogram: Sendable {
    private var counts = [UInt64](repeating: 0, count: 64 * 8)
    private(set) var samples: UInt64 = 0

    mutating func record(_ durationMs: UInt64) {
        counts[Self.bucket(durationMs)] += 1
        samples += 1
    }

    /// Approximate median in milliseconds, nil before the first sample.
    var median: Double? {
        guard samples > 0 else { return nil }
        let half = (samples + 1) / 2
        var seen: UInt64 = 0
        for (bucket, count) in counts.enumerated() {
            seen += count
            if seen >= half { return Self.middle(of: bucket) }
        }
        return nil
    }

    /// Bucket = 8 * floor(log2(d + 1)) + the three bits after the leading one.
    static func bucket(_ durationMs: UInt64) -> Int {
        let value = durationMs == .max ? durationMs : durationMs + 1
        let exponent = 63 - value.leadingZeroBitCount
        let mantissa =
            exponent >= 3 ? (value >> UInt64(exponent - 3)) & 7 : (value << UInt64(3 - exponent)) & 7
        return exponent * 8 + Int(mantissa)
    }

    static func middle(of bucket: Int) -> Double {
        let exponent = bucket / 8
        let mantissa = Double(bucket % 8)
        var scale = 1.0
        for _ in 0..<exponent { scale *= 2 }
        return (8 + mantissa + 0.5) * scale / 8 - 1
    }
}
