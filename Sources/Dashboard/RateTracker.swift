/// A job's finishing rate over the last `windowMs`, from samples of its done count, and the
/// time left at that rate.
package struct RateTracker: Sendable {
    package let windowMs: UInt64
    private var samples: [(ms: UInt64, done: Int)] = []

    package init(windowMs: UInt64 = 10_000) {
        self.windowMs = max(1, windowMs)
    }

    package mutating func record(done: Int, atMs ms: UInt64) {
        if let last = samples.last, last.ms == ms {
            samples[samples.count - 1].done = done
        } else {
            samples.append((ms, done))
        }
        // Keep one sample at or before the window's start, so the rate covers the whole window.
        while samples.count > 2, samples[1].ms + windowMs <= ms { samples.removeFirst() }
    }

    /// Tiles per second over the window; 0 before two samples.
    package var perSecond: Double {
        guard let first = samples.first, let last = samples.last, last.ms > first.ms else { return 0 }
        return Double(last.done - first.done) * 1000 / Double(last.ms - first.ms)
    }

    /// Seconds until `remaining` tiles are done at the current rate; nil when nothing moves.
    package func secondsLeft(remaining: Int) -> Double? {
        let rate = perSecond
        guard remaining > 0 else { return 0 }
        guard rate > 0 else { return nil }
        return Double(remaining) / rate
    }
}
