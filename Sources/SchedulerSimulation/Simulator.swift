import GrowBase
import HeapModule
import TileScheduler

/// Drives a `Scheduler` with virtual workers in virtual time: the same core as the real head,
/// with a seeded generator so every run is reproducible. Checks invariants as it goes:
/// no tile queued or running on two connected workers unless the scheduler made one a backup
/// copy, and every tile journaled exactly once.
///
///     var config = SimulatorConfig()
///     config.workers = 100
///     let result = Simulator(config: config).run()
package struct Simulator {
    package let config: SimulatorConfig

    private struct Event: Comparable {
        var time: UInt64
        var order: UInt64
        var kind: Kind

        static func < (lhs: Event, rhs: Event) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.order < rhs.order
        }
        static func == (lhs: Event, rhs: Event) -> Bool {
            lhs.time == rhs.time && lhs.order == rhs.order
        }
    }

    private enum Kind {
        case toHead(SchedulerEvent)
        case toWorker(Int, session: UInt64, SchedulerDirective)
        case complete(Int, session: UInt64, tile: TileRef, token: UInt64)
        case poison(Int, session: UInt64, token: UInt64)
        case heartbeat(Int, session: UInt64)
        case tick
        case loss
        case rejoin(Int)
    }

    private struct Run {
        var attempt: UInt32
        var token: UInt64
        var startedAt: UInt64
    }

    private struct Worker {
        var id: WorkerID
        var session: UInt64 = 0
        var alive = true
        var connected = true
        /// The head declared it lost (markLost) and has taken its tiles back.
        var headLost = false
        var queue: [TileAttempt] = []
        var running: [TileRef: Run] = [:]
        var buffered: [SchedulerEvent] = []
        var cancelPending: [TileRef: Int] = [:]
    }

    package init(config: SimulatorConfig) {
        self.config = config
    }

    package func run() -> SimulationResult {
        var state = State(config: config)
        return state.run()
    }

    private struct State {
        let config: SimulatorConfig
        let job: JobID = 1
        var scheduler: Scheduler
        var rng: SplitMix64
        var queue = Heap<Event>()
        var order: UInt64 = 0
        var now: UInt64 = 0
        var workers: [Worker] = []
        var durations: [UInt64] = []
        var poison: Set<UInt32> = []
        var journaled: [UInt8]
        /// Sim workers holding each tile (queued or running), for the two-holder check.
        var holders: [TileRef: [Int]] = [:]
        var token: UInt64 = 0
        var result = SimulationResult()
        var lossesLeft = 0

        init(config: SimulatorConfig) {
            self.config = config
            scheduler = Scheduler(config: config.scheduler)
            rng = SplitMix64(seed: config.seed)
            journaled = [UInt8](repeating: 0, count: max(0, config.tiles))
        }

        var target: Int { config.scheduler.queueTarget(slots: max(0, config.slotsPerWorker)) }

        mutating func schedule(_ kind: Kind, at time: UInt64) {
            order += 1
            queue.insert(Event(time: time, order: order, kind: kind))
        }

        mutating func violation(_ text: String) {
            if result.violations.count < 50 { result.violations.append("t=\(now): \(text)") }
        }

        mutating func run() -> SimulationResult {
            let tiles = max(0, config.tiles)
            durations = config.tileDurationsMs ?? config.durations.sample(count: tiles, using: &rng)
            if durations.count < tiles {
                durations += [UInt64](repeating: 1000, count: tiles - durations.count)
            }
            for _ in 0..<min(config.poisonTiles, tiles) {
                poison.insert(UInt32(truncatingIfNeeded: rng.next() % UInt64(tiles)))
            }
            let slots = max(0, config.slotsPerWorker) * max(0, config.workers)
            result.totalWorkMs = durations.prefix(tiles).reduce(0, +)
            result.longestTileMs = durations.prefix(tiles).max() ?? 0
            result.lowerBoundMs = max(
                slots > 0 ? result.totalWorkMs / UInt64(slots) : 0, result.longestTileMs)

            var curve: [UInt32]? = nil
            if let width = config.gridWidth, width > 0 {
                let cells = (0..<tiles).map { (x: $0 % width, y: $0 / width) }
                curve = HilbertCurve.order(of: cells)
            }
            schedule(
                .toHead(.jobSubmitted(job: job, tileCount: tiles, order: curve, alreadyFinished: [])), at: 0
            )
            for index in 0..<max(0, config.workers) {
                workers.append(Worker(id: WorkerID(index + 1)))
                schedule(
                    .toHead(
                        .workerJoined(worker: WorkerID(index + 1), slots: config.slotsPerWorker, running: [])),
                    at: 0)
                schedule(
                    .toHead(.tilesRequested(worker: WorkerID(index + 1), freeSlots: config.slotsPerWorker)),
                    at: 0)
                if config.heartbeatIntervalMs > 0 {
                    schedule(
                        .heartbeat(index, session: 0),
                        at: config.heartbeatIntervalMs + UInt64(index) % config.heartbeatIntervalMs)
                }
            }
            if config.tickIntervalMs > 0 { schedule(.tick, at: config.tickIntervalMs) }
            lossesLeft = max(0, config.workerLosses)
            let window = max(1, config.lossWindowMs ?? result.lowerBoundMs)
            for _ in 0..<lossesLeft { schedule(.loss, at: rng.next() % window) }

            var processed = 0
            while !result.finished, processed < config.maxEvents, let event = queue.popMin() {
                processed += 1
                now = event.time
                process(event.kind)
                if config.consistencyCheckEvery > 0 && processed % config.consistencyCheckEvery == 0 {
                    for problem in scheduler.checkConsistency().prefix(3) {
                        violation("scheduler: \(problem)")
                    }
                }
            }
            for problem in scheduler.checkConsistency().prefix(5) { violation("scheduler: \(problem)") }
            result.makespanMs = now
            result.decisions = scheduler.counters.eventsHandled
            result.counters = scheduler.counters
            if result.finished {
                for (index, count) in journaled.enumerated() where count != 1 {
                    violation("tile \(index) journaled \(count) times")
                    break
                }
            } else {
                violation("job did not finish (\(processed) events)")
            }
            return result
        }

        mutating func process(_ kind: Kind) {
            switch kind {
            case .toHead(let event):
                if case .workerJoined(let worker, _, _) = event, let index = workerIndex(worker) {
                    workers[index].headLost = false  // from here on the head knows this session
                }
                let directives = scheduler.handle(event, now: now)
                for directive in directives { emit(directive) }
            case .toWorker(let index, let session, let directive):
                guard workers[index].alive, workers[index].connected, workers[index].session == session
                else { return }
                deliver(directive, to: index)
            case .complete(let index, let session, let tile, let token):
                // Tokens identify a run: a crash or cancel forgets it, a partition does not.
                _ = session
                guard workers[index].alive, let run = workers[index].running[tile], run.token == token
                else { return }
                finishRun(index, tile: tile, run: run)
            case .poison(let index, _, let token):
                guard workers[index].alive,
                    workers[index].running.values.contains(where: { $0.token == token })
                else { return }
                crash(index)
            case .heartbeat(let index, let session):
                guard workers[index].alive, workers[index].session == session else { return }
                if workers[index].connected { send(.heartbeat(worker: workers[index].id)) }
                schedule(.heartbeat(index, session: session), at: now + config.heartbeatIntervalMs)
            case .tick:
                let directives = scheduler.handle(.tick, now: now)
                for directive in directives { emit(directive) }
                schedule(.tick, at: now + config.tickIntervalMs)
            case .loss:
                let live = workers.indices.filter { workers[$0].alive && workers[$0].connected }
                guard !live.isEmpty else { return }
                let index = live[Int(rng.next() % UInt64(live.count))]
                if rng.positiveUnit() <= config.partitionFraction { partition(index) } else { crash(index) }
            case .rejoin(let index):
                rejoin(index)
            }
        }

        mutating func send(_ event: SchedulerEvent) {
            schedule(.toHead(event), at: now + config.latencyMs)
        }

        // MARK: - Head → worker

        /// Tracks what the scheduler decided (checks) and puts the message on the wire.
        mutating func emit(_ directive: SchedulerDirective) {
            switch directive {
            case .persist(let entry):
                let index = Int(entry.tile.index)
                guard index < journaled.count else {
                    return violation("journal entry for unknown tile \(entry.tile)")
                }
                journaled[index] = journaled[index] &+ 1
                if journaled[index] > 1 { violation("tile \(entry.tile) journaled twice: \(entry)") }
                switch entry {
                case .tileFinished: result.done += 1
                case .tileFailed: result.failed += 1
                case .tileQuarantined: result.quarantined += 1
                }
            case .jobFinished:
                result.finished = true
            case .markLost(let worker):
                guard let index = workerIndex(worker) else { return }
                workers[index].headLost = true
                if workers[index].connected {
                    // The head closed a live connection: the worker reconnects at once.
                    partition(index)
                    schedule(.rejoin(index), at: now + 2 * config.latencyMs + 1)
                }
            case .assign(let worker, let job, let tiles):
                guard let index = workerIndex(worker) else { return }
                for tile in tiles { checkAssign(TileRef(job: job, index: tile.index), to: index) }
                put(directive, to: index)
            case .cancel(let worker, let job, let indices):
                guard let index = workerIndex(worker) else { return }
                for tileIndex in indices {
                    workers[index].cancelPending[TileRef(job: job, index: tileIndex), default: 0] += 1
                }
                put(directive, to: index)
            case .revoke(let worker, _, _):
                guard let index = workerIndex(worker) else { return }
                put(directive, to: index)
            }
        }

        func workerIndex(_ worker: WorkerID) -> Int? {
            let index = Int(worker) - 1
            return index >= 0 && index < workers.count ? index : nil
        }

        mutating func put(_ directive: SchedulerDirective, to index: Int) {
            guard workers[index].alive, workers[index].connected else {
                if case .cancel(_, let job, let indices) = directive {
                    dropCancels(index, job: job, indices: indices)
                }
                return
            }
            schedule(
                .toWorker(index, session: workers[index].session, directive), at: now + config.latencyMs)
        }

        mutating func dropCancels(_ index: Int, job: JobID, indices: [UInt32]) {
            for tileIndex in indices {
                let tile = TileRef(job: job, index: tileIndex)
                if let count = workers[index].cancelPending[tile] {
                    workers[index].cancelPending[tile] = count > 1 ? count - 1 : nil
                }
            }
        }

        /// A tile may only go to a second connected worker as a backup copy, or after the first
        /// one was told to stop.
        mutating func checkAssign(_ tile: TileRef, to index: Int) {
            let backup = scheduler.isBackupCopy(tile, on: workers[index].id)
            for other in holders[tile] ?? [] {
                if other == index {
                    violation("tile \(tile) assigned to worker \(index + 1) which already holds it")
                    continue
                }
                let worker = workers[other]
                guard worker.alive, worker.connected, !worker.headLost, worker.cancelPending[tile] == nil
                else { continue }
                if !backup {
                    violation(
                        "tile \(tile) assigned to worker \(index + 1) while worker \(other + 1) still holds it")
                }
            }
        }

        mutating func deliver(_ directive: SchedulerDirective, to index: Int) {
            switch directive {
            case .assign(_, let job, let tiles):
                for tile in tiles {
                    let ref = TileRef(job: job, index: tile.index)
                    workers[index].queue.append(TileAttempt(ref, attempt: tile.attempt))
                    holders[ref, default: []].append(index)
                }
                startTiles(index)
            case .revoke(_, let job, let indices):
                let wanted = Set(indices)
                var given: [UInt32] = []
                workers[index].queue.removeAll { item in
                    guard item.tile.job == job, wanted.contains(item.tile.index) else { return false }
                    given.append(item.tile.index)
                    return true
                }
                for tileIndex in given { dropHolder(TileRef(job: job, index: tileIndex), index) }
                send(.revokeAcked(worker: workers[index].id, job: job, indices: given))
            case .cancel(_, let job, let indices):
                dropCancels(index, job: job, indices: indices)
                let wanted = Set(indices)
                workers[index].queue.removeAll { $0.tile.job == job && wanted.contains($0.tile.index) }
                for tileIndex in indices {
                    let tile = TileRef(job: job, index: tileIndex)
                    workers[index].running[tile] = nil
                    dropHolder(tile, index)
                }
                startTiles(index)
                requestIfNeeded(index)
            default:
                break
            }
        }

        mutating func dropHolder(_ tile: TileRef, _ index: Int) {
            guard var list = holders[tile] else { return }
            if let position = list.firstIndex(of: index) { list.remove(at: position) }
            holders[tile] = list.isEmpty ? nil : list
        }

        // MARK: - Worker behaviour

        mutating func startTiles(_ index: Int) {
            var started: [TileAttempt] = []
            while workers[index].running.count < config.slotsPerWorker, !workers[index].queue.isEmpty {
                let item = workers[index].queue.removeFirst()
                token += 1
                workers[index].running[item.tile] = Run(attempt: item.attempt, token: token, startedAt: now)
                let duration = durations[Int(item.tile.index)]
                if poison.contains(item.tile.index) {
                    schedule(
                        .poison(index, session: workers[index].session, token: token),
                        at: now + min(duration, 100))
                } else {
                    schedule(
                        .complete(index, session: workers[index].session, tile: item.tile, token: token),
                        at: now + duration)
                }
                started.append(item)
            }
            if !started.isEmpty && workers[index].connected {
                send(.tilesStarted(worker: workers[index].id, tiles: started))
            }
        }

        mutating func finishRun(_ index: Int, tile: TileRef, run: Run) {
            workers[index].running[tile] = nil
            dropHolder(tile, index)
            let id = workers[index].id
            let event: SchedulerEvent
            if config.failureProbability > 0 && rng.positiveUnit() <= config.failureProbability {
                let retryable = rng.positiveUnit() > config.nonRetryableFraction
                event = .tilesFailed(
                    worker: id,
                    failures: [
                        TileFailure(tile, attempt: run.attempt, error: "simulated error", retryable: retryable)
                    ])
            } else {
                event = .tilesDone(
                    worker: id,
                    results: [TileCompletion(tile, attempt: run.attempt, durationMicros: (now - run.startedAt) * 1000)])
            }
            if workers[index].connected {
                send(event)
            } else {
                workers[index].buffered.append(event)  // redelivered after reconnecting
            }
            startTiles(index)
            requestIfNeeded(index)
        }

        /// Ask for more when the queue runs low or a slot is idle.
        mutating func requestIfNeeded(_ index: Int) {
            let worker = workers[index]
            guard worker.alive, worker.connected else { return }
            let lowWater = max(1, (target - config.slotsPerWorker) / 2)
            if worker.queue.count < lowWater || worker.running.count < config.slotsPerWorker {
                send(
                    .tilesRequested(
                        worker: worker.id, freeSlots: config.slotsPerWorker - worker.running.count))
            }
        }

        // MARK: - Failures

        mutating func crash(_ index: Int) {
            guard workers[index].alive else { return }
            let wasConnected = workers[index].connected
            for item in workers[index].queue { dropHolder(item.tile, index) }
            for tile in workers[index].running.keys { dropHolder(tile, index) }
            workers[index].alive = false
            workers[index].connected = false
            workers[index].session += 1
            workers[index].queue = []
            workers[index].running = [:]
            workers[index].buffered = []
            workers[index].cancelPending = [:]
            // The shell sees the connection reset (a partitioned worker's was already gone).
            if wasConnected && !workers[index].headLost { send(.workerLost(worker: workers[index].id)) }
            scheduleRejoin(index)
        }

        /// The network drops: the worker keeps running what it started, forgets its queue and
        /// buffers results; the head notices by missed heartbeats.
        mutating func partition(_ index: Int) {
            guard workers[index].alive, workers[index].connected else { return }
            for item in workers[index].queue { dropHolder(item.tile, index) }
            workers[index].queue = []
            workers[index].connected = false
            workers[index].session += 1
            workers[index].cancelPending = [:]
            scheduleRejoin(index)
        }

        mutating func scheduleRejoin(_ index: Int) {
            let low = max(1, config.rejoinDelayMs / 4)
            let high = max(low + 1, config.rejoinDelayMs * 2)
            schedule(.rejoin(index), at: now + low + rng.next() % (high - low))
        }

        mutating func rejoin(_ index: Int) {
            guard !(workers[index].alive && workers[index].connected) else { return }
            workers[index].alive = true
            workers[index].connected = true
            workers[index].session += 1
            let id = workers[index].id
            let running = workers[index].running.sorted { $0.value.token < $1.value.token }
                .map { TileAttempt($0.key, attempt: $0.value.attempt) }
            send(.workerJoined(worker: id, slots: config.slotsPerWorker, running: running))
            for event in workers[index].buffered { send(event) }
            workers[index].buffered = []
            if config.heartbeatIntervalMs > 0 {
                schedule(
                    .heartbeat(index, session: workers[index].session), at: now + config.heartbeatIntervalMs)
            }
            send(
                .tilesRequested(worker: id, freeSlots: config.slotsPerWorker - workers[index].running.count)
            )
        }
    }
}
