import GrowJob
import TileScheduler

/// One job's tiles as the dashboard draws them: per position its state, worker, attempt and run
/// time, in parallel arrays (about 10 bytes a tile, so a 1 M-tile job costs ~10 MB), and the
/// positions changed since the stream's last batch.
package struct JobMap: Sendable {
    package let job: JobID
    package let name: String
    package let pipeline: String
    package let layout: TileLayout
    package let submittedUnixMs: UInt64
    package var endedUnixMs: UInt64?
    package var cancelled = false
    let tiles: TileSet
    let selected: [UInt32]?

    package private(set) var state: [UInt8]
    /// The worker holding or that ran the tile (WorkerID, saturated to 16 bits); 0 for none.
    package private(set) var worker: [UInt16]
    package private(set) var attempt: [UInt16]
    /// Run time of a finished tile in milliseconds (saturated).
    package private(set) var durationMs: [UInt32]
    /// Tiles per state, indexed by `TileState.rawValue`.
    package private(set) var counts: [Int]
    /// Last error of tiles that failed at least once.
    package private(set) var errors: [UInt32: String] = [:]
    package var quicklooks: [Quicklook] = []

    private var isDirty: [Bool]
    private(set) var dirty: [UInt32] = []

    init(_ opening: JobOpening) {
        job = opening.job
        name = opening.name
        pipeline = opening.pipeline
        tiles = opening.tiles
        selected = opening.selected
        layout = TileLayout.of(opening.tiles, selected: opening.selected)
        submittedUnixMs = opening.submittedUnixMs
        endedUnixMs = opening.endedUnixMs
        cancelled = opening.cancelled
        let count = layout.count
        state = [UInt8](repeating: TileState.pending.rawValue, count: count)
        worker = [UInt16](repeating: 0, count: count)
        attempt = [UInt16](repeating: 0, count: count)
        durationMs = [UInt32](repeating: 0, count: count)
        isDirty = [Bool](repeating: false, count: count)
        counts = [Int](repeating: 0, count: TileState.allCases.count)
        counts[Int(TileState.pending.rawValue)] = count
        for (position, state) in opening.settled where Int(position) < count {
            set(position, state)
        }
    }

    package var tileCount: Int { state.count }

    package func count(_ state: TileState) -> Int { counts[Int(state.rawValue)] }

    /// The spec's name of the tile at a position.
    package func tileName(_ position: UInt32) -> String {
        tiles.name(of: selected.map { Int(position) < $0.count ? $0[Int(position)] : position } ?? position)
    }

    /// The UTM zone (EPSG code) of an area job's tile at a position; nil for other jobs.
    package func epsg(_ position: UInt32) -> Int32? {
        let index = Int(selected.map { Int(position) < $0.count ? $0[Int(position)] : position } ?? position)
        return index < tiles.areaTiles.count ? tiles.areaTiles[index].epsg : nil
    }

    private mutating func set(_ position: UInt32, _ newState: TileState) {
        let index = Int(position)
        counts[Int(state[index])] -= 1
        counts[Int(newState.rawValue)] += 1
        state[index] = newState.rawValue
    }

    /// Applies a change; false when it changed nothing the map shows.
    @discardableResult
    mutating func apply(_ change: TileChange) -> Bool {
        let index = Int(change.position)
        guard index < state.count else { return false }
        let newWorker = UInt16(clamping: change.worker)
        let newAttempt = UInt16(clamping: change.attempt)
        if state[index] == change.state.rawValue && worker[index] == newWorker && attempt[index] == newAttempt {
            return false
        }
        // A terminal tile never changes again (a late or duplicate report cannot undo it).
        if TileState(rawValue: state[index])?.isTerminal == true { return false }
        set(change.position, change.state)
        worker[index] = newWorker
        attempt[index] = newAttempt
        if change.state == .done {
            durationMs[index] = UInt32(clamping: change.durationMicros / 1000)
        }
        markDirty(change.position)
        return true
    }

    /// Applies a run of changes; true when the map had no pending changes before and has now.
    mutating func apply(_ changes: ArraySlice<TileChange>) -> Bool {
        let wasClean = dirty.isEmpty
        for change in changes { apply(change) }
        return wasClean && !dirty.isEmpty
    }

    mutating func noteError(_ position: UInt32, _ error: String) {
        guard Int(position) < state.count else { return }
        // The detail panel shows the end of the error; keep a bounded tail.
        errors[position] = error.count > 2048 ? String(error.suffix(2048)) : error
    }

    private mutating func markDirty(_ position: UInt32) {
        guard !isDirty[Int(position)] else { return }
        isDirty[Int(position)] = true
        dirty.append(position)
    }

    /// The positions changed since the last call, with their current state and worker, grouped
    /// by (state, worker) and sorted within each group.
    mutating func takeChanges() -> [ChangeGroup] {
        guard !dirty.isEmpty else { return [] }
        var groups: [GroupKey: [UInt32]] = [:]
        for position in dirty {
            isDirty[Int(position)] = false
            let key = GroupKey(state: state[Int(position)], worker: worker[Int(position)])
            groups[key, default: []].append(position)
        }
        dirty.removeAll(keepingCapacity: true)
        return groups.sorted { ($0.key.state, $0.key.worker) < ($1.key.state, $1.key.worker) }.map {
            ChangeGroup(state: $0.key.state, worker: $0.key.worker, positions: $0.value.sorted())
        }
    }

    private struct GroupKey: Hashable {
        var state: UInt8
        var worker: UInt16
    }

    /// What the detail panel shows of one tile.
    package func detail(_ position: UInt32) -> TileDetail? {
        let index = Int(position)
        guard index < state.count else { return nil }
        let cell = layout.cell(of: index)
        return TileDetail(
            job: job, position: position, name: tileName(position),
            state: TileState(rawValue: state[index]) ?? .pending, worker: WorkerID(worker[index]),
            attempt: UInt32(attempt[index]), durationMs: durationMs[index], lastError: errors[position],
            x: cell.x, y: cell.y)
    }
}

/// Tiles that reached the same state on the same worker within one batch.
package struct ChangeGroup: Sendable, Equatable {
    package var state: UInt8
    package var worker: UInt16
    /// Sorted.
    package var positions: [UInt32]

    package init(state: UInt8, worker: UInt16, positions: [UInt32]) {
        self.state = state
        self.worker = worker
        self.positions = positions
    }
}

/// One tile, for the page's detail panel.
package struct TileDetail: Sendable, Equatable {
    package var job: JobID
    package var position: UInt32
    package var name: String
    package var state: TileState
    package var worker: WorkerID
    package var attempt: UInt32
    package var durationMs: UInt32
    package var lastError: String?
    package var x: Int
    package var y: Int
}
