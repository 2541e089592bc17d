/// A tile on a worker, as the head sees it.
struct HeldTile: Sendable {
    var attempt: UInt32
    /// Assignment order: the back of a worker's queue has the highest numbers (what a steal takes).
    var sequence: UInt64
    /// Time the worker reported starting it; nil while it is only queued.
    var startedAt: UInt64?
    /// A revoke for this tile is outstanding.
    var revoking = false
    /// This is the second (backup) copy of a tile that also runs elsewhere.
    var isBackup = false

    var isStarted: Bool { startedAt != nil }
}
