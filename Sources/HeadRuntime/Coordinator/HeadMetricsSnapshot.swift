import TileScheduler

/// What the head's gauges and counters show, read from the coordinator now and then.
package struct HeadMetricsSnapshot: Sendable, Equatable {
    package struct Job: Sendable, Equatable {
        package var id: JobID
        package var name: String
        /// Tiles per state (every `TileState`).
        package var tiles: [TileState: Int]
    }

    package var jobs: [Job]
    /// Workers per state name (active, draining, lost).
    package var workers: [String: Int]
    /// The scheduler's counters over every job since this head started.
    package var counters: JobCounters
}

extension HeadCoordinator {
    package func metricsSnapshot() -> HeadMetricsSnapshot {
        var jobList: [HeadMetricsSnapshot.Job] = []
        var total = JobCounters()
        for id in jobOrder {
            guard let job = jobs[id] else { continue }
            var tiles: [TileState: Int] = [:]
            if let status = scheduler.jobStatus(id) {
                tiles = [
                    .pending: status.pending, .queued: status.queued, .running: status.running, .done: status.done,
                    .failed: status.failed, .quarantined: status.quarantined, .cancelled: status.cancelled,
                ]
            } else {
                // An ended job (the scheduler forgot its tiles, or the journal kept it): its counts.
                tiles = [
                    .pending: 0, .queued: 0, .running: 0, .done: job.finishedCount, .failed: job.failedCount,
                    .quarantined: job.quarantinedCount,
                    .cancelled: max(0, job.tileCount - job.finishedCount - job.failures.count),
                ]
            }
            jobList.append(.init(id: id, name: job.spec.name, tiles: tiles))
            total = total + (scheduler.counters(of: id) ?? JobCounters())
        }
        var workerStates: [String: Int] = ["active": 0, "draining": 0, "lost": 0]
        for worker in workers.values { workerStates["\(worker.state)", default: 0] += 1 }
        return HeadMetricsSnapshot(jobs: jobList, workers: workerStates, counters: total)
    }
}
