/// What became of one tile attempt; maps onto the wire's TileResult / TileFailure. How long it
/// took is measured once, by the worker that reports it.
package enum TileOutcome: Sendable, Equatable {
    /// `detail`: for a command, the last line of its standard output (at most 200 characters).
    case done(detail: String)
    /// `retryable`: whether another attempt (maybe on another worker) could succeed.
    case failed(retryable: Bool, error: String)

    package var isDone: Bool {
        if case .done = self { return true }
        return false
    }
}
