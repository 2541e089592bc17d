/// The head's view of one worker.
public struct WorkerStatus: Sendable, Hashable {
    public var worker: WorkerID
    public var slots: Int
    /// Tiles held and not started (includes revoking and backup copies).
    public var queued: Int
    public var running: Int
    /// Tiles with an outstanding revoke.
    public var revoking: Int
    public var draining: Bool
    public var drainDeadlineMs: UInt64?
    public var lastSeenMs: UInt64
}
