import Foundation

/// How long a `sleep` tile sleeps. The duration of a tile is a pure function of (seed, tile index):
/// every attempt and every worker agrees on it, so a benchmark run is reproducible.
///
/// JSON: `{"fixed_ms": 10}`, `{"pareto": {"scale_ms": 5, "alpha": 1.5}, "seed": 1}`,
/// `{"lognormal": {"median_ms": 20, "sigma": 1}, "seed": 1}`,
/// `{"uniform": {"min_ms": 1, "max_ms": 9}, "seed": 1}`. `seed` defaults to 0.
package enum SleepDistribution: Sendable, Equatable {
    case fixed(ms: Double)
    /// Heavy-tailed: `scale * u^(-1/alpha)`; mean `scale * alpha / (alpha - 1)` (alpha > 1).
    case pareto(scaleMs: Double, alpha: Double, seed: UInt64)
    /// `median * exp(sigma * z)` with z standard normal.
    case lognormal(medianMs: Double, sigma: Double, seed: UInt64)
    case uniform(minMs: Double, maxMs: Double, seed: UInt64)

    package func durationMs(forTile index: UInt32) -> Double {
        switch self {
        case .fixed(let ms):
            return ms
        case .pareto(let scale, let alpha, let seed):
            let u = Self.unit(seed: seed, index: index, stream: 0)
            return scale * pow(u, -1 / alpha)
        case .lognormal(let median, let sigma, let seed):
            // Box-Muller over two independent draws.
            let u1 = Self.unit(seed: seed, index: index, stream: 0)
            let u2 = Self.unit(seed: seed, index: index, stream: 1)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return median * exp(sigma * z)
        case .uniform(let low, let high, let seed):
            let u = Self.unit(seed: seed, index: index, stream: 0)
            return low + (high - low) * (1 - u)
        }
    }

    /// Uniform in (0, 1], from a SplitMix64-style hash of (seed, index, stream).
    static func unit(seed: UInt64, index: UInt32, stream: UInt64) -> Double {
        var z = seed &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z = z ^ (z >> 31)
        return Double((z >> 11) + 1) / Double(UInt64(1) << 53)
    }

    var seed: UInt64? {
        switch self {
        case .fixed: return nil
        case .pareto(_, _, let seed), .lognormal(_, _, let seed), .uniform(_, _, let seed): return seed
        }
    }
}
