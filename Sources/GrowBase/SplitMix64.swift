/// SplitMix64 (Steele, Lea and Flood): a small, fast, seeded generator that gives the same
/// sequence on every machine for the same seed, which is what simulations, per-tile samples and
/// test inputs need. Not for anything secret.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1]: never 0, so it is safe under a logarithm or a negative power.
    package mutating func positiveUnit() -> Double {
        Double((next() >> 11) + 1) / Double(UInt64(1) << 53)
    }
}
