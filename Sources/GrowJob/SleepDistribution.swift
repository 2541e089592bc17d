import Foundation
import GrowBase

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

    /// Uniform in (0, 1], the same for the same (seed, index, stream) on every machine.
    static func unit(seed: UInt64, index: UInt32, stream: UInt64) -> Double {
        var generator = SplitMix64(
            seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03)
        return generator.positiveUnit()
    }

    var seed: UInt64? {
        switch self {
        case .fixed: return nil
        case .pareto(_, _, let seed), .lognormal(_, _, let seed), .uniform(_, _, let seed): return seed
        }
    }
}
