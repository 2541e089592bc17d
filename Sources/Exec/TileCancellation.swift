import Synchronization

/// Stops one running tile from another thread or task. `cancel()` kills a running command (SIGKILL
/// to its process group) or wakes a sleeping tile; the outcome is then
/// `failed(retryable: true, error: "cancelled")`. Cancelling twice, or before the tile starts, is fine.
package final class TileCancellation: Sendable {
    private struct State {
        var cancelled = false
        var nextID: UInt64 = 0
        var handlers: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package func cancel() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.cancelled else { return [] }
            state.cancelled = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }

    package var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// Runs `handler` once on cancellation (right away if already cancelled, in which case nil is
    /// returned). Handlers run on the cancelling thread and must be quick.
    @discardableResult
    package func onCancel(_ handler: @escaping @Sendable () -> Void) -> UInt64? {
        let id = state.withLock { state -> UInt64? in
            guard !state.cancelled else { return nil }
            state.nextID += 1
            state.handlers[state.nextID] = handler
            return state.nextID
        }
        if id == nil { handler() }
        return id
    }

    package func removeHandler(_ id: UInt64?) {
        guard let id else { return }
        state.withLock { _ = $0.handlers.removeValue(forKey: id) }
    }

    /// Returns when cancelled (or when the calling task is cancelled).
    func waitUntilCancelled() async {
        let wake = OneShot()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                wake.arm(continuation)
                let id = onCancel { wake.fire() }
                wake.whenFired { [weak self] in self?.removeHandler(id) }
            }
        } onCancel: {
            wake.fire()
        }
    }
}

/// Resumes a continuation exactly once, whether `fire()` comes before or after `arm`.
final class OneShot: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var fired = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func arm(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state -> Bool in
            if state.fired { return true }
            state.continuation = continuation
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func whenFired(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.fired { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    func fire() {
        let (continuation, cleanup) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            guard !state.fired else { return (nil, nil) }
            state.fired = true
            defer {
                state.continuation = nil
                state.cleanup = nil
            }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume()
        cleanup?()
    }
}
