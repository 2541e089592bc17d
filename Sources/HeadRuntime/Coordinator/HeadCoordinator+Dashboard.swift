import Dashboard
import GrowJob
import TileScheduler
import Wire

/// What the dashboard sees of the head: with `CoordinatorConfig.dashboard` on, each input's
/// tile state changes (as the scheduler has them after it), jobs opening and ending, errors, and
/// now and then the workers, as one `.dashboard` action per input. Off, none of it is computed.
extension HeadCoordinator {
    /// The states of the tiles the scheduler changed during this input, once per tile. A tile
    /// becomes done only through a result, which `persist` noted with its worker and duration.
    mutating func collectTileChanges() {
        guard config.dashboard else { return }
        var changed = scheduler.takeChangedTiles()
        guard !changed.isEmpty || !finishedTiles.isEmpty else { return }
        // Each tile once (its state is read now, so which of its changes came last does not matter).
        if changed.count > 1 {
            changed.sort { ($0.job, $0.index) < ($1.job, $1.index) }
            var unique = 1
            for next in 1..<changed.count where changed[next] != changed[unique - 1] {
                changed[unique] = changed[next]
                unique += 1
            }
            changed.removeLast(changed.count - unique)
        }
        var changes = finishedTiles
        finishedTiles = []
        changes.reserveCapacity(changes.count + changed.count)
        for tile in changed {
            guard let (state, attempt, holder) = scheduler.tileView(tile), state != .done else { continue }
            changes.append(
                TileChange(job: tile.job, position: tile.index, state: state, worker: holder ?? 0, attempt: attempt))
        }
        dashboardEvents.append(.tiles(changes))
    }

    /// A job's map opens (`settled`: positions already finished, failed or quarantined).
    mutating func openDashboardJob(_ job: HeadJob) {
        guard config.dashboard else { return }
        var settled: [(position: UInt32, state: TileState)] = job.finished.map { ($0, .done) }
        for (position, info) in job.failures {
            settled.append((position, info.quarantined ? .quarantined : .failed))
        }
        dashboardEvents.append(
            .jobOpened(
                JobOpening(
                    job: job.id, name: job.spec.name, pipeline: job.spec.pipeline.rawValue, tiles: job.spec.tiles,
                    selected: job.selectedPositions, submittedUnixMs: job.submittedUnixMs, settled: settled,
                    endedUnixMs: job.finishedUnixMs, cancelled: job.cancelled)))
        for (position, info) in job.failures {
            dashboardEvents.append(.tileError(job: job.id, position: position, error: info.error))
        }
    }

    /// A tile done: who ran it and for how long (the scheduler's view has neither).
    mutating func noteDashboardDone(job: JobID, position: UInt32, attempt: UInt32, worker: WorkerID, micros: UInt64) {
        guard config.dashboard else { return }
        finishedTiles.append(
            TileChange(
                job: job, position: position, state: .done, worker: worker, attempt: attempt, durationMicros: micros))
    }

    mutating func noteDashboardError(job: JobID, position: UInt32, error: String) {
        guard config.dashboard else { return }
        dashboardEvents.append(.tileError(job: job, position: position, error: error))
    }

    /// The pictures a job's final step made, laid over its map.
    mutating func noteDashboardQuicklooks(_ job: JobID, _ images: [JobFinalization.Image]) {
        guard config.dashboard, !images.isEmpty else { return }
        dashboardEvents.append(.quicklooks(job: job, images.map { Quicklook(epsg: $0.epsg, png: $0.png) }))
    }

    mutating func noteDashboardJobEnded(_ job: HeadJob, atUnixMs: UInt64) {
        guard config.dashboard else { return }
        dashboardEvents.append(.jobEnded(job: job.id, cancelled: job.cancelled, atUnixMs: atUnixMs))
    }

    /// The workers as the dashboard lists them (with the autoscaler's node type and market).
    mutating func noteDashboardWorkers() {
        guard config.dashboard else { return }
        var nodes: [String: (type: String, market: String)] = [:]
        if let autoscaler {
            for node in autoscaler.nodeStatuses {
                let market = autoscaler.config.nodeType(node.nodeType)?.market
                nodes[node.id] = (node.nodeType ?? "", market?.rawValue ?? "")
            }
        }
        let rows = workers.values.sorted { $0.id < $1.id }.map { worker in
            WorkerRow(
                id: worker.id, name: worker.key, host: worker.host, state: "\(worker.state)", slots: worker.slots,
                busy: worker.heartbeat.busySlots, queued: worker.heartbeat.queuedTiles, load: worker.heartbeat.load,
                rssBytes: worker.heartbeat.rssBytes, tilesDone: worker.tilesDone,
                lastHeardAgoMs: now.monotonicMs > worker.lastHeardMs ? now.monotonicMs - worker.lastHeardMs : 0,
                node: worker.nodeID, nodeType: nodes[worker.nodeID]?.type ?? "",
                market: nodes[worker.nodeID]?.market ?? "")
        }
        dashboardEvents.append(.workers(rows))
    }

    /// The input's dashboard events as one action.
    mutating func flushDashboardEvents() {
        guard config.dashboard else { return }
        collectTileChanges()
        guard !dashboardEvents.isEmpty else { return }
        actions.append(.dashboard(dashboardEvents))
        dashboardEvents = []
    }
}
