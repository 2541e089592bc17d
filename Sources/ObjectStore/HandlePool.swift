/// Idle curl handles, so every request reuses a warm connection when one is free, and parallel
/// parts each get their own. A handle is only ever used by the thread that took it.
final class HandlePool: @unchecked Sendable {
    private let idle = Guarded<[CurlHandle]>([])
    private let keep: Int

    init(keep: Int) { self.keep = max(1, keep) }

    func withHandle<Result>(_ body: (CurlHandle) -> Result) -> Result? {
        let handle = idle.withLock { $0.popLast() } ?? CurlHandle()
        guard let handle else { return nil }
        let result = body(handle)
        idle.withLock { handles in
            if handles.count < keep { handles.append(handle) }
        }
        return result
    }
}
