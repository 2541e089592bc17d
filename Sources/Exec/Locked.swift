import Foundation

/// A value behind a lock, for the few pieces of state that threads share (cancellation, a running
/// child). `Mutex` would do but needs macOS 15; the package still builds for macOS 14.
final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
