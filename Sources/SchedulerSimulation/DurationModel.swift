import GrowBase

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the simulator draws tile durations (milliseconds).
package enum DurationModel: Sendable, Hashable {
    case fixed(ms: UInt64)
    /// Heavy-tailed: P(X > x) = (minimum / x)^alpha. alpha ≤ 2 has infinite variance.
    case pareto(alpha: Double, minimumMs: Double)
    case lognormal(medianMs: Double, sigma: Double)
    /// Pareto durations scaled by a per-patch factor (also Pareto): runs of `patchSize`
    /// consecutive tiles along the curve are heavy or light together, as land and sea tiles are.
    case patchyPareto(alpha: Double, minimumMs: Double, patchSize: Int)

    /// Durations for `count` tiles, in curve order position.
    package func sample(count: Int, using generator: inout SplitMix64) -> [UInt64] {
        var durations: [UInt64] = []
        durations.reserveCapacity(count)
        var patchFactor = 1.0
        for position in 0..<count {
            let value: Double
            switch self {
            case .fixed(let ms):
                value = Double(ms)
            case .pareto(let alpha, let minimum):
                value = Self.pareto(alpha: alpha, minimum: minimum, using: &generator)
            case .lognormal(let median, let sigma):
                let u = generator.positiveUnit()
                let v = generator.positiveUnit()
                let normal = sqrt(-2 * log(u)) * cos(2 * Double.pi * v)
                value = median * exp(sigma * normal)
            case .patchyPareto(let alpha, let minimum, let patchSize):
                if position % max(1, patchSize) == 0 {
                    patchFactor = Self.pareto(alpha: alpha, minimum: 1, using: &generator)
                }
                value = patchFactor * Self.pareto(alpha: alpha, minimum: minimum, using: &generator)
            }
            durations.append(UInt64(min(max(value, 1), 1e12)))
        }
        return durations
    }

    private static func pareto(alpha: Double, minimum: Double, using generator: inout SplitMix64)
        -> Double
    {
        minimum * pow(generator.positiveUnit(), -1 / max(alpha, 0.01))
    }
}
