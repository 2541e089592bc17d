/// The head's view of one connected worker. Counters are kept in step with `held` by the
/// scheduler so that status queries and victim selection are O(1).
struct WorkerState: Sendable {
    let id: WorkerID
    /// False for a reusable slot of a departed worker.
    var alive = true
    var slots: Int
    var queueTarget: Int
    var lastSeen: UInt64
    var drainDeadline: UInt64?
    var held: [TileRef: HeldTile] = [:]
    /// Held and not started (includes revoking and backup copies not yet started).
    var queued = 0
    var running = 0
    /// Queued tiles with an outstanding revoke.
    var revoking = 0
    /// Queued tiles that are backup copies (never stolen).
    var queuedBackups = 0
    var pendingRevokes: [PendingRevoke] = []
    /// Tiles being stolen for this worker and not yet acked by their victim.
    var incoming = 0
    /// Free slots the worker reported with its last request.
    var reportedFreeSlots = 0
    /// Its last request was not filled: feed it when work appears.
    var hungry = false
    /// Key of this worker's newest entry in the steal heap (avoids pushing duplicates).
    var stealKey = 0

    init(id: WorkerID, slots: Int, queueTarget: Int, now: UInt64) {
        self.id = id
        self.slots = slots
        self.queueTarget = queueTarget
        self.lastSeen = now
    }

    var isDraining: Bool { drainDeadline != nil }
    var heldCount: Int { held.count }

    /// Tiles the worker wants on top of what it holds and what is being stolen for it.
    var demand: Int { isDraining ? 0 : max(0, queueTarget - held.count - incoming) }

    /// Unstarted tiles a thief may take: queued ones that are not revoking or backups, less those
    /// the worker's own free slots will start right away.
    var stealable: Int {
        let free = max(0, slots - running)
        return max(0, queued - revoking - queuedBackups - free)
    }

    /// Slots with nothing to run: what backup copies may use.
    var idleSlots: Int { max(0, slots - held.count) }
}
