import HeapModule

/// The head's tile scheduler: a deterministic state machine. Events in, directives out.
///
/// No sockets, clocks, threads or randomness live here: the shell (the head's server, a test, or
/// `Simulator`) feeds events with a monotonic time in milliseconds and carries out the directives.
/// The same input sequence always yields the same output.
///
///     var scheduler = Scheduler(config: SchedulerConfig())
///     let directives = scheduler.handle(.workerJoined(worker: 7, slots: 4, running: []), now: t)
///
/// Public surface:
/// - `handle(_ event: SchedulerEvent, now: UInt64) -> [SchedulerDirective]`
/// - status: `jobStatus(_:)`, `workerStatus(_:)`, `jobIDs`, `workerIDs`, `tileState(_:)`,
///   `attempt(of:)`, `failureCount(of:)`, `lossCount(of:)`, `lastError(of:)`,
///   `failedTiles(job:)`, `holders(of:)`, `isBackupCopy(_:on:)`, `queuedTiles(on:)`,
///   `runningTiles(on:)`, `pendingCount`, `counters`, `checkConsistency()`.
///
/// Tile lifecycle: pending → queued (on a worker) → running → done | failed | quarantined, or
/// cancelled with its job. Every tile reaches a terminal state once and produces one `persist`.
///
/// Policies (see `SchedulerConfig`):
/// - Prefetch: a worker holds up to `slots * (1 + prefetchPerSlot)` tiles; a request tops it up,
///   at most `maxBatch` tiles per `assign`. A request that cannot be filled leaves the worker
///   "hungry": it is fed unasked (an `assign`) as soon as tiles return to the pool.
/// - Pool: per job, in the given curve order, taken from the front; tiles coming back from
///   workers go to the front. Jobs are served in submission order.
/// - Stealing: when the pool is dry and a requesting worker cannot keep its slots busy from its
///   own queue, the worker with the most stealable tiles (queued beyond what its free slots start
///   right away) gets a `revoke` for half of them, newest first, one job per revoke and one
///   outstanding steal per victim. Only tiles confirmed by `revokeAcked` move, to the thief
///   first. A tile therefore never runs on two workers because of a steal.
/// - Backups: when the pool is dry and nothing is stealable, a worker with idle slots gets a copy
///   of the tile that started earliest, if it has run longer than
///   `max(backupMinRunMs, backupMedianFactor * median duration)`; at most one backup per tile,
///   never on the primary's worker, with the primary's attempt number. First result wins; the
///   other copy is cancelled.
/// - Failures: retryable failures re-run the tile (attempt + 1) until `maxAttempts` failures; a
///   non-retryable failure fails it at once. Losses (lost worker, missed heartbeats) re-pool a
///   worker's tiles at the front with attempt + 1; those that were running count a loss and are
///   quarantined after `quarantineAfterLosses`.
package struct Scheduler: Sendable {
    package let config: SchedulerConfig

    var jobs: [JobTiles] = []
    var jobIndex: [JobID: Int] = [:]
    /// Unfinished jobs in submission order (indices into `jobs`).
    var openJobs: [Int] = []
    /// Worker records; slots of departed workers are reused (`alive == false`).
    var workers: [WorkerState] = []
    var workerIndex: [WorkerID: Int] = [:]
    var freeWorkerSlots: [Int] = []
    /// Who holds each tile that is on a worker. Bounded by the workers' queue targets.
    var copies: [TileRef: TileCopies] = [:]
    /// Workers whose request was not filled, in request order (may hold stale entries).
    var hungry: [WorkerID] = []
    var hungryHead = 0
    var stealHeap = Heap<StealCandidate>()
    var backupHeap = Heap<BackupCandidate>()
    var durations = DurationHistogram()
    var sequence: UInt64 = 0
    var totalPending = 0
    var totalRunning = 0
    package internal(set) var counters = SchedulerCounters()
    /// Keep a list of the tiles whose state changes (`takeChangedTiles`), for a live view of
    /// the jobs. Set before jobs are submitted; jobs submitted before are not tracked.
    package var tracksChanges = false
    /// The jobs (slots) whose `changed` list is not empty: a head that ran many jobs looks at
    /// the few with changes, not at all of them, on every input.
    var slotsWithChanges: [Int] = []

    package init(config: SchedulerConfig = SchedulerConfig()) {
        self.config = config
    }

    /// The tiles whose state changed since the last call, in the order they changed (a tile that
    /// changed twice is listed twice). Empty unless `tracksChanges`.
    package mutating func takeChangedTiles() -> [TileRef] {
        guard tracksChanges else { return [] }
        var tiles: [TileRef] = []
        for slot in slotsWithChanges {
            let id = jobs[slot].id
            for index in jobs[slot].changed! { tiles.append(TileRef(job: id, index: index)) }
            jobs[slot].changed!.removeAll(keepingCapacity: true)
        }
        slotsWithChanges.removeAll(keepingCapacity: true)
        return tiles
    }

    /// Applies one event observed at `now` (monotonic milliseconds) and returns what to do.
    package mutating func handle(_ event: SchedulerEvent, now: UInt64) -> [SchedulerDirective] {
        counters.eventsHandled += 1
        var out: [SchedulerDirective] = []
        switch event {
        case .jobSubmitted(let job, let tileCount, let order, let alreadyFinished, let maxAttempts):
            submitJob(
                job, tileCount: tileCount, order: order, alreadyFinished: alreadyFinished,
                maxAttempts: maxAttempts ?? config.maxAttempts, out: &out)
        case .jobCancelled(let job):
            cancelJob(job, out: &out)
        case .workerJoined(let worker, let slots, let running):
            join(worker, slots: slots, running: running, now: now, out: &out)
        case .workerLeft(let worker):
            if let slot = workerIndex[worker] {
                release(slot, reason: .left, out: &out)
                removeWorker(slot)
                feedHungry(excluding: nil, out: &out)
            }
        case .workerLost(let worker):
            if let slot = workerIndex[worker] {
                counters.workersLost += 1
                release(slot, reason: .lost, out: &out)
                removeWorker(slot)
                feedHungry(excluding: nil, out: &out)
            }
        case .heartbeat(let worker):
            touch(worker, now: now)
        case .tilesRequested(let worker, let freeSlots):
            if let slot = touch(worker, now: now) {
                request(slot, freeSlots: freeSlots, now: now, out: &out)
            }
        case .tilesStarted(let worker, let tiles):
            if let slot = touch(worker, now: now) {
                start(slot, tiles: tiles, now: now, out: &out)
            }
        case .tilesDone(let worker, let results):
            touch(worker, now: now)
            complete(worker, results: results, out: &out)
        case .tilesFailed(let worker, let failures):
            if let slot = touch(worker, now: now) {
                fail(slot, failures: failures, out: &out)
            }
        case .revokeAcked(let worker, let job, let indices):
            if let slot = touch(worker, now: now) {
                revokeAcked(slot, job: job, indices: indices, out: &out)
            }
        case .drain(let worker, let deadlineMs):
            if let slot = touch(worker, now: now) {
                drain(slot, deadline: deadlineMs, out: &out)
            }
        case .tick:
            tick(now: now, out: &out)
        }
        return out
    }

    // MARK: - Jobs

    mutating func submitJob(
        _ id: JobID, tileCount: Int, order: [UInt32]?, alreadyFinished: [UInt32], maxAttempts: Int,
        out: inout [SchedulerDirective]
    ) {
        // A resubmission (e.g. a client retry) must not reset progress.
        guard jobIndex[id] == nil, tileCount >= 0, tileCount <= Int(UInt32.max) else { return }
        var job = JobTiles(id: id, tileCount: tileCount, order: order, alreadyFinished: alreadyFinished)
        job.maxAttempts = max(1, maxAttempts)
        if tracksChanges { job.changed = [] }
        let jobSlot = jobs.count
        jobs.append(job)
        jobIndex[id] = jobSlot
        openJobs.append(jobSlot)
        totalPending += job.count(.pending)
        checkFinished(jobSlot, out: &out)
        feedHungry(excluding: nil, out: &out)
    }

    /// Drops a finished job's per-tile state (about 5 bytes a tile); its counters stay for
    /// `counters(of:)`, and a late result for one of its tiles is ignored as for any unknown tile.
    package mutating func forgetTiles(of id: JobID) {
        guard let slot = jobIndex[id], jobs[slot].finishedEmitted else { return }
        jobs[slot] = jobs[slot].withoutTiles()
        slotsWithChanges.removeAll { $0 == slot }
    }

    mutating func cancelJob(_ id: JobID, out: inout [SchedulerDirective]) {
        guard let jobSlot = jobIndex[id], !jobs[jobSlot].finishedEmitted else { return }
        for slot in workers.indices where workers[slot].alive {
            let mine = workers[slot].held.filter { $0.key.job == id }.sorted {
                $0.value.sequence < $1.value.sequence
            }
            // Outstanding revokes for this job are moot: their tiles are cancelled below.
            for pending in workers[slot].pendingRevokes where pending.job == id {
                releaseIncoming(pending)
            }
            workers[slot].pendingRevokes.removeAll { $0.job == id }
            guard !mine.isEmpty else { continue }
            for (tile, _) in mine { _ = removeHeld(slot, tile) }
            let worker = workers[slot].id
            for chunk in chunks(mine.map { $0.key.index }) {
                out.append(.cancel(worker: worker, job: id, indices: chunk))
            }
            noteStealable(slot)
        }
        for position in 0..<jobs[jobSlot].tileCount {
            let index = UInt32(position)
            if !jobs[jobSlot].state(of: index).isTerminal { setState(jobSlot, index, .cancelled) }
        }
        jobs[jobSlot].pool.removeAll()
        checkFinished(jobSlot, out: &out)
    }

    /// Emits `jobFinished` once, when every tile is terminal.
    mutating func checkFinished(_ jobSlot: Int, out: inout [SchedulerDirective]) {
        guard jobs[jobSlot].isComplete, !jobs[jobSlot].finishedEmitted else { return }
        jobs[jobSlot].finishedEmitted = true
        jobs[jobSlot].pool.removeAll()
        openJobs.removeAll { $0 == jobSlot }
        out.append(.jobFinished(job: jobs[jobSlot].id))
    }

    /// Counts something that happened to a job's tiles, for the job and for the totals.
    mutating func count(_ jobSlot: Int, _ counter: WritableKeyPath<JobCounters, Int>, _ amount: Int = 1) {
        jobs[jobSlot].counters[keyPath: counter] += amount
        counters.tiles[keyPath: counter] += amount
    }

    /// Moves a tile between states, keeping the global pending count right.
    mutating func setState(_ jobSlot: Int, _ index: UInt32, _ state: TileState) {
        let old = jobs[jobSlot].state(of: index)
        if old == .pending { totalPending -= 1 }
        if state == .pending { totalPending += 1 }
        if tracksChanges, jobs[jobSlot].changed?.isEmpty == true { slotsWithChanges.append(jobSlot) }
        jobs[jobSlot].set(index, state)
    }

    // MARK: - Workers

    @discardableResult
    mutating func touch(_ worker: WorkerID, now: UInt64) -> Int? {
        guard let slot = workerIndex[worker] else { return nil }
        workers[slot].lastSeen = max(workers[slot].lastSeen, now)
        return slot
    }

    mutating func addWorker(_ id: WorkerID, slots: Int, now: UInt64) -> Int {
        let state = WorkerState(
            id: id, slots: slots, queueTarget: config.queueTarget(slots: slots), now: now)
        let slot: Int
        if let reused = freeWorkerSlots.popLast() {
            slot = reused
            workers[slot] = state
        } else {
            slot = workers.count
            workers.append(state)
        }
        workerIndex[id] = slot
        return slot
    }

    mutating func removeWorker(_ slot: Int) {
        workerIndex[workers[slot].id] = nil
        workers[slot] = WorkerState(id: workers[slot].id, slots: 0, queueTarget: 0, now: 0)
        workers[slot].alive = false
        freeWorkerSlots.append(slot)
    }

    mutating func request(_ slot: Int, freeSlots: Int, now: UInt64, out: inout [SchedulerDirective]) {
        workers[slot].reportedFreeSlots = max(0, min(freeSlots, workers[slot].slots))
        workers[slot].queueTarget = queueTarget(forSlots: workers[slot].slots)
        guard !workers[slot].isDraining else { return }
        topUp(slot, out: &out)
        if workers[slot].demand > 0 { markHungry(slot) }
        _ = serveIdle(slot, now: now, out: &out)
    }

    /// `config.queueTarget`, grown for short tiles when `prefetchWindowMs` is set.
    func queueTarget(forSlots slots: Int) -> Int {
        let base = config.queueTarget(slots: slots)
        guard config.prefetchWindowMs > 0, durations.samples >= 8, let median = durations.median else { return base }
        let perSlot = min(
            Double(max(config.maxPrefetchPerSlot, 0)), Double(config.prefetchWindowMs) / max(median, 0.01))
        return max(base, slots * (1 + Int(perSlot)))
    }

    mutating func markHungry(_ slot: Int) {
        guard !workers[slot].hungry else { return }
        workers[slot].hungry = true
        hungry.append(workers[slot].id)
    }

    /// Fills the worker's queue from the pool, up to its target.
    mutating func topUp(_ slot: Int, out: inout [SchedulerDirective]) {
        let worker = workers[slot].id
        var want = workers[slot].demand
        var position = 0
        while want > 0, totalPending > 0, position < openJobs.count {
            let jobSlot = openJobs[position]
            var batch: [TileAssignment] = []
            while want > 0, batch.count < max(1, config.maxBatch), let index = jobs[jobSlot].popPending() {
                let attempt = UInt32(jobs[jobSlot].attempt[Int(index)])
                sequence += 1
                addHeld(
                    slot, TileRef(job: jobs[jobSlot].id, index: index),
                    HeldTile(attempt: attempt, sequence: sequence))
                batch.append(TileAssignment(index: index, attempt: attempt))
                want -= 1
            }
            if batch.isEmpty {
                position += 1
            } else {
                out.append(.assign(worker: worker, job: jobs[jobSlot].id, tiles: batch))
            }
        }
        if workers[slot].demand == 0 { workers[slot].hungry = false }
    }

    /// Gives pool tiles to workers whose requests were not filled, oldest request first.
    mutating func feedHungry(excluding excluded: WorkerID?, out: inout [SchedulerDirective]) {
        var skipped: [WorkerID] = []
        while totalPending > 0, hungryHead < hungry.count {
            let id = hungry[hungryHead]
            guard let slot = workerIndex[id], workers[slot].hungry, !workers[slot].isDraining else {
                hungryHead += 1
                continue
            }
            if id == excluded {
                skipped.append(id)
                hungryHead += 1
                continue
            }
            topUp(slot, out: &out)
            if workers[slot].demand > 0 { break }  // the pool ran dry
            hungryHead += 1
        }
        hungry.append(contentsOf: skipped)
        if hungryHead > 64 && hungryHead * 2 > hungry.count {
            hungry.removeFirst(hungryHead)
            hungryHead = 0
        }
    }

    mutating func start(
        _ slot: Int, tiles: [TileAttempt], now: UInt64, out: inout [SchedulerDirective]
    ) {
        var cancels = CancelBatch()
        for item in tiles {
            if workers[slot].held[item.tile] != nil {
                markStarted(slot, item.tile, now: now)
            } else {
                // Not ours as far as the head knows: adopt it if nobody else has it.
                claim(slot, item, now: now, cancels: &cancels)
            }
        }
        cancels.flush(into: &out)
    }

    mutating func complete(
        _ worker: WorkerID, results: [TileCompletion], out: inout [SchedulerDirective]
    ) {
        var cancels = CancelBatch()
        for result in results {
            guard let jobSlot = jobIndex[result.tile.job], jobs[jobSlot].contains(result.tile.index)
            else {
                continue
            }
            if jobs[jobSlot].state(of: result.tile.index).isTerminal {
                // First result won already: drop silently, and forget any stale record.
                count(jobSlot, \.duplicateResults)
                if let slot = workerIndex[worker], workers[slot].held[result.tile] != nil {
                    _ = removeHeld(slot, result.tile)
                }
                continue
            }
            durations.record(result.durationMicros / 1000)
            finish(
                jobSlot, result.tile.index, as: .done,
                entry: .tileFinished(
                    job: result.tile.job, index: result.tile.index, attempt: result.attempt,
                    durationMicros: result.durationMicros, worker: worker),
                reporter: worker, cancels: &cancels, out: &out)
        }
        cancels.flush(into: &out)
    }

    /// Makes a tile terminal: removes every copy (cancelling those not held by `reporter`),
    /// journals it and finishes the job if it was the last tile.
    mutating func finish(
        _ jobSlot: Int, _ index: UInt32, as state: TileState, entry: JournalEntry, reporter: WorkerID?,
        cancels: inout CancelBatch, out: inout [SchedulerDirective]
    ) {
        let tile = TileRef(job: jobs[jobSlot].id, index: index)
        if let holders = copies[tile] {
            for holder in holders.all {
                guard let slot = workerIndex[holder] else { continue }
                _ = removeHeld(slot, tile)
                if holder != reporter { cancels.add(worker: holder, tile: tile) }
            }
        }
        setState(jobSlot, index, state)
        out.append(.persist(entry))
        checkFinished(jobSlot, out: &out)
    }

    mutating func tick(now: UInt64, out: inout [SchedulerDirective]) {
        for slot in workers.indices where workers[slot].alive {
            let worker = workers[slot]
            if now > worker.lastSeen && now - worker.lastSeen > config.heartbeatTimeoutMs {
                out.append(.markLost(worker: worker.id))
                counters.workersLost += 1
                release(slot, reason: .lost, out: &out)
                removeWorker(slot)
            } else if let deadline = worker.drainDeadline, now >= deadline, !worker.held.isEmpty {
                drainDeadlinePassed(slot, out: &out)
            }
        }
        feedHungry(excluding: nil, out: &out)
        serveIdleWorkers(now: now, out: &out)
    }

    /// One `assign` per `maxBatch` tiles.
    func emitAssign(
        worker: WorkerID, job: JobID, tiles: [TileAssignment], out: inout [SchedulerDirective]
    ) {
        let size = max(1, config.maxBatch)
        for start in stride(from: 0, to: tiles.count, by: size) {
            out.append(
                .assign(
                    worker: worker, job: job, tiles: Array(tiles[start..<min(start + size, tiles.count)])))
        }
    }

    func chunks(_ indices: [UInt32]) -> [[UInt32]] {
        let size = max(1, config.maxBatch)
        return stride(from: 0, to: indices.count, by: size).map {
            Array(indices[$0..<min($0 + size, indices.count)])
        }
    }
}
