import TileScheduler

/// The dashboard's model: every job's map, the workers, and what changed since the last batch
/// of the event stream. Pure: the head's events in (`apply`), batches out (`takeBatch`).
///
///     var board = TileBoard()
///     board.apply(.jobOpened(opening))
///     board.apply(.tiles(changes))
///     let batch = board.takeBatch(sequence: 1)  // the changes, deduplicated per tile
package struct TileBoard: Sendable {
    package private(set) var maps: [JobID: JobMap] = [:]
    /// Jobs in the order they opened.
    package private(set) var order: [JobID] = []
    package private(set) var workers: [WorkerID: WorkerRow] = [:]
    /// The most jobs kept; the oldest ended ones go first.
    package let keepJobs: Int

    private var openedSinceBatch: [JobID] = []
    private var endedSinceBatch: [JobID] = []
    private var dirtyJobs: [JobID] = []
    private var workersChanged = false

    package init(keepJobs: Int = 20) {
        self.keepJobs = max(1, keepJobs)
    }

    package mutating func apply(_ event: DashboardEvent) {
        switch event {
        case .jobOpened(let opening):
            if maps[opening.job] == nil { order.append(opening.job) }
            maps[opening.job] = JobMap(opening)
            openedSinceBatch.append(opening.job)
            forgetOldJobs()
        case .tiles(let changes):
            // Changes come in runs of one job: each run finds the job's map once and changes it
            // in place (`values[i]`: `maps[job]?` would copy the map in and out of an Optional).
            var index = 0
            while index < changes.count {
                let job = changes[index].job
                var end = index + 1
                while end < changes.count && changes[end].job == job { end += 1 }
                if let slot = maps.index(forKey: job), maps.values[slot].apply(changes[index..<end]) {
                    dirtyJobs.append(job)
                }
                index = end
            }
        case .tileError(let job, let position, let error):
            maps[job]?.noteError(position, error)
        case .jobEnded(let job, let cancelled, let at):
            guard maps[job] != nil else { return }
            maps[job]!.endedUnixMs = at
            maps[job]!.cancelled = cancelled
            endedSinceBatch.append(job)
        case .quicklooks(let job, let images):
            guard maps[job] != nil else { return }
            maps[job]!.quicklooks = images
            endedSinceBatch.append(job)
        case .workers(let rows):
            var next: [WorkerID: WorkerRow] = [:]
            for row in rows { next[row.id] = row }
            if next != workers { workersChanged = true }
            workers = next
        }
    }

    /// Drops the oldest ended jobs beyond `keepJobs`.
    private mutating func forgetOldJobs() {
        while order.count > keepJobs, let oldest = order.first(where: { maps[$0]?.endedUnixMs != nil }) {
            order.removeAll { $0 == oldest }
            maps[oldest] = nil
            dirtyJobs.removeAll { $0 == oldest }
        }
    }

    /// Everything that changed since the last batch (nil: nothing did). A tile that moved several
    /// times in between appears once, in its current state.
    package mutating func takeBatch(sequence: UInt64) -> ChangeBatch? {
        guard !dirtyJobs.isEmpty || !openedSinceBatch.isEmpty || !endedSinceBatch.isEmpty || workersChanged else {
            return nil
        }
        var jobs: [(JobID, [ChangeGroup])] = []
        for job in dirtyJobs {
            guard let groups = maps[job]?.takeChanges(), !groups.isEmpty else { continue }
            jobs.append((job, groups))
        }
        let batch = ChangeBatch(
            sequence: sequence, opened: openedSinceBatch, ended: endedSinceBatch, jobs: jobs,
            workersChanged: workersChanged)
        dirtyJobs.removeAll(keepingCapacity: true)
        openedSinceBatch = []
        endedSinceBatch = []
        workersChanged = false
        return batch
    }
}

/// What changed between two batches of the event stream.
package struct ChangeBatch: Sendable {
    package var sequence: UInt64
    /// Jobs whose maps started (the page fetches their map) and ended (or got quicklooks).
    package var opened: [JobID]
    package var ended: [JobID]
    /// Per job, its changed tiles grouped by (state, worker).
    package var jobs: [(JobID, [ChangeGroup])]
    package var workersChanged: Bool

    /// The tiles in the batch.
    package var tileCount: Int {
        jobs.reduce(0) { $0 + $1.1.reduce(0) { $0 + $1.positions.count } }
    }

    /// The batch as the stream's JSON: `{"seq":N,"opened":[…],"ended":[…],"workers":bool,
    /// "jobs":{"<job>":[[state,worker,[first,+d,+d,…]],…]}}`. Positions are delta-coded
    /// (sorted, each after the first as the difference to the one before), so the neighbouring
    /// tiles a batch usually holds cost a digit or two each.
    package func json() -> String {
        var out = JSONBytes()
        out.append("{\"seq\":")
        out.append(sequence)
        out.append(",\"opened\":[")
        for (i, job) in opened.enumerated() {
            if i > 0 { out.append(",") }
            out.append(UInt64(job))
        }
        out.append("],\"ended\":[")
        for (i, job) in ended.enumerated() {
            if i > 0 { out.append(",") }
            out.append(UInt64(job))
        }
        out.append("],\"workers\":")
        out.append(workersChanged ? "true" : "false")
        out.append(",\"jobs\":{")
        for (j, (job, groups)) in jobs.enumerated() {
            if j > 0 { out.append(",") }
            out.append("\"")
            out.append(UInt64(job))
            out.append("\":[")
            for (g, group) in groups.enumerated() {
                if g > 0 { out.append(",") }
                out.append("[")
                out.append(UInt64(group.state))
                out.append(",")
                out.append(UInt64(group.worker))
                out.append(",[")
                var previous: UInt32 = 0
                for (i, position) in group.positions.enumerated() {
                    if i > 0 { out.append(",") }
                    out.append(UInt64(i == 0 ? position : position - previous))
                    previous = position
                }
                out.append("]]")
            }
            out.append("]")
        }
        out.append("}}")
        return out.string
    }
}
