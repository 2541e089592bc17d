import TileScheduler
import Wire

/// The scheduler's events in, its directives carried out as sends, closes, journal records and
/// the job's bookkeeping.
extension HeadCoordinator {
    mutating func schedule(_ event: SchedulerEvent) {
        for directive in scheduler.handle(event, now: now.monotonicMs) { apply(directive) }
    }

    mutating func apply(_ directive: SchedulerDirective) {
        switch directive {
        case .assign(let worker, let job, let tiles):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            if connections[connection]?.knownJobs.insert(job).inserted == true {
                send(
                    .jobDefinition(JobDefinition(job: job, name: headJob.spec.name, spec: headJob.specJSON)),
                    to: connection)
            }
            let assignments = tiles.map {
                Wire.TileAssignment(index: headJob.tileIndex(ofPosition: $0.index), attempt: $0.attempt)
            }
            send(.assign(TileBatch(job: job, tiles: assignments)), to: connection)
        case .revoke(let worker, let job, let indices):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            send(.revoke(TileIndices(job: job, indices: indices.map(headJob.tileIndex(ofPosition:)))), to: connection)
        case .cancel(let worker, let job, let indices):
            guard let connection = workers[worker]?.connection, let headJob = jobs[job] else { return }
            send(
                .cancelTiles(TileIndices(job: job, indices: indices.map(headJob.tileIndex(ofPosition:)))),
                to: connection)
        case .markLost(let worker):
            markLost(worker)
        case .persist(let entry):
            persist(entry)
        case .jobFinished(let job):
            finish(job)
        }
    }

    /// A tile's outcome: journal it and keep what the records need.
    mutating func persist(_ entry: JournalEntry) {
        switch entry {
        case .tileFinished(let job, let index, let attempt, let micros, let worker):
            let key = workers[worker]?.key ?? ""
            actions.append(
                .journal(
                    .tileFinished(job: job, index: index, attempt: attempt, durationMicros: micros, worker: key)))
            workers[worker]?.tilesDone += 1
            noteDashboardDone(job: job, position: index, attempt: attempt, worker: worker, micros: micros)
            guard jobs[job] != nil else { return }
            jobs[job]?.noteFinished(index)
            jobs[job]?.durations.add(micros)
            jobs[job]?.tilesByWorker[key, default: 0] += 1
        case .tileFailed(let job, let index, let error):
            let attempts = scheduler.attempt(of: TileRef(job: job, index: index)) ?? 0
            actions.append(.journal(.tileFailed(job: job, index: index, attempts: attempts, error: error)))
            guard let name = jobs[job]?.tileName(ofPosition: index) else { return }
            jobs[job]?.failures[index] = .init(error: error, attempts: attempts, quarantined: false)
            noteDashboardError(job: job, position: index, error: error)
            record(job, "tile \(name) failed for good after \(attempts) attempts: \(error)")
        case .tileQuarantined(let job, let index, let reason):
            let attempts = scheduler.attempt(of: TileRef(job: job, index: index)) ?? 0
            actions.append(.journal(.tileQuarantined(job: job, index: index, reason: reason)))
            guard let name = jobs[job]?.tileName(ofPosition: index) else { return }
            jobs[job]?.failures[index] = .init(error: reason, attempts: attempts, quarantined: true)
            noteDashboardError(job: job, position: index, error: reason)
            record(job, "tile \(name) quarantined: \(reason)")
            log(.warning, "tile quarantined", ["job": "\(job)", "tile": "\(name)", "reason": "\(reason)"])
        }
    }

    /// The job's counters so far, this head's and those of the heads before a restart.
    func counters(of job: HeadJob) -> JobCounters {
        job.countersBeforeRestart + (scheduler.counters(of: job.id) ?? JobCounters())
    }

    /// Journals the counters of every open job whose counters moved, so a restarted head's
    /// report still counts the losses, re-runs and steals from before.
    mutating func journalChangedCounters() {
        for id in jobOrder {
            guard let job = jobs[id], job.isOpen else { continue }
            let total = counters(of: job)
            guard total != job.journaledCounters else { continue }
            jobs[id]?.journaledCounters = total
            actions.append(.journal(.jobCounters(job: id, counters: total)))
        }
    }
}
