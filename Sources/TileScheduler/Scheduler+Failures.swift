/// Failed runs and draining machines.
extension Scheduler {
    mutating func fail(_ slot: Int, failures: [TileFailure], out: inout [SchedulerDirective]) {
        var cancels = CancelBatch()
        var retry: [TileRef] = []
        for failure in failures {
            let tile = failure.tile
            guard let jobSlot = jobIndex[tile.job], jobs[jobSlot].contains(tile.index),
                !jobs[jobSlot].state(of: tile.index).isTerminal,
                // A late failure of a copy the head already took away: the new run will report.
                workers[slot].held[tile] != nil
            else { continue }
            _ = removeHeld(slot, tile)
            jobs[jobSlot].errors[tile.index] = failure.error
            let position = Int(tile.index)
            if failure.retryable && jobs[jobSlot].failures[position] < UInt8.max {
                jobs[jobSlot].failures[position] += 1
            }
            let exhausted = Int(jobs[jobSlot].failures[position]) >= jobs[jobSlot].maxAttempts
            if !failure.retryable || exhausted {
                finish(
                    jobSlot, tile.index, as: .failed,
                    entry: .tileFailed(job: tile.job, index: tile.index, error: failure.error),
                    reporter: workers[slot].id, cancels: &cancels, out: &out)
            } else if copies[tile] == nil {
                // No other copy runs it: try again, soon (front of the pool).
                jobs[jobSlot].bumpAttempt(tile.index)
                count(jobSlot, \.retries)
                retry.append(tile)
            }
        }
        returnToPool(retry)
        cancels.flush(into: &out)
        feedHungry(excluding: nil, out: &out)
    }

    /// The machine goes away at `deadline`: no new work, give back the queue, let running tiles
    /// finish until the deadline.
    mutating func drain(_ slot: Int, deadline: UInt64, out: inout [SchedulerDirective]) {
        workers[slot].drainDeadline = deadline
        workers[slot].hungry = false
        let queued = workers[slot].held.filter { !$0.value.isStarted && !$0.value.revoking }
            .sorted { $0.value.sequence < $1.value.sequence }
        var byJob: [JobID: [UInt32]] = [:]
        var jobOrder: [JobID] = []
        for (tile, _) in queued {
            if byJob[tile.job] == nil { jobOrder.append(tile.job) }
            byJob[tile.job, default: []].append(tile.index)
            workers[slot].held[tile]?.revoking = true
            workers[slot].revoking += 1
        }
        for job in jobOrder {
            let indices = byJob[job] ?? []
            workers[slot].pendingRevokes.append(PendingRevoke(job: job, indices: indices, thief: nil))
            out.append(.revoke(worker: workers[slot].id, job: job, indices: indices))
        }
        noteStealable(slot)
    }

    /// The drain deadline passed with tiles still on the worker: they cannot finish there. Cancel
    /// them on the worker and re-run them elsewhere, without counting a loss against them.
    mutating func drainDeadlinePassed(_ slot: Int, out: inout [SchedulerDirective]) {
        let worker = workers[slot].id
        let held = workers[slot].held.sorted { $0.value.sequence < $1.value.sequence }
        var cancels = CancelBatch()
        for (tile, _) in held { cancels.add(worker: worker, tile: tile) }
        cancels.flush(into: &out)
        release(slot, reason: .left, out: &out)
    }
}
