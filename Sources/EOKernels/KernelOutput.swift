#if canImport(Glibc)
    import Glibc
#endif

/// A kernel's result array, filled by `fill` in place. A fresh multi-megabyte array comes from
/// mmap untouched, and the kernel's first writes fault its pages in one by one; on Linux the
/// array is first marked for transparent huge pages (2 MiB, one fault instead of 512), as numpy
/// does for its own arrays of 4 MiB or more, so both sides pay the same for fresh memory.
func kernelOutput<T>(count: Int, _ fill: (UnsafeMutablePointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        adviseHugePages(UnsafeMutableRawPointer(buffer.start), byteCount: count * MemoryLayout<T>.stride)
        fill(buffer.start)
        initialized = count
    }
}

private func adviseHugePages(_ start: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
        let page: UInt = 2 << 20
        guard byteCount >= 4 << 20 else { return }
        let first = (UInt(bitPattern: start) + page - 1) & ~(page - 1)
        let end = (UInt(bitPattern: start) + UInt(byteCount)) & ~(page - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        // Advice only: where THP is off, or the range is not anonymous memory, nothing changes.
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
    #endif
}
