import Autoscaler
import GrowBase
import HeapModule
import TileScheduler

#if canImport(Glibc)
    import Glibc
#endif

/// The scheduler and the autoscaler together, as the head runs them, over a simulated spot
/// fleet: the autoscaler launches and releases nodes (with launch and boot delays), EC2 sends
/// interruption notices two minutes ahead (workers see them at their next poll and drain with the
/// notice's deadline), rebalance recommendations, and takes machines away without a word. Every
/// run is reproducible from its seed. Counts what the brief asks: tiles lost (must be 0), work
/// cut off by interruptions and redone, instance-hours against the never-interrupted bound.
///
///     var config = SpotFleetConfig()
///     config.noticesPerInstanceHour = 0.05
///     let result = SpotFleetSimulator(config: config).run()
package struct SpotFleetSimulator {
    package let config: SpotFleetConfig

    package init(config: SpotFleetConfig) {
        self.config = config
    }

    package func run() -> SpotFleetResult {
        var state = State(config: config)
        return state.run()
    }

    struct Event: Comparable {
        var time: UInt64
        var order: UInt64
        var kind: Kind

        static func < (lhs: Event, rhs: Event) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.order < rhs.order
        }
        static func == (lhs: Event, rhs: Event) -> Bool { lhs.time == rhs.time && lhs.order == rhs.order }
    }

    enum Kind {
        case toHead(SchedulerEvent)
        case toWorker(Int, SchedulerDirective)
        case complete(Int, tile: TileRef, token: UInt64)
        case tick
        case autoscale
        case answer(AutoscalerEvent)
        case booted(Int)
        /// The worker's poll finds the notice; the machine ends at `termination`.
        case noticeSeen(Int, termination: UInt64)
        case rebalance(Int)
        case machineEnds(Int)
        case loss(Int)
        case drainDeadline(Int)
        case stopRequested(Int)
    }

    struct Run {
        var attempt: UInt32
        var token: UInt64
        var startedAt: UInt64
    }

    struct Node {
        let id: NodeID
        let worker: WorkerID
        let launchedAt: UInt64
        var alive = true
        var billingEnd: UInt64?
        /// The worker is registered at the head (its connection is up).
        var connected = false
        var draining = false
        var stopRequested = false
        var queue: [TileAttempt] = []
        var running: [TileRef: Run] = [:]
        var key: String { "w-\(id)" }
    }

    struct State {
        let config: SpotFleetConfig
        let job: JobID = 1
        var scheduler: Scheduler
        var autoscaler: Autoscaler
        var rng: SplitMix64
        var queue = Heap<Event>()
        var order: UInt64 = 0
        var now: UInt64 = 0
        var nodes: [Node] = []
        var nodeIndex: [NodeID: Int] = [:]
        var durations: [UInt64] = []
        var journaled: [UInt8]
        var token: UInt64 = 0
        var busy: Set<Int> = []
        var result = SpotFleetResult()
        var jobDone = false
        var noticeTimes: [UInt64] = []
        var noticeHead = 0

        init(config: SpotFleetConfig) {
            self.config = config
            var schedulerConfig = config.scheduler
            // Connections drop explicitly here; nothing goes silent.
            schedulerConfig.heartbeatTimeoutMs = UInt64.max / 4
            scheduler = Scheduler(config: schedulerConfig)
            autoscaler = Autoscaler(config: config.autoscaler)
            rng = SplitMix64(seed: config.seed)
            journaled = [UInt8](repeating: 0, count: max(0, config.tiles))
        }

        var queueTarget: Int { config.scheduler.queueTarget(slots: config.slotsPerNode) }

        mutating func schedule(_ kind: Kind, at time: UInt64) {
            order += 1
            queue.insert(Event(time: time, order: order, kind: kind))
        }

        mutating func violation(_ text: String) {
            if result.violations.count < 20 { result.violations.append("t=\(now): \(text)") }
        }

        /// Exponentially distributed wait for an event at `perHour`, in ms (nil: never).
        mutating func wait(perHour rate: Double) -> UInt64? {
            guard rate > 0 else { return nil }
            return UInt64(-log(rng.positiveUnit()) / rate * 3_600_000)
        }

        mutating func run() -> SpotFleetResult {
            let tiles = max(0, config.tiles)
            durations = config.durations.sample(count: tiles, using: &rng)
            result.totalWorkMs = durations.reduce(0, +)
            result.boundInstanceMs = result.totalWorkMs / UInt64(max(1, config.slotsPerNode))
            schedule(.toHead(.jobSubmitted(job: job, tileCount: tiles, order: nil, alreadyFinished: [])), at: 0)
            schedule(.tick, at: config.tickIntervalMs)
            schedule(.autoscale, at: 0)
            var processed = 0
            while processed < config.maxEvents, let event = queue.popMin() {
                processed += 1
                now = event.time
                process(event.kind)
                if jobDone && autoscaler.liveNodes == 0 && autoscaler.pendingLaunches == 0 { break }
            }
            for index in nodes.indices where nodes[index].billingEnd == nil { endBilling(index) }
            result.instanceMs = nodes.reduce(0) { $0 + (($1.billingEnd ?? now) - $1.launchedAt) }
            result.peakNodes = max(result.peakNodes, 0)
            result.autoscaler = autoscaler.counters
            result.scheduler = scheduler.counters
            for count in journaled {
                if count == 0 { result.tilesLost += 1 }
                if count > 1 { result.tilesJournaledTwice += 1 }
            }
            if !result.finished { violation("the job did not finish (\(processed) events)") }
            for problem in scheduler.checkConsistency().prefix(5) { violation("scheduler: \(problem)") }
            return result
        }

        mutating func process(_ kind: Kind) {
            switch kind {
            case .toHead(let event):
                for directive in scheduler.handle(event, now: now) { emit(directive) }
            case .toWorker(let index, let directive):
                guard nodes[index].alive, nodes[index].connected else { return }
                deliver(directive, to: index)
            case .complete(let index, let tile, let token):
                guard nodes[index].alive, let run = nodes[index].running[tile], run.token == token else { return }
                finishRun(index, tile: tile, run: run)
            case .tick:
                for directive in scheduler.handle(.tick, now: now) { emit(directive) }
                schedule(.tick, at: now + config.tickIntervalMs)
            case .autoscale:
                autoscaleTick()
                schedule(.autoscale, at: now + config.autoscaleIntervalMs)
            case .answer(let event):
                autoscale(event)
            case .booted(let index):
                guard nodes[index].alive else { return }
                nodes[index].connected = true
                let node = nodes[index]
                if noticeHead < noticeTimes.count, node.launchedAt >= noticeTimes[noticeHead] {
                    result.noticeToReplacementMs.append(now - noticeTimes[noticeHead])
                    noticeHead += 1
                }
                toHead(.workerJoined(worker: node.worker, slots: config.slotsPerNode, running: []))
                autoscale(.workerJoined(worker: node.key, node: node.id, slots: config.slotsPerNode))
                toHead(.tilesRequested(worker: node.worker, freeSlots: config.slotsPerNode))
            case .noticeSeen(let index, let termination):
                guard nodes[index].alive else { return }
                noticeSeen(index, termination: termination)
            case .rebalance(let index):
                guard nodes[index].alive, nodes[index].connected else { return }
                result.rebalances += 1
                autoscale(.rebalanceRecommended(worker: nodes[index].key))
            case .machineEnds(let index):
                guard nodes[index].alive else { return }
                machineGone(index)
            case .loss(let index):
                guard nodes[index].alive else { return }
                result.losses += 1
                machineGone(index)
            case .drainDeadline(let index):
                guard nodes[index].alive, nodes[index].connected else { return }
                cutOff(index)
                disconnect(index)
            case .stopRequested(let index):
                guard nodes[index].alive, nodes[index].connected else { return }
                nodes[index].stopRequested = true
                nodes[index].queue = []
                if nodes[index].running.isEmpty { disconnect(index) }
            }
        }

        mutating func toHead(_ event: SchedulerEvent) {
            schedule(.toHead(event), at: now + config.latencyMs)
        }

        // MARK: - Autoscaler and provider

        mutating func autoscale(_ event: AutoscalerEvent) {
            for directive in autoscaler.handle(event, now: now) { apply(directive) }
        }

        mutating func autoscaleTick() {
            for index in nodes.indices where nodes[index].connected {
                let status = scheduler.workerStatus(nodes[index].worker)
                let isBusy = (status?.queued ?? 0) + (status?.running ?? 0) > 0
                guard isBusy != busy.contains(index) else { continue }
                if isBusy { busy.insert(index) } else { busy.remove(index) }
                autoscale(.workerBusy(worker: nodes[index].key, busy: isBusy))
            }
            let load = scheduler.tileLoad
            autoscale(.load(waiting: load.waiting, running: load.running))
            autoscale(.tick)
            result.peakNodes = max(result.peakNodes, nodes.reduce(0) { $0 + ($1.alive ? 1 : 0) })
        }

        mutating func apply(_ directive: AutoscalerDirective) {
            let answerAt = now + config.launchLatencyMs
            switch directive {
            case .launch(let request, let type, let count):
                var started: [ProviderNode] = []
                for _ in 0..<count {
                    let index = nodes.count
                    let node = Node(id: "i-\(index + 1)", worker: WorkerID(index + 1), launchedAt: answerAt)
                    nodes.append(node)
                    nodeIndex[node.id] = index
                    started.append(ProviderNode(id: node.id, nodeType: type))
                    let boot =
                        config.bootMs.lowerBound
                        + rng.next() % (config.bootMs.upperBound - config.bootMs.lowerBound + 1)
                    schedule(.booted(index), at: answerAt + boot)
                    planFate(index, from: answerAt)
                }
                schedule(.answer(.launched(request: request, nodes: started)), at: answerAt)
            case .setUp(let node):
                schedule(.answer(.setUpFinished(node: node.id)), at: answerAt)
            case .terminate(let id), .stop(let id):
                if let index = nodeIndex[id], nodes[index].alive {
                    machineGone(index)
                }
                schedule(.answer(.released(node: id)), at: answerAt)
            case .list:
                let listing = nodes.filter(\.alive).map { ProviderNode(id: $0.id, nodeType: "spot") }
                schedule(.answer(.listed(listing)), at: answerAt)
            case .drain(let key, _):
                guard let index = nodeIndex[String(key.dropFirst(2))], nodes[index].connected else { return }
                toHead(.drain(worker: nodes[index].worker, deadlineMs: now + 5_000))
                nodes[index].draining = true
                schedule(.stopRequested(index), at: now + config.latencyMs)
            case .note:
                break
            }
        }

        /// When the machine gets its notice (and maybe a rebalance recommendation before), or
        /// vanishes without one: whichever comes first.
        mutating func planFate(_ index: Int, from start: UInt64) {
            let notice = wait(perHour: config.noticesPerInstanceHour)
            let loss = wait(perHour: config.lossesPerInstanceHour)
            if let loss, notice.map({ loss < $0 }) ?? true {
                schedule(.loss(index), at: start + loss)
                return
            }
            guard let notice else { return }
            let noticeAt = start + notice
            let seenAt = noticeAt + rng.next() % max(1, config.noticePollMs)
            schedule(.noticeSeen(index, termination: noticeAt + config.noticeLeadMs), at: seenAt)
            schedule(.machineEnds(index), at: noticeAt + config.noticeLeadMs)
            if rng.positiveUnit() < config.rebalanceShare {
                let span = config.rebalanceLeadMs.upperBound - config.rebalanceLeadMs.lowerBound + 1
                let lead = config.rebalanceLeadMs.lowerBound + rng.next() % span
                if noticeAt > start + lead { schedule(.rebalance(index), at: noticeAt - lead) }
            }
        }

        // MARK: - Interruptions

        mutating func noticeSeen(_ index: Int, termination: UInt64) {
            result.notices += 1
            noticeTimes.append(now)
            guard nodes[index].connected, !nodes[index].draining else { return }
            nodes[index].draining = true
            let deadline = termination > config.noticeMarginMs ? termination - config.noticeMarginMs : now
            toHead(.drain(worker: nodes[index].worker, deadlineMs: deadline))
            autoscale(.workerDraining(worker: nodes[index].key, cause: .interruption))
            if nodes[index].running.isEmpty {
                disconnect(index)
            } else {
                schedule(.drainDeadline(index), at: max(now, deadline))
            }
        }

        /// Runs that cannot finish here any more: their time is lost and they run again elsewhere.
        mutating func cutOff(_ index: Int) {
            for (_, run) in nodes[index].running {
                result.redoneWorkMs += now - run.startedAt
                result.runsCutOff += 1
            }
            nodes[index].running = [:]
            nodes[index].queue = []
        }

        /// The worker's connection closes: after a drain or a stop the head takes it for a
        /// goodbye, otherwise for a loss.
        mutating func disconnect(_ index: Int) {
            guard nodes[index].connected else { return }
            nodes[index].connected = false
            busy.remove(index)
            let node = nodes[index]
            if node.draining {
                toHead(.workerLeft(worker: node.worker))
                autoscale(.workerLeft(worker: node.key))
            } else {
                toHead(.workerLost(worker: node.worker))
                autoscale(.workerLost(worker: node.key))
            }
        }

        mutating func machineGone(_ index: Int) {
            cutOff(index)
            disconnect(index)
            nodes[index].alive = false
            endBilling(index)
        }

        mutating func endBilling(_ index: Int) {
            if nodes[index].billingEnd == nil { nodes[index].billingEnd = max(now, nodes[index].launchedAt) }
        }

        // MARK: - Head → worker

        mutating func emit(_ directive: SchedulerDirective) {
            switch directive {
            case .persist(let entry):
                let index = Int(entry.tile.index)
                guard index < journaled.count else { return violation("journal entry for unknown tile") }
                if case .tileFinished = entry {
                    journaled[index] = journaled[index] &+ 1
                    if journaled[index] > 1 { violation("tile \(entry.tile) journaled twice") }
                }
            case .jobFinished:
                jobDone = true
                result.finished = true
                result.makespanMs = now
            case .markLost(let worker):
                violation("worker \(worker) marked lost: nothing here goes silent")
            case .assign(let worker, _, _), .cancel(let worker, _, _), .revoke(let worker, _, _):
                let index = Int(worker) - 1
                guard index >= 0, index < nodes.count, nodes[index].connected else { return }
                schedule(.toWorker(index, directive), at: now + config.latencyMs)
            }
        }

        mutating func deliver(_ directive: SchedulerDirective, to index: Int) {
            switch directive {
            case .assign(_, let job, let tiles):
                guard !nodes[index].stopRequested else { return }
                for tile in tiles {
                    nodes[index].queue.append(TileAttempt(TileRef(job: job, index: tile.index), attempt: tile.attempt))
                }
                startTiles(index)
            case .revoke(_, let job, let indices):
                let wanted = Set(indices)
                var given: [UInt32] = []
                nodes[index].queue.removeAll { item in
                    guard item.tile.job == job, wanted.contains(item.tile.index) else { return false }
                    given.append(item.tile.index)
                    return true
                }
                toHead(.revokeAcked(worker: nodes[index].worker, job: job, indices: given))
            case .cancel(_, let job, let indices):
                let wanted = Set(indices)
                nodes[index].queue.removeAll { $0.tile.job == job && wanted.contains($0.tile.index) }
                for tileIndex in indices {
                    let tile = TileRef(job: job, index: tileIndex)
                    if let run = nodes[index].running.removeValue(forKey: tile) {
                        // A backup copy that lost, not an interruption.
                        result.cancelledWorkMs += now - run.startedAt
                    }
                }
                startTiles(index)
                requestIfNeeded(index)
                exitIfDone(index)
            default:
                break
            }
        }

        // MARK: - Worker behaviour

        mutating func startTiles(_ index: Int) {
            guard !nodes[index].draining else { return }
            var started: [TileAttempt] = []
            while nodes[index].running.count < config.slotsPerNode, !nodes[index].queue.isEmpty {
                let item = nodes[index].queue.removeFirst()
                token += 1
                nodes[index].running[item.tile] = Run(attempt: item.attempt, token: token, startedAt: now)
                schedule(
                    .complete(index, tile: item.tile, token: token), at: now + durations[Int(item.tile.index)])
                started.append(item)
            }
            if !started.isEmpty { toHead(.tilesStarted(worker: nodes[index].worker, tiles: started)) }
        }

        mutating func finishRun(_ index: Int, tile: TileRef, run: Run) {
            nodes[index].running[tile] = nil
            toHead(
                .tilesDone(
                    worker: nodes[index].worker,
                    results: [TileCompletion(tile, attempt: run.attempt, durationMicros: (now - run.startedAt) * 1000)])
            )
            startTiles(index)
            requestIfNeeded(index)
            exitIfDone(index)
        }

        /// A draining or stopped worker leaves once nothing runs.
        mutating func exitIfDone(_ index: Int) {
            if (nodes[index].draining || nodes[index].stopRequested) && nodes[index].running.isEmpty {
                disconnect(index)
            }
        }

        mutating func requestIfNeeded(_ index: Int) {
            let node = nodes[index]
            guard node.connected, !node.draining, !node.stopRequested else { return }
            let lowWater = max(1, (queueTarget - config.slotsPerNode) / 2)
            if node.queue.count < lowWater || node.running.count < config.slotsPerNode {
                toHead(.tilesRequested(worker: node.worker, freeSlots: config.slotsPerNode - node.running.count))
            }
        }
    }
}
