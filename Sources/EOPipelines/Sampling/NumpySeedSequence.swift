/// NumPy's `SeedSequence` for an integer seed: how `np.random.default_rng(seed)` turns the seed
/// into the state of its bit generator. Reproduced so that grow draws the same samples as eo-grow
/// from the same seed.
enum NumpySeedSequence {
    private static let poolSize = 4
    private static let initA: UInt32 = 0x43b0_d7e5
    private static let multA: UInt32 = 0x931e_8875
    private static let initB: UInt32 = 0x8b51_f9dd
    private static let multB: UInt32 = 0x58f3_8ded
    private static let mixLeft: UInt32 = 0xca01_f9dd
    private static let mixRight: UInt32 = 0x4973_f715

    /// `SeedSequence(seed).generate_state(count, np.uint64)`.
    static func state64(seed: UInt64, count: Int) -> [UInt64] {
        let words = state32(pool: pool(entropy: words32(seed)), count: 2 * count)
        // NumPy views pairs of little-endian 32-bit words as one 64-bit word.
        return (0..<count).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 }
    }

    /// The seed as 32-bit words, least significant first (0 is one word).
    static func words32(_ seed: UInt64) -> [UInt32] {
        var words: [UInt32] = []
        var rest = seed
        repeat {
            words.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest > 0
        return words
    }

    /// The entropy pool after mixing every word into every other.
    static func pool(entropy: [UInt32]) -> [UInt32] {
        var hashConstant = initA
        func hashMix(_ value: UInt32) -> UInt32 {
            var value = value ^ hashConstant
            hashConstant = hashConstant &* multA
            value = value &* hashConstant
            return value ^ (value >> 16)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let result = mixLeft &* x &- mixRight &* y
            return result ^ (result >> 16)
        }
        var pool = (0..<poolSize).map { hashMix($0 < entropy.count ? entropy[$0] : 0) }
        for source in 0..<poolSize {
            for target in 0..<poolSize where source != target {
                pool[target] = mix(pool[target], hashMix(pool[source]))
            }
        }
        for source in poolSize..<max(poolSize, entropy.count) {
            for target in 0..<poolSize {
                pool[target] = mix(pool[target], hashMix(entropy[source]))
            }
        }
        return pool
    }

    /// `generate_state(count)` in 32-bit words: the pool cycled through a second hash.
    static func state32(pool: [UInt32], count: Int) -> [UInt32] {
        var hashConstant = initB
        return (0..<count).map { index in
            var value = pool[index % pool.count] ^ hashConstant
            hashConstant = hashConstant &* multB
            value = value &* hashConstant
            return value ^ (value >> 16)
        }
    }
}
