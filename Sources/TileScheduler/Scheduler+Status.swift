/// Read-only queries for status pages, records and tests.
extension Scheduler {
    package var jobIDs: [JobID] { jobs.map(\.id) }

    /// Connected workers in join order (slots are reused, so order after departures may vary
    /// deterministically).
    package var workerIDs: [WorkerID] { workers.filter(\.alive).map(\.id) }

    /// Pending tiles across all jobs.
    package var pendingCount: Int { totalPending }

    /// The job's tiles by state; nil for an unknown job or one whose tiles were forgotten.
    package func jobStatus(_ job: JobID) -> JobStatus? {
        guard let slot = jobIndex[job], !jobs[slot].tilesForgotten else { return nil }
        let tiles = jobs[slot]
        return JobStatus(
            job: job, tileCount: tiles.tileCount, pending: tiles.count(.pending),
            queued: tiles.count(.queued),
            running: tiles.count(.running), done: tiles.count(.done), failed: tiles.count(.failed),
            quarantined: tiles.count(.quarantined), cancelled: tiles.count(.cancelled),
            finished: tiles.finishedEmitted)
    }

    /// What happened to the job's tiles so far (as this scheduler saw it).
    package func counters(of job: JobID) -> JobCounters? {
        jobIndex[job].map { jobs[$0].counters }
    }

    package func workerStatus(_ worker: WorkerID) -> WorkerStatus? {
        guard let slot = workerIndex[worker] else { return nil }
        let state = workers[slot]
        return WorkerStatus(
            worker: worker, slots: state.slots, queued: state.queued, running: state.running,
            revoking: state.revoking, draining: state.isDraining, drainDeadlineMs: state.drainDeadline,
            lastSeenMs: state.lastSeen)
    }

    private func job(of tile: TileRef) -> JobTiles? {
        guard let slot = jobIndex[tile.job], jobs[slot].contains(tile.index) else { return nil }
        return jobs[slot]
    }

    package func tileState(_ tile: TileRef) -> TileState? { job(of: tile)?.state(of: tile.index) }

    /// A tile's state, current attempt and the worker holding its primary copy (nil: none), in
    /// one look-up: what a live view of the job needs of each changed tile.
    package func tileView(_ tile: TileRef) -> (state: TileState, attempt: UInt32, holder: WorkerID?)? {
        guard let slot = jobIndex[tile.job], jobs[slot].contains(tile.index) else { return nil }
        let state = jobs[slot].state(of: tile.index)
        let holder = state == .queued || state == .running ? copies[tile]?.primary : nil
        return (state, UInt32(jobs[slot].attempt[Int(tile.index)]), holder)
    }

    /// The attempt number the tile's next (or current) run carries.
    package func attempt(of tile: TileRef) -> UInt32? {
        job(of: tile).map { UInt32($0.attempt[Int(tile.index)]) }
    }

    /// Retryable failures so far.
    package func failureCount(of tile: TileRef) -> Int? {
        job(of: tile).map { Int($0.failures[Int(tile.index)]) }
    }

    /// Lost workers that were running the tile.
    package func lossCount(of tile: TileRef) -> Int? {
        job(of: tile).map { Int($0.losses[Int(tile.index)]) }
    }

    package func lastError(of tile: TileRef) -> String? { job(of: tile)?.errors[tile.index] }

    /// Failed and quarantined tiles of a job with their last error, in index order.
    package func failedTiles(job id: JobID) -> [TileError] {
        guard let slot = jobIndex[id] else { return [] }
        let tiles = jobs[slot]
        return tiles.errors.keys.sorted().compactMap { index in
            let state = tiles.state(of: index)
            guard state == .failed || state == .quarantined else { return nil }
            return TileError(
                tile: TileRef(job: id, index: index), state: state,
                attempts: UInt32(tiles.attempt[Int(index)]),
                error: tiles.errors[index] ?? "")
        }
    }

    /// Workers holding the tile: primary first, then the backup copy if any.
    package func holders(of tile: TileRef) -> [WorkerID] { copies[tile]?.all ?? [] }

    package func isBackupCopy(_ tile: TileRef, on worker: WorkerID) -> Bool {
        guard let slot = workerIndex[worker] else { return false }
        return workers[slot].held[tile]?.isBackup ?? false
    }

    /// Unstarted tiles on a worker, in assignment order.
    package func queuedTiles(on worker: WorkerID) -> [TileRef] { tiles(on: worker, started: false) }

    /// Started tiles on a worker, in assignment order.
    package func runningTiles(on worker: WorkerID) -> [TileRef] { tiles(on: worker, started: true) }

    private func tiles(on worker: WorkerID, started: Bool) -> [TileRef] {
        guard let slot = workerIndex[worker] else { return [] }
        return workers[slot].held.filter { $0.value.isStarted == started }
            .sorted { $0.value.sequence < $1.value.sequence }.map(\.key)
    }

    /// Cross-checks the redundant bookkeeping (counters, copies, job states). Returns a list of
    /// problems, empty when consistent. O(held tiles + jobs' tiles): for tests and the simulator.
    package func checkConsistency() -> [String] {
        var problems: [String] = []
        var running = 0
        var heldTiles = 0
        for worker in workers where worker.alive {
            var queued = 0
            var started = 0
            var revoking = 0
            var backups = 0
            for (tile, held) in worker.held {
                heldTiles += 1
                if held.isStarted { started += 1 } else { queued += 1 }
                if held.revoking { revoking += 1 }
                if held.isBackup && !held.isStarted { backups += 1 }
                if held.revoking && held.isStarted {
                    problems.append("\(tile) revoking but started on \(worker.id)")
                }
                guard let holders = copies[tile], holders.contains(worker.id) else {
                    problems.append("\(tile) held by \(worker.id) but not in copies")
                    continue
                }
                if held.isBackup != (holders.backup == worker.id) {
                    problems.append("\(tile) backup flag disagrees on \(worker.id)")
                }
                if let state = tileState(tile), state != .queued && state != .running {
                    problems.append("\(tile) held by \(worker.id) in state \(state)")
                }
            }
            running += started
            if queued != worker.queued || started != worker.running || revoking != worker.revoking
                || backups != worker.queuedBackups
            {
                problems.append("counters of worker \(worker.id) disagree with its tiles")
            }
            if worker.held.count > 0 && workerIndex[worker.id] == nil {
                problems.append("unindexed worker \(worker.id)")
            }
        }
        if running != totalRunning { problems.append("totalRunning \(totalRunning) != \(running)") }
        var copyCount = 0
        for (tile, holders) in copies {
            copyCount += holders.all.count
            if holders.backup == holders.primary { problems.append("\(tile) has the same worker twice") }
            for holder in holders.all {
                guard let slot = workerIndex[holder], workers[slot].held[tile] != nil else {
                    problems.append("\(tile) copy on \(holder) has no record")
                    continue
                }
            }
        }
        if copyCount != heldTiles { problems.append("copies \(copyCount) != held \(heldTiles)") }
        var pending = 0
        for job in jobs {
            var counts = [Int](repeating: 0, count: TileState.allCases.count)
            for position in 0..<job.tileCount {
                counts[Int(job.state(of: UInt32(position)).rawValue)] += 1
            }
            for state in TileState.allCases where counts[Int(state.rawValue)] != job.count(state) {
                problems.append(
                    "job \(job.id) count of \(state) is \(job.count(state)), tiles say \(counts[Int(state.rawValue)])"
                )
            }
            pending += counts[Int(TileState.pending.rawValue)]
            if job.isComplete != job.finishedEmitted {
                problems.append("job \(job.id) finished flag disagrees")
            }
        }
        if pending != totalPending { problems.append("totalPending \(totalPending) != \(pending)") }
        return problems
    }
}

extension Scheduler {
    /// Tiles waiting to run (in the pools and in workers' queues) and running, over all open
    /// jobs: the demand the autoscaler sizes the cluster by.
    package var tileLoad: (waiting: Int, running: Int) {
        var waiting = 0
        var running = 0
        for slot in openJobs {
            waiting += jobs[slot].count(.pending) + jobs[slot].count(.queued)
            running += jobs[slot].count(.running)
        }
        return (waiting, running)
    }
}
