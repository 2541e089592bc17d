import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Times the head works with: monotonic milliseconds for the scheduler (never jumps), wall-clock
/// milliseconds for records and for deadlines that cross machines (Drain).
enum Clock {
    static func monotonicMs() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds / 1_000_000
    }

    static func unixMs() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }
}
