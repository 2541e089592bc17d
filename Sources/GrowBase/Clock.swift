#if canImport(Glibc)
    import Glibc
#endif

/// The one place grow reads the time: monotonic milliseconds for what it measures (never jumps,
/// for timeouts and deadlines), wall-clock milliseconds for what it records or compares across
/// machines (log lines, a drain deadline sent to the head). Pure cores never call it: their shells
/// pass the time in.
package enum Clock {
    package static func monotonicMs() -> UInt64 {
        milliseconds(CLOCK_MONOTONIC)
    }

    package static func unixMs() -> UInt64 {
        milliseconds(CLOCK_REALTIME)
    }

    private static func milliseconds(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }
}
