/// Bookkeeping of tiles held by workers: the per-worker records, the per-tile copies map, the job
/// state and the counters always change together here.
extension Scheduler {
    enum ReleaseReason {
        /// Connection dropped or heartbeats missed: running tiles count a loss.
        case lost
        /// Goodbye, drain deadline or reconnect: not the tiles' fault.
        case left
    }

    mutating func addHeld(_ slot: Int, _ tile: TileRef, _ held: HeldTile) {
        workers[slot].held[tile] = held
        if held.isStarted {
            workers[slot].running += 1
            totalRunning += 1
        } else {
            workers[slot].queued += 1
            if held.isBackup { workers[slot].queuedBackups += 1 }
        }
        let worker = workers[slot].id
        if var existing = copies[tile] {
            if existing.primary != worker && existing.backup == nil { existing.backup = worker }
            copies[tile] = existing
        } else {
            copies[tile] = TileCopies(primary: worker, backup: nil)
        }
        refreshState(tile)
        noteStealable(slot)
    }

    /// Removes the worker's record of a tile. When the primary goes, the backup becomes primary.
    /// The caller decides the tile's state if no copy is left.
    mutating func removeHeld(_ slot: Int, _ tile: TileRef) -> HeldTile? {
        guard let held = workers[slot].held.removeValue(forKey: tile) else { return nil }
        if held.isStarted {
            workers[slot].running -= 1
            totalRunning -= 1
        } else {
            workers[slot].queued -= 1
            if held.revoking { workers[slot].revoking -= 1 }
            if held.isBackup { workers[slot].queuedBackups -= 1 }
        }
        let worker = workers[slot].id
        if var holders = copies[tile] {
            if holders.backup == worker {
                holders.backup = nil
                copies[tile] = holders
            } else if holders.primary == worker {
                if let backup = holders.backup {
                    copies[tile] = TileCopies(primary: backup, backup: nil)
                    promote(backup, tile)
                } else {
                    copies[tile] = nil
                }
            }
        }
        refreshState(tile)
        noteStealable(slot)
        return held
    }

    /// The surviving backup copy becomes an ordinary copy.
    private mutating func promote(_ worker: WorkerID, _ tile: TileRef) {
        guard let slot = workerIndex[worker], var held = workers[slot].held[tile], held.isBackup else {
            return
        }
        held.isBackup = false
        if !held.isStarted { workers[slot].queuedBackups -= 1 }
        workers[slot].held[tile] = held
        noteStealable(slot)
    }

    mutating func markStarted(_ slot: Int, _ tile: TileRef, now: UInt64) {
        guard var held = workers[slot].held[tile], !held.isStarted else { return }
        held.startedAt = now
        workers[slot].queued -= 1
        workers[slot].running += 1
        totalRunning += 1
        if held.revoking {
            // It started before the revoke arrived: it stays here and will not be acked.
            held.revoking = false
            workers[slot].revoking -= 1
        }
        if held.isBackup { workers[slot].queuedBackups -= 1 }
        workers[slot].held[tile] = held
        refreshState(tile)
        noteStealable(slot)
        if config.backupCopies && !held.isBackup {
            backupHeap.insert(
                BackupCandidate(
                    startedAt: now, sequence: held.sequence, tile: tile, worker: workers[slot].id))
            if backupHeap.count > 2 * totalRunning + 1024 { compactBackupHeap() }
        }
    }

    /// A held tile is running if any copy started, else queued.
    mutating func refreshState(_ tile: TileRef) {
        guard let holders = copies[tile], let jobSlot = jobIndex[tile.job] else { return }
        var started = false
        for holder in holders.all {
            if let slot = workerIndex[holder], workers[slot].held[tile]?.isStarted == true {
                started = true
            }
        }
        let state: TileState = started ? .running : .queued
        if jobs[jobSlot].state(of: tile.index) != state { setState(jobSlot, tile.index, state) }
    }

    /// Returns tiles that lost their holder to the front of their job's pool, keeping their
    /// relative order (the lowest sequence ends up first).
    mutating func returnToPool(_ tiles: [TileRef]) {
        for tile in tiles.reversed() {
            guard let jobSlot = jobIndex[tile.job] else { continue }
            setState(jobSlot, tile.index, .pending)
            jobs[jobSlot].pool.pushFront(tile.index)
        }
    }

    /// Takes every tile away from a worker (loss, goodbye, drain deadline, reconnect). Tiles with
    /// no other copy go back to the pool front with attempt + 1; running tiles of a lost worker
    /// count a loss and may be quarantined.
    mutating func release(
        _ slot: Int, reason: ReleaseReason, keeping kept: Set<TileRef> = [],
        out: inout [SchedulerDirective]
    ) {
        for pending in workers[slot].pendingRevokes { releaseIncoming(pending) }
        workers[slot].pendingRevokes = []
        workers[slot].incoming = 0
        let held = workers[slot].held.filter { !kept.contains($0.key) }.sorted {
            $0.value.sequence < $1.value.sequence
        }
        var back: [TileRef] = []
        var cancels = CancelBatch()
        if reason == .lost {
            for job in Set(held.map(\.key.job)) {
                if let jobSlot = jobIndex[job] { count(jobSlot, \.workersLost) }
            }
        }
        for (tile, record) in held {
            _ = removeHeld(slot, tile)
            guard let jobSlot = jobIndex[tile.job] else { continue }
            if reason == .lost && record.isStarted {
                let index = Int(tile.index)
                if jobs[jobSlot].losses[index] < UInt8.max { jobs[jobSlot].losses[index] += 1 }
                let losses = Int(jobs[jobSlot].losses[index])
                if losses >= max(1, config.quarantineAfterLosses) {
                    let reason = "running on \(losses) lost workers"
                    jobs[jobSlot].errors[tile.index] = reason
                    count(jobSlot, \.quarantined)
                    finish(
                        jobSlot, tile.index, as: .quarantined,
                        entry: .tileQuarantined(job: tile.job, index: tile.index, reason: reason),
                        reporter: nil, cancels: &cancels, out: &out)
                    continue
                }
            }
            // Another copy still runs: it carries on alone.
            guard copies[tile] == nil else { continue }
            jobs[jobSlot].bumpAttempt(tile.index)
            count(jobSlot, \.reissuedAfterLoss)
            back.append(tile)
        }
        returnToPool(back)
        cancels.flush(into: &out)
        workers[slot].hungry = false
    }

    /// A revoke will not be answered any more: its thief stops waiting for those tiles.
    mutating func releaseIncoming(_ pending: PendingRevoke) {
        guard let thief = pending.thief, let thiefSlot = workerIndex[thief] else { return }
        workers[thiefSlot].incoming = max(0, workers[thiefSlot].incoming - pending.indices.count)
    }

    /// A worker runs a tile the head did not give it (reconnect, or an untracked start): keep it
    /// there if nobody else has it and it is not finished, otherwise tell the worker to stop.
    mutating func claim(_ slot: Int, _ item: TileAttempt, now: UInt64, cancels: inout CancelBatch) {
        let worker = workers[slot].id
        guard let jobSlot = jobIndex[item.tile.job], jobs[jobSlot].contains(item.tile.index) else {
            cancels.add(worker: worker, tile: item.tile)
            return
        }
        if workers[slot].held[item.tile] != nil {
            markStarted(slot, item.tile, now: now)
            return
        }
        guard jobs[jobSlot].state(of: item.tile.index) == .pending, copies[item.tile] == nil else {
            cancels.add(worker: worker, tile: item.tile)
            return
        }
        sequence += 1
        addHeld(slot, item.tile, HeldTile(attempt: item.attempt, sequence: sequence, startedAt: nil))
        markStarted(slot, item.tile, now: now)
    }

    mutating func join(
        _ worker: WorkerID, slots: Int, running: [TileAttempt], now: UInt64,
        out: inout [SchedulerDirective]
    ) {
        let slotCount = max(0, min(slots, config.maxSlotsPerWorker))
        let slot: Int
        if let existing = workerIndex[worker] {
            // Reconnected before the head noticed it was gone: what it no longer runs goes back.
            slot = existing
            release(slot, reason: .left, keeping: Set(running.map(\.tile)), out: &out)
            workers[slot].slots = slotCount
            workers[slot].queueTarget = config.queueTarget(slots: slotCount)
            workers[slot].lastSeen = max(workers[slot].lastSeen, now)
            workers[slot].drainDeadline = nil
        } else {
            slot = addWorker(worker, slots: slotCount, now: now)
        }
        var cancels = CancelBatch()
        for item in running { claim(slot, item, now: now, cancels: &cancels) }
        cancels.flush(into: &out)
        feedHungry(excluding: nil, out: &out)
    }
}
