/// Where a tile is in its lifecycle:
/// pending → queued (on a worker) → running → done | failed | quarantined (| cancelled with its job).
package enum TileState: UInt8, Sendable, CaseIterable {
    case pending = 0
    case queued = 1
    case running = 2
    case done = 3
    case failed = 4
    case quarantined = 5
    case cancelled = 6

    /// A terminal tile never changes state again and never produces a second journal entry.
    package var isTerminal: Bool { rawValue >= TileState.done.rawValue }
}
