/// The head's view of one worker.
package struct WorkerStatus: Sendable, Hashable {
    package var worker: WorkerID
    package var slots: Int
    /// Tiles held and not started (includes revoking and backup copies).
    package var queued: Int
    package var running: Int
    /// Tiles with an outstanding revoke.
    package var revoking: Int
    package var draining: Bool
    package var drainDeadlineMs: UInt64?
    package var lastSeenMs: UInt64
}
