import TileScheduler
import Wire

/// Workers: registration, their messages, and losing them.
extension HeadCoordinator {
    mutating func registerWorker(_ register: RegisterWorker, on id: ConnectionID) {
        guard connections[id]?.worker == nil else { return protocolError("RegisterWorker sent twice", on: id) }
        // A registration that arrives while the head stops (a short job can end before every
        // worker has registered) is told to stop too, or the worker would take the head's going
        // away for a lost connection and try to reconnect.
        guard !workersStopped else { return send(Self.stopping, to: id) }
        guard !register.workerID.isEmpty, register.slots > 0 else {
            return protocolError("RegisterWorker needs a worker id and at least one slot", on: id)
        }
        let workerID: WorkerID
        if let known = workerIDsByKey[register.workerID] {
            workerID = known
        } else {
            workerID = nextWorkerID
            nextWorkerID += 1
            workerIDsByKey[register.workerID] = workerID
        }
        if let previous = workers[workerID]?.connection, previous != id {
            // Same worker on a new connection before the old one was seen to drop: the old one
            // is stale. Detach it first so its close is not taken for a loss.
            connections[previous]?.worker = nil
            actions.append(.close(previous))
        }
        var record = WorkerRecord(
            id: workerID, key: register.workerID, register: register, connection: id, nowMs: now.monotonicMs)
        record.tilesDone = workers[workerID]?.tilesDone ?? 0
        workers[workerID] = record
        connections[id]?.worker = workerID
        let running = register.running.compactMap { attempt(job: $0.job, index: $0.index, attempt: $0.attempt) }
        log(
            .info, "worker joined",
            [
                "worker": "\(register.workerID)", "host": "\(register.host)", "slots": "\(register.slots)",
                "still running": "\(running.count)", "node": "\(register.nodeID)",
            ])
        schedule(.workerJoined(worker: workerID, slots: Int(register.slots), running: running))
        busyWorkers.remove(workerID)
        autoscale(
            .workerJoined(
                worker: register.workerID, node: register.nodeID.isEmpty ? nil : register.nodeID,
                slots: Int(register.slots)))
    }

    mutating func receivedFromWorker(_ message: Message, worker: WorkerID, on id: ConnectionID) {
        switch message {
        case .heartbeat(let heartbeat):
            workers[worker]?.heartbeat = heartbeat
            schedule(.heartbeat(worker: worker))
            if heartbeat.rebalanceNoticeUnixMs > 0, let key = workers[worker]?.key {
                autoscale(.rebalanceRecommended(worker: key))
            }
        case .requestTiles(let request):
            if holdAssignmentsUntilMs > 0 {
                deferredRequests[worker] = Int(request.count)
            } else {
                schedule(.tilesRequested(worker: worker, freeSlots: Int(request.count)))
            }
        case .tilesStarted(let started):
            let tiles = started.tiles.compactMap { attempt(job: started.job, index: $0.index, attempt: $0.attempt) }
            schedule(.tilesStarted(worker: worker, tiles: tiles))
        case .tileDone(let done):
            let completions = done.results.compactMap { result -> TileCompletion? in
                guard let position = jobs[result.job]?.position(ofTile: result.index) else { return nil }
                return TileCompletion(
                    TileRef(job: result.job, index: position), attempt: result.attempt,
                    durationMicros: result.durationMicros)
            }
            schedule(.tilesDone(worker: worker, results: completions))
        case .tileFailed(let failed):
            tilesFailed(failed, worker: worker)
        case .revokeAck(let ack):
            let indices = ack.indices.compactMap { jobs[ack.job]?.position(ofTile: $0) }
            schedule(.revokeAcked(worker: worker, job: ack.job, indices: indices))
        case .drain(let drain):
            let remaining = drain.deadlineUnixMs > now.unixMs ? drain.deadlineUnixMs - now.unixMs : 0
            workers[worker]?.state = .draining
            log(
                .info, "worker draining",
                [
                    "worker": "\(workers[worker]?.key ?? "")", "reason": "\(drain.reason)",
                    "seconds left": "\(remaining / 1000)",
                ])
            schedule(.drain(worker: worker, deadlineMs: now.monotonicMs + remaining))
            if let key = workers[worker]?.key {
                autoscale(.workerDraining(worker: key, cause: drain.cause == .interruption ? .interruption : .shutdown))
            }
        case .log(let line):
            let who = workers[worker]?.key ?? ""
            if jobs[line.job] != nil {
                record(line.job, "[\(who)] \(line.text)")
            } else {
                log(.info, "\(line.text)", ["worker": "\(who)"])
            }
        default:
            protocolError("a worker may not send \(message.kind)", on: id)
        }
    }

    mutating func tilesFailed(_ failed: TileFailed, worker: WorkerID) {
        let key = workers[worker]?.key ?? ""
        var failures: [TileScheduler.TileFailure] = []
        for failure in failed.failures {
            guard let job = jobs[failure.job], let position = job.position(ofTile: failure.index) else { continue }
            record(
                failure.job,
                "tile \(job.tileName(ofPosition: position)) attempt \(failure.attempt) failed on \(key): \(failure.error)"
            )
            noteDashboardError(job: failure.job, position: position, error: failure.error)
            failures.append(
                TileScheduler.TileFailure(
                    TileRef(job: failure.job, index: position), attempt: failure.attempt, error: failure.error,
                    retryable: failure.retryable))
        }
        schedule(.tilesFailed(worker: worker, failures: failures))
    }

    mutating func disconnected(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        for job in connection.awaitingAcceptance { preparing[job]?.client = nil }
        guard let worker = connection.worker, workers[worker]?.connection == id else { return }
        let key = workers[worker]?.key ?? ""
        let drained = workers[worker]?.state == .draining
        workers[worker]?.state = .lost
        workers[worker]?.connection = nil
        busyWorkers.remove(worker)
        if drained {
            // It said it was going (a drain, or the head's own request): what it still held goes
            // back without counting as a loss against the tiles.
            log(.info, "worker left after draining", ["worker": "\(key)"])
            schedule(.workerLeft(worker: worker))
            autoscale(.workerLeft(worker: key))
        } else {
            log(.info, "worker lost: connection closed", ["worker": "\(key)"])
            schedule(.workerLost(worker: worker))
            autoscale(.workerLost(worker: key))
        }
    }

    /// The scheduler gave up on a silent worker: close its connection (its tiles are back in
    /// the pool already).
    mutating func markLost(_ worker: WorkerID) {
        guard let record = workers[worker] else { return }
        log(
            .warning, "worker lost: no heartbeat within \(config.scheduler.heartbeatTimeoutMs) ms",
            ["worker": "\(record.key)"])
        workers[worker]?.state = .lost
        if let connection = record.connection {
            connections[connection]?.worker = nil
            actions.append(.close(connection))
        }
        workers[worker]?.connection = nil
        busyWorkers.remove(worker)
        autoscale(.workerLost(worker: record.key))
    }

    /// A worker's (job, tile index, attempt) as the scheduler numbers it; nil for tiles of jobs
    /// or indices this head does not run.
    func attempt(job: UInt32, index: UInt32, attempt: UInt32) -> TileAttempt? {
        jobs[job]?.position(ofTile: index).map { TileAttempt(TileRef(job: job, index: $0), attempt: attempt) }
    }

    func workerSummaries() -> [WorkerSummary] {
        workers.values.sorted { $0.id < $1.id }.map { worker in
            WorkerSummary(
                workerID: worker.key, host: worker.host, state: worker.state, slots: worker.slots,
                busySlots: worker.heartbeat.busySlots, queuedTiles: worker.heartbeat.queuedTiles,
                load: worker.heartbeat.load, rssBytes: worker.heartbeat.rssBytes, tilesDone: worker.tilesDone,
                lastHeartbeatAgoMs: now.monotonicMs > worker.lastHeardMs ? now.monotonicMs - worker.lastHeardMs : 0,
                nodeID: worker.nodeID)
        }
    }
}
