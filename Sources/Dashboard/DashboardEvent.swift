import GrowJob
import TileScheduler

/// What the head tells the dashboard, in the order it happens: the coordinator emits these (only
/// when a dashboard is on) and the shell hands them to the `DashboardFeed`.
package enum DashboardEvent: Sendable {
    /// A job's map starts (a submission, or a job the journal kept). Boxed: the opening is
    /// large and rare, and every `.tiles` event would otherwise be as large as it.
    indirect case jobOpened(JobOpening)
    /// Tiles whose state, worker or attempt moved, as the scheduler has them now.
    case tiles([TileChange])
    /// A tile's last error (a failed attempt, or the reason it failed or was quarantined).
    case tileError(job: JobID, position: UInt32, error: String)
    /// A job's records are written: it ended.
    case jobEnded(job: JobID, cancelled: Bool, atUnixMs: UInt64)
    /// The maps a job's final step made, to lay over its tile map.
    case quicklooks(job: JobID, [Quicklook])
    /// The workers and their last heartbeat (sent now and then).
    case workers([WorkerRow])
}

/// A job's map as it starts.
package struct JobOpening: Sendable {
    package var job: JobID
    package var name: String
    package var pipeline: String
    package var tiles: TileSet
    /// The spec's tile index of each position (nil: position = index).
    package var selected: [UInt32]?
    package var submittedUnixMs: UInt64
    /// Positions that are not pending at the start (tiles a restarted head had finished, failed,
    /// or that skip_existing skipped), with their state.
    package var settled: [(position: UInt32, state: TileState)]
    /// Set for a job the journal holds as ended.
    package var endedUnixMs: UInt64?
    package var cancelled: Bool

    package init(
        job: JobID, name: String, pipeline: String, tiles: TileSet, selected: [UInt32]?, submittedUnixMs: UInt64,
        settled: [(position: UInt32, state: TileState)] = [], endedUnixMs: UInt64? = nil, cancelled: Bool = false
    ) {
        self.job = job
        self.name = name
        self.pipeline = pipeline
        self.tiles = tiles
        self.selected = selected
        self.submittedUnixMs = submittedUnixMs
        self.settled = settled
        self.endedUnixMs = endedUnixMs
        self.cancelled = cancelled
    }
}

/// One tile's state after an input the head handled.
package struct TileChange: Sendable, Equatable {
    package var job: JobID
    package var position: UInt32
    package var state: TileState
    /// The worker holding (or that finished) the tile; 0 for none.
    package var worker: WorkerID
    package var attempt: UInt32
    /// For a tile that finished: how long its run took.
    package var durationMicros: UInt64

    package init(
        job: JobID, position: UInt32, state: TileState, worker: WorkerID, attempt: UInt32, durationMicros: UInt64 = 0
    ) {
        self.job = job
        self.position = position
        self.state = state
        self.worker = worker
        self.attempt = attempt
        self.durationMicros = durationMicros
    }
}

/// A map image a job's final step wrote (export_maps' quicklook PNG), and where it lies on the
/// job's tile map: the cells its UTM zone's tiles span.
package struct Quicklook: Sendable, Equatable {
    package var epsg: Int32
    /// The PNG's bytes.
    package var png: [UInt8]

    package init(epsg: Int32, png: [UInt8]) {
        self.epsg = epsg
        self.png = png
    }
}

/// A worker as the dashboard lists it.
package struct WorkerRow: Sendable, Equatable {
    package var id: WorkerID
    package var name: String
    package var host: String
    /// active, draining or lost.
    package var state: String
    package var slots: UInt32
    package var busy: UInt32
    package var queued: UInt32
    package var load: Double
    package var rssBytes: UInt64
    package var tilesDone: UInt64
    package var lastHeardAgoMs: UInt64
    /// The provider's machine (an EC2 instance id), its node type and market, when known.
    package var node: String
    package var nodeType: String
    package var market: String

    package init(
        id: WorkerID, name: String, host: String, state: String, slots: UInt32, busy: UInt32, queued: UInt32,
        load: Double, rssBytes: UInt64, tilesDone: UInt64, lastHeardAgoMs: UInt64, node: String = "",
        nodeType: String = "", market: String = ""
    ) {
        self.id = id
        self.name = name
        self.host = host
        self.state = state
        self.slots = slots
        self.busy = busy
        self.queued = queued
        self.load = load
        self.rssBytes = rssBytes
        self.tilesDone = tilesDone
        self.lastHeardAgoMs = lastHeardAgoMs
        self.node = node
        self.nodeType = nodeType
        self.market = market
    }
}
