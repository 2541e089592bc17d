/// Per-job tile state as compact parallel arrays indexed by tile (about 9 bytes per tile with the
/// pool), so a head can hold millions of tiles. Only tiles on workers have richer records, and
/// those live with the workers.
struct JobTiles: Sendable {
    let id: JobID
    let tileCount: Int
    /// `TileState.rawValue` per tile.
    private(set) var state: [UInt8]
    /// Current attempt number per tile (1 for the first run; +1 on each re-issue after a failure,
    /// a loss or a drain). Saturates instead of wrapping.
    var attempt: [UInt16]
    /// Retryable failures so far, compared with `maxAttempts`.
    var failures: [UInt8]
    /// Lost workers that were running the tile, compared with `quarantineAfterLosses`.
    var losses: [UInt8]
    /// Pending tiles along the curve. May hold stale entries (tiles that left `pending` by another
    /// path, e.g. a late result); they are skipped when popped.
    var pool: TileDeque
    /// Last error text of tiles that failed at least once (sparse).
    var errors: [UInt32: String] = [:]
    /// Tiles per state, indexed by `TileState.rawValue`.
    private(set) var counts: [Int] = Array(repeating: 0, count: TileState.allCases.count)
    var finishedEmitted = false
    var counters = JobCounters()
    /// Retryable failures a tile may have before it fails for good.
    var maxAttempts = 3
    /// Tiles whose state changed since the scheduler's owner last took them; nil when nobody
    /// asked (`Scheduler.tracksChanges`), so an untracked scheduler pays nothing.
    var changed: [UInt32]?
    /// The job finished and its tiles were dropped (`withoutTiles`).
    private(set) var tilesForgotten = false

    init(id: JobID, tileCount: Int, order: [UInt32]?, alreadyFinished: [UInt32]) {
        self.id = id
        self.tileCount = tileCount
        state = [UInt8](repeating: TileState.pending.rawValue, count: tileCount)
        attempt = [UInt16](repeating: 1, count: tileCount)
        failures = [UInt8](repeating: 0, count: tileCount)
        losses = [UInt8](repeating: 0, count: tileCount)
        counts[Int(TileState.pending.rawValue)] = tileCount
        pool = TileDeque()
        for index in alreadyFinished where Int(index) < tileCount {
            set(index, .done)
        }
        // Build the pool in curve order; ignore out-of-range and repeated indices, then append
        // anything the order forgot so that no tile is lost to a bad order.
        var entries: [UInt32] = []
        entries.reserveCapacity(counts[Int(TileState.pending.rawValue)])
        var seen = [Bool](repeating: false, count: order == nil ? 0 : tileCount)
        if let order {
            for index in order where Int(index) < tileCount && !seen[Int(index)] {
                seen[Int(index)] = true
                if state[Int(index)] == TileState.pending.rawValue { entries.append(index) }
            }
        }
        for position in 0..<tileCount where state[position] == TileState.pending.rawValue {
            if order == nil || !seen[position] { entries.append(UInt32(position)) }
        }
        pool = TileDeque(entries)
    }

    /// This job with no tiles (its counters kept): what a finished job needs to keep once
    /// nothing can change its tiles any more.
    func withoutTiles() -> JobTiles {
        var emptied = JobTiles(id: id, tileCount: 0, order: nil, alreadyFinished: [])
        emptied.finishedEmitted = finishedEmitted
        emptied.counters = counters
        emptied.maxAttempts = maxAttempts
        emptied.changed = changed == nil ? nil : []
        emptied.tilesForgotten = true
        return emptied
    }

    func state(of index: UInt32) -> TileState {
        TileState(rawValue: state[Int(index)]) ?? .pending
    }

    func contains(_ index: UInt32) -> Bool { Int(index) < tileCount }

    mutating func set(_ index: UInt32, _ newState: TileState) {
        let old = Int(state[Int(index)])
        counts[old] -= 1
        counts[Int(newState.rawValue)] += 1
        state[Int(index)] = newState.rawValue
        changed?.append(index)
    }

    func count(_ state: TileState) -> Int { counts[Int(state.rawValue)] }

    var terminalCount: Int {
        count(.done) + count(.failed) + count(.quarantined) + count(.cancelled)
    }

    var isComplete: Bool { terminalCount == tileCount }

    /// Next pending tile from the front of the pool, skipping stale entries.
    mutating func popPending() -> UInt32? {
        while let index = pool.popFront() {
            if state[Int(index)] == TileState.pending.rawValue { return index }
        }
        return nil
    }

    mutating func bumpAttempt(_ index: UInt32) {
        let position = Int(index)
        if attempt[position] < UInt16.max { attempt[position] += 1 }
    }
}
