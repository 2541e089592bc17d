import HeapModule

/// Work stealing and backup copies: what an idle worker gets when the pool is dry.
extension Scheduler {
    /// Records that a worker's stealable count changed. The heap is lazy: an entry is valid only
    /// while its count equals the worker's current count, so each change pushes one entry.
    mutating func noteStealable(_ slot: Int) {
        guard config.stealing, workers[slot].alive else { return }
        let stealable = workers[slot].stealable
        guard stealable != workers[slot].stealKey else { return }
        workers[slot].stealKey = stealable
        guard stealable > 0 else { return }
        stealHeap.insert(StealCandidate(stealable: stealable, worker: workers[slot].id))
        if stealHeap.count > 2 * workerIndex.count + 1024 {
            // Drop the stale entries in O(n).
            stealHeap = Heap(
                stealHeap.unordered.filter { entry in
                    guard let victim = workerIndex[entry.worker] else { return false }
                    return workers[victim].stealable == entry.stealable
                        && workers[victim].stealKey == entry.stealable
                })
        }
    }

    /// An idle worker (pool dry) steals, or else runs backup copies. Returns true if it got
    /// anything or is owed tiles.
    mutating func serveIdle(_ slot: Int, now: UInt64, out: inout [SchedulerDirective]) -> Bool {
        guard totalPending == 0, workers[slot].alive, !workers[slot].isDraining else { return false }
        let worker = workers[slot]
        // Steal only when its own queue cannot keep its slots busy: stealing to fill a deep
        // prefetch would just move tiles around.
        if config.stealing && worker.queued - worker.revoking + worker.incoming < worker.slots {
            if steal(for: slot, out: &out) { return true }
        }
        return launchBackups(for: slot, now: now, out: &out) > 0
    }

    /// On tick: idle hungry workers retry stealing and backups (a candidate may have become old
    /// enough since they asked). Stops after a few fruitless workers.
    mutating func serveIdleWorkers(now: UInt64, out: inout [SchedulerDirective]) {
        guard totalPending == 0, config.stealing || config.backupCopies else { return }
        var misses = 0
        var position = hungryHead
        while position < hungry.count, misses < 4 {
            let id = hungry[position]
            position += 1
            guard let slot = workerIndex[id], workers[slot].hungry else { continue }
            if !serveIdle(slot, now: now, out: &out) { misses += 1 }
        }
    }

    /// Sends one revoke on behalf of `thief` to the worker with the most stealable tiles.
    mutating func steal(for thiefSlot: Int, out: inout [SchedulerDirective]) -> Bool {
        let thief = workers[thiefSlot].id
        let wanted = workers[thiefSlot].demand
        guard wanted > 0 else { return false }
        var setAside: [StealCandidate] = []
        defer { stealHeap.insert(contentsOf: setAside) }
        while let entry = stealHeap.popMin() {
            guard let victimSlot = workerIndex[entry.worker] else { continue }
            let victim = workers[victimSlot]
            guard victim.stealable == entry.stealable, victim.stealable > 0 else { continue }
            if entry.worker == thief {
                setAside.append(entry)
                continue
            }
            guard victim.pendingRevokes.isEmpty, !victim.isDraining else {
                // Not eligible now; the next change of its count pushes it again.
                workers[victimSlot].stealKey = 0
                continue
            }
            // Newest unstarted tiles first (the back of its queue), one job per revoke.
            let candidates = victim.held.filter {
                !$0.value.isStarted && !$0.value.revoking && !$0.value.isBackup
            }
            .sorted { $0.value.sequence > $1.value.sequence }
            guard let job = candidates.first?.key.job else { continue }
            let half = min((victim.stealable + 1) / 2, wanted)
            var indices: [UInt32] = []
            for (tile, _) in candidates where tile.job == job && indices.count < half {
                indices.append(tile.index)
                workers[victimSlot].held[tile]?.revoking = true
            }
            workers[victimSlot].revoking += indices.count
            workers[victimSlot].pendingRevokes.append(
                PendingRevoke(job: job, indices: indices, thief: thief))
            workers[victimSlot].stealKey = 0
            workers[thiefSlot].incoming += indices.count
            if let jobSlot = jobIndex[job] { count(jobSlot, \.steals) }
            out.append(.revoke(worker: entry.worker, job: job, indices: indices))
            return true
        }
        return false
    }

    /// A victim (or a draining worker) confirmed which revoked tiles it gave back.
    mutating func revokeAcked(
        _ slot: Int, job: JobID, indices: [UInt32], out: inout [SchedulerDirective]
    ) {
        guard let position = workers[slot].pendingRevokes.firstIndex(where: { $0.job == job }) else {
            return
        }
        let pending = workers[slot].pendingRevokes.remove(at: position)
        releaseIncoming(pending)
        let acked = Set(indices)
        var returned: [(tile: TileRef, sequence: UInt64)] = []
        for index in pending.indices {
            let tile = TileRef(job: job, index: index)
            guard var held = workers[slot].held[tile], held.revoking else { continue }
            if acked.contains(index) {
                _ = removeHeld(slot, tile)
                // A backup copy that was given back simply ends; the primary goes on.
                if !held.isBackup && copies[tile] == nil { returned.append((tile, held.sequence)) }
            } else {
                // Not given back: it stays where it is.
                held.revoking = false
                workers[slot].held[tile] = held
                workers[slot].revoking -= 1
            }
        }
        noteStealable(slot)
        if let jobSlot = jobIndex[job] { count(jobSlot, \.tilesStolen, returned.count) }
        // Hand them on in their original (curve) order.
        var rest = returned.sorted { $0.sequence < $1.sequence }.map(\.tile)[...]
        if let thief = pending.thief, let thiefSlot = workerIndex[thief], !workers[thiefSlot].isDraining {
            var batch: [TileAssignment] = []
            while workers[thiefSlot].demand > 0, let tile = rest.first {
                rest = rest.dropFirst()
                guard let jobSlot = jobIndex[tile.job] else { continue }
                let attempt = UInt32(jobs[jobSlot].attempt[Int(tile.index)])
                sequence += 1
                addHeld(thiefSlot, tile, HeldTile(attempt: attempt, sequence: sequence))
                batch.append(TileAssignment(index: tile.index, attempt: attempt))
            }
            emitAssign(worker: thief, job: job, tiles: batch, out: &out)
        }
        returnToPool(Array(rest))
        feedHungry(excluding: workers[slot].id, out: &out)
    }

    /// Drops the stale entries in O(n).
    mutating func compactBackupHeap() {
        backupHeap = Heap(backupHeap.unordered.filter { isValidBackup($0) })
    }

    /// The entry still describes a started primary copy without a backup.
    func isValidBackup(_ entry: BackupCandidate) -> Bool {
        guard let slot = workerIndex[entry.worker], let held = workers[slot].held[entry.tile],
            held.startedAt == entry.startedAt, held.sequence == entry.sequence, !held.isBackup,
            let holders = copies[entry.tile], holders.backup == nil
        else { return false }
        return true
    }

    /// How long a tile must have run before it deserves a backup; nil when there is no basis yet.
    var backupThresholdMs: Double? {
        let floor = Double(config.backupMinRunMs)
        guard let median = durations.median else { return config.backupMinRunMs > 0 ? floor : nil }
        return max(floor, config.backupMedianFactor * median)
    }

    /// Gives the idle slots of a worker backup copies of the longest-running tiles.
    mutating func launchBackups(for slot: Int, now: UInt64, out: inout [SchedulerDirective]) -> Int {
        guard config.backupCopies, totalPending == 0, !workers[slot].isDraining else { return 0 }
        let room = min(workers[slot].idleSlots, workers[slot].reportedFreeSlots)
        guard room > 0, let threshold = backupThresholdMs else { return 0 }
        let worker = workers[slot].id
        var setAside: [BackupCandidate] = []
        var launched = 0
        while launched < room, let entry = backupHeap.min {
            guard isValidBackup(entry) else {
                _ = backupHeap.popMin()
                continue
            }
            let ranFor = now > entry.startedAt ? Double(now - entry.startedAt) : 0
            // The oldest start has the longest run: if it is not slow, none is.
            guard ranFor >= threshold else { break }
            _ = backupHeap.popMin()
            if entry.worker == worker {
                setAside.append(entry)
                continue
            }
            guard let primarySlot = workerIndex[entry.worker],
                let primary = workers[primarySlot].held[entry.tile]
            else {
                continue
            }
            sequence += 1
            addHeld(
                slot, entry.tile, HeldTile(attempt: primary.attempt, sequence: sequence, isBackup: true))
            out.append(
                .assign(
                    worker: worker, job: entry.tile.job,
                    tiles: [TileAssignment(index: entry.tile.index, attempt: primary.attempt)]))
            if let jobSlot = jobIndex[entry.tile.job] { count(jobSlot, \.backupsLaunched) }
            launched += 1
        }
        backupHeap.insert(contentsOf: setAside)
        return launched
    }
}
