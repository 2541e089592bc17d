import Dispatch

/// How kernels spread work over threads: `rows` split into `threads` contiguous chunks of
/// nearly equal size, each run once (concurrently when there is more than one).
enum RowChunks {
    /// Runs `body` on every chunk of `0..<rows`, with `threads` chunks (clamped to 1...rows).
    /// The chunks are disjoint, so `body` may write its own rows of a shared output without a
    /// lock; that is the contract every kernel relies on when it hands `body` raw pointers.
    static func run(rows: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(threads, rows))
        if parts == 1 {
            body(0..<rows)
            return
        }
        withoutActuallyEscaping(body) { body in
            // Safe because chunks never overlap (see above) and concurrentPerform returns only
            // after every chunk has finished.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body(chunk(part, of: parts, rows: rows))
            }
        }
    }

    static func chunk(_ part: Int, of parts: Int, rows: Int) -> Range<Int> {
        (rows * part / parts)..<(rows * (part + 1) / parts)
    }
}
