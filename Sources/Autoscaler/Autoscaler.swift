/// The head's autoscaler: a deterministic state machine beside the tile scheduler. Events in
/// (time, the tile load, workers joining, idling, draining and going, the provider's answers),
/// directives out (launch, set up, drain a worker, terminate or stop a node, list). No clock,
/// sockets or provider calls live here: the head's coordinator feeds it and carries the
/// directives out, provider calls on a thread pool, so tests drive it with made-up times.
///
///     var autoscaler = Autoscaler(config: config)
///     let directives = autoscaler.handle(.load(waiting: 40, running: 8), now: t)
///
/// Policies:
/// - Up: tiles waiting plus running, divided by a node's slots, is the nodes wanted; nodes that
///   are booting or up (and pending launches) count against it. Types are tried in the file's
///   order within their `max_workers` and the cluster's; at most
///   `max(minimumPendingLaunches, upscalingSpeed × nodes up)` nodes may be pending at once.
///   Each type keeps its `min_workers` regardless of that cap.
/// - Down: a worker idle for `idleTimeoutMs` while nothing waits is drained (its type kept at
///   `min_workers`; nodes a rebalance recommendation put at risk go first), then its node is
///   terminated (spot) or stopped (on-demand with `cacheStoppedNodes`).
/// - Interruptions: a worker that drains on its own (a spot notice) stops counting at once, so
///   its replacement is launched at the notice, not at the loss; a rebalance recommendation
///   does the same when `replaceOnRebalance`. A lost worker's node stops counting too and is
///   terminated unless the worker is back within `lostGraceMs`.
/// - Failures: a node whose set-up fails or whose worker does not join within `bootTimeoutMs`
///   is terminated and counted; a refused launch sets its type aside for `typeCooldownMs` (the
///   next type is tried); a throttled one holds every launch back, doubling the wait.
/// - The provider is listed every `listIntervalMs`: nodes it no longer has are forgotten (and
///   replaced through the demand), running nodes of the cluster it has and the autoscaler did
///   not know (a restarted head, `up`'s min_workers) are adopted. Nothing is launched before
///   the first listing answered.
package struct Autoscaler: Sendable {
    struct PendingLaunch: Sendable, Hashable {
        var nodeType: String
        var count: Int
    }

    struct WorkerInfo: Sendable, Hashable {
        var node: NodeID?
        var slots: Int
    }

    package let config: AutoscalerConfig
    var nodes: [NodeID: ManagedNode] = [:]
    var launches: [UInt64: PendingLaunch] = [:]
    var nextRequest: UInt64 = 1
    var workers: [String: WorkerInfo] = [:]
    var waiting = 0
    var running = 0
    /// Node types set aside after a failed launch, until the given time.
    var setAside: [String: UInt64] = [:]
    var throttledUntil: UInt64 = 0
    var throttleBackoffMs: UInt64
    var nextListMs: UInt64 = 0
    var listOutstanding = false
    /// Nothing is launched before the provider's nodes were listed once: a head that starts
    /// beside nodes `up` (or its previous run) launched adopts them instead of launching more.
    var listedOnce = false
    /// Slots the workers of each type registered with (they win over the configured guess).
    var learnedSlots: [String: Int] = [:]
    /// Nodes released lately: a listing that still shows them does not adopt them again.
    var released: Set<NodeID> = []
    var out: [AutoscalerDirective] = []
    /// Nodes this event took out of the capacity ahead of their end (a notice, a rebalance
    /// recommendation): launches it causes are their replacements.
    var goingNow = 0
    package internal(set) var counters = AutoscalerCounters()

    /// `listFirst`: launch nothing before the provider's first listing answered (false: the
    /// caller knows the provider has none of the cluster's nodes yet).
    package init(config: AutoscalerConfig, listFirst: Bool = true) {
        self.config = config
        listedOnce = !listFirst
        throttleBackoffMs = max(1, config.throttleBackoffMs)
    }

    /// Applies one event observed at `now` (monotonic milliseconds) and returns what to do.
    package mutating func handle(_ event: AutoscalerEvent, now: UInt64) -> [AutoscalerDirective] {
        switch event {
        case .tick:
            tick(now: now)
        case .load(let waiting, let running):
            self.waiting = max(0, waiting)
            self.running = max(0, running)
        case .workerJoined(let worker, let node, let slots):
            joined(worker, node: node, slots: slots, now: now)
        case .workerBusy(let worker, let busy):
            if let id = workers[worker]?.node, nodes[id]?.busy != busy {
                nodes[id]?.busy = busy
                if !busy { nodes[id]?.idleSince = now }
            }
        case .workerDraining(let worker, let cause):
            draining(worker, cause: cause)
        case .rebalanceRecommended(let worker):
            rebalance(worker)
        case .workerLeft(let worker):
            gone(worker, lost: false, now: now)
        case .workerLost(let worker):
            gone(worker, lost: true, now: now)
        case .launched(let request, let started):
            launched(request, started, now: now)
        case .launchFailed(let request, let failure):
            launchFailed(request, failure, now: now)
        case .setUpFinished:
            break  // the worker's registration is what counts
        case .setUpFailed(let node, let reason):
            setUpFailed(node, reason: reason)
        case .listed(let listing):
            listed(listing, now: now)
        case .listFailed(let reason):
            listOutstanding = false
            note(.warning, "listing the cluster's nodes failed: \(reason)")
        case .released(let node):
            releasedNode(node)
        case .releaseFailed(let node, let reason):
            if case .releasing(let stop, _) = nodes[node]?.phase {
                nodes[node]?.phase = .releasing(stop: stop, retryAt: now + config.releaseRetryMs)
                note(.warning, "\(stop ? "stopping" : "terminating") node \(node) failed: \(reason); trying again")
            }
        }
        scaleUp(now: now)
        goingNow = 0
        defer { out = [] }
        return out
    }

    // MARK: - Workers

    mutating func joined(_ worker: String, node: NodeID?, slots: Int, now: UInt64) {
        workers[worker] = WorkerInfo(node: node, slots: max(0, slots))
        guard let id = node else { return }
        if nodes[id] == nil {
            // A node the autoscaler has not heard of (launched before a restart, or its launch
            // answer is still on its way): adopt it; the next listing tells its type.
            nodes[id] = ManagedNode(id: id, nodeType: nil, phase: .booting, now: now)
            nextListMs = min(nextListMs, now)
        }
        guard var record = nodes[id], !record.isReleasing else { return }
        if let previous = record.worker, previous != worker { workers[previous]?.node = nil }
        record.worker = worker
        record.busy = false
        record.idleSince = now
        switch record.phase {
        case .booting, .up, .lost: record.phase = .up
        default: break  // draining or interrupted: a reconnect does not undo that
        }
        nodes[id] = record
        if let type = record.nodeType, slots > 0 { learnedSlots[type] = slots }
    }

    mutating func draining(_ worker: String, cause: DrainCause) {
        guard let id = workers[worker]?.node, let record = nodes[id] else { return }
        switch record.phase {
        case .booting, .up, .lost:
            counters.interruptions += 1
            goingNow += 1
            nodes[id]?.phase = .interrupted
            let why = cause == .interruption ? "an interruption notice" : "a shutdown"
            note(.info, "node \(id) (worker \(worker)) drains after \(why): replacing it now")
        default:
            break
        }
    }

    mutating func rebalance(_ worker: String) {
        guard let id = workers[worker]?.node, let record = nodes[id], !record.atRisk else { return }
        nodes[id]?.atRisk = true
        counters.rebalanceRecommendations += 1
        if config.replaceOnRebalance { goingNow += 1 }
        note(
            .info,
            "node \(id) (worker \(worker)) has a rebalance recommendation"
                + (config.replaceOnRebalance ? ": launching its replacement" : ""))
    }

    mutating func gone(_ worker: String, lost: Bool, now: UInt64) {
        guard let info = workers.removeValue(forKey: worker), let id = info.node, var record = nodes[id],
            record.worker == worker
        else { return }
        record.worker = nil
        record.busy = false
        switch record.phase {
        case .booting, .up:
            if lost {
                record.phase = .lost(since: now)
                nodes[id] = record
                note(.warning, "node \(id) lost its worker \(worker): replacing it")
            } else {
                nodes[id] = record
                release(id, why: "its worker \(worker) left")
            }
        case .drainingIdle, .interrupted:
            nodes[id] = record
            release(id, why: "its worker \(worker) is gone")
        case .lost, .releasing:
            nodes[id] = record
        }
    }

    // MARK: - Releasing nodes

    /// Terminates the node, or stops it when it is on-demand and stopped nodes are kept.
    mutating func release(_ id: NodeID, why: String, forceTerminate: Bool = false) {
        guard var record = nodes[id], !record.isReleasing else { return }
        let market = record.market ?? config.nodeType(record.nodeType)?.market ?? .spot
        let stop = !forceTerminate && market == .onDemand && config.cacheStoppedNodes
        record.phase = .releasing(stop: stop, retryAt: nil)
        nodes[id] = record
        note(.info, "\(stop ? "stopping" : "terminating") node \(id): \(why)")
        out.append(stop ? .stop(node: id) : .terminate(node: id))
    }

    mutating func releasedNode(_ id: NodeID) {
        guard let record = nodes[id], case .releasing(let stop, _) = record.phase else { return }
        nodes[id] = nil
        if stop { counters.stopped += 1 } else { counters.terminated += 1 }
        rememberReleased(id)
    }

    mutating func rememberReleased(_ id: NodeID) {
        if released.count > 10_000 { released.removeAll() }
        released.insert(id)
    }

    mutating func note(_ level: AutoscalerNote.Level, _ text: String) {
        out.append(.note(AutoscalerNote(level, text)))
    }
}
