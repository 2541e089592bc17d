/// NumPy's default bit generator (PCG64: a 128-bit LCG with the XSL-RR output), with NumPy's
/// way of giving out 32-bit values (both halves of a 64-bit output, low first) and of drawing
/// bounded integers (Lemire's method). Seeded as `np.random.default_rng(seed)` seeds it, so a
/// seed gives the numbers NumPy gives.
package struct PCG64 {
    private static let multiplier: UInt128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645

    private var state: UInt128
    private let increment: UInt128
    /// The high half of the last 64-bit output, not yet given out as a 32-bit value.
    private var pendingHalf: UInt32?

    /// `np.random.default_rng(seed)`.
    package init(seed: UInt64) {
        let words = NumpySeedSequence.state64(seed: seed, count: 4)
        let initialState = UInt128(words[0]) << 64 | UInt128(words[1])
        let sequence = UInt128(words[2]) << 64 | UInt128(words[3])
        increment = sequence << 1 | 1
        state = 0
        step()
        state &+= initialState
        step()
    }

    private mutating func step() {
        state = state &* Self.multiplier &+ increment
    }

    package mutating func next64() -> UInt64 {
        step()
        let folded = UInt64(truncatingIfNeeded: state >> 64) ^ UInt64(truncatingIfNeeded: state)
        let rotation = UInt64(truncatingIfNeeded: state >> 122)
        return folded >> rotation | folded << ((64 &- rotation) & 63)
    }

    package mutating func next32() -> UInt32 {
        if let half = pendingHalf {
            pendingHalf = nil
            return half
        }
        let value = next64()
        pendingHalf = UInt32(truncatingIfNeeded: value >> 32)
        return UInt32(truncatingIfNeeded: value)
    }

    /// Uniform in 0...max, as NumPy's bounded draws without a mask.
    package mutating func bounded(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        if max <= UInt64(UInt32.max) {
            if max == UInt64(UInt32.max) { return UInt64(next32()) }
            return UInt64(lemire32(UInt32(max)))
        }
        if max == UInt64.max { return next64() }
        return lemire64(max)
    }

    /// Lemire's multiply-and-reject over 32-bit draws (0 < max < 2^32 - 1).
    private mutating func lemire32(_ max: UInt32) -> UInt32 {
        let range = max &+ 1
        var product = UInt64(next32()) * UInt64(range)
        var low = UInt32(truncatingIfNeeded: product)
        if low < range {
            let threshold = (UInt32.max &- max) % range
            while low < threshold {
                product = UInt64(next32()) * UInt64(range)
                low = UInt32(truncatingIfNeeded: product)
            }
        }
        return UInt32(truncatingIfNeeded: product >> 32)
    }

    private mutating func lemire64(_ max: UInt64) -> UInt64 {
        let range = max &+ 1
        var (high, low) = next64().multipliedFullWidth(by: range)
        if low < range {
            let threshold = (UInt64.max &- max) % range
            while low < threshold {
                (high, low) = next64().multipliedFullWidth(by: range)
            }
        }
        return high
    }
}
