// Choices written as bit operations. A Swift `? :` or `&&` is a branch until LLVM turns it into a
// select, which it does or not depending on what got inlined around it; a branch in a kernel
// loop stops vectorisation (and mispredicts on masks of random clouds). Bit operations on lanes
// are straight-line code that the loop vectoriser always takes.

/// All ones when `condition` holds, else zero.
@inline(__always)
func laneMask(_ condition: Bool) -> UInt32 {
    0 &- UInt32(unsafeBitCast(condition, to: UInt8.self))
}

/// All ones when `condition` holds, else zero (for Float64 lanes).
@inline(__always)
func laneMask64(_ condition: Bool) -> UInt64 {
    0 &- UInt64(unsafeBitCast(condition, to: UInt8.self))
}

/// 1 when `condition` holds, else 0.
@inline(__always)
func laneBit(_ condition: Bool) -> UInt32 {
    UInt32(unsafeBitCast(condition, to: UInt8.self))
}

/// `mask` all ones: `a`; zero: `b`.
@inline(__always)
func choose(_ mask: UInt32, _ a: Float, _ b: Float) -> Float {
    Float(bitPattern: (a.bitPattern & mask) | (b.bitPattern & ~mask))
}

@inline(__always)
func choose(_ mask: UInt64, _ a: Double, _ b: Double) -> Double {
    Double(bitPattern: (a.bitPattern & mask) | (b.bitPattern & ~mask))
}

@inline(__always)
func choose(_ mask: UInt32, _ a: Int32, _ b: Int32) -> Int32 {
    Int32(bitPattern: (UInt32(bitPattern: a) & mask) | (UInt32(bitPattern: b) & ~mask))
}
