import Synchronization

/// Idle curl handles, so every request reuses a warm connection when one is free, and parallel
/// parts each get their own. A handle is only ever used by the thread that took it.
package final class HandlePool: @unchecked Sendable {
    private let idle = Mutex<[Parked]>([])
    private let keep: Int

    /// A handle in the pool, which nobody uses until a thread takes it out: that is what lets a
    /// CurlHandle (not Sendable) go from one thread to the next.
    private struct Parked: @unchecked Sendable {
        let handle: CurlHandle
    }

    package init(keep: Int) { self.keep = max(1, keep) }

    package func withHandle<Result>(_ body: (CurlHandle) -> Result) -> Result? {
        let handle = idle.withLock { $0.popLast()?.handle } ?? CurlHandle()
        guard let handle else { return nil }
        let result = body(handle)
        let parked = Parked(handle: handle)
        idle.withLock { handles in
            if handles.count < keep { handles.append(parked) }
        }
        return result
    }
}
