import Autoscaler
import TileScheduler
import Wire

/// The autoscaler's events fed from what the coordinator sees, and its directives carried out:
/// provider calls for the shell's thread pool, drains on the workers' connections.
extension HeadCoordinator {
    /// Hands the autoscaler one event (when the head has one and is not stopping).
    mutating func autoscale(_ event: AutoscalerEvent) {
        guard autoscaler != nil, !workersStopped else { return }
        guard let directives = autoscaler?.handle(event, now: now.monotonicMs) else { return }
        for directive in directives { apply(directive) }
    }

    /// Every `autoscaleIntervalMs`: which workers hold tiles now, the load, the time.
    mutating func autoscaleTick() {
        guard autoscaler != nil, !workersStopped, now.monotonicMs >= nextAutoscaleMs else { return }
        nextAutoscaleMs = now.monotonicMs + config.autoscaleIntervalMs
        for (id, record) in workers.sorted(by: { $0.key < $1.key }) where record.connection != nil {
            let status = scheduler.workerStatus(id)
            let busy = (status?.queued ?? 0) + (status?.running ?? 0) > 0
            guard busy != busyWorkers.contains(id) else { continue }
            if busy { busyWorkers.insert(id) } else { busyWorkers.remove(id) }
            autoscale(.workerBusy(worker: record.key, busy: busy))
        }
        let load = scheduler.tileLoad
        autoscale(.load(waiting: load.waiting, running: load.running))
        autoscale(.tick)
    }

    mutating func apply(_ directive: AutoscalerDirective) {
        switch directive {
        case .launch(let request, let type, let count):
            actions.append(.provider(.launch(request: request, nodeType: type, count: count)))
        case .setUp(let node):
            actions.append(.provider(.setUp(node)))
        case .terminate(let node):
            actions.append(.provider(.terminate(node)))
        case .stop(let node):
            actions.append(.provider(.stop(node)))
        case .list:
            actions.append(.provider(.list))
        case .drain(let key, let reason):
            drainForScaleDown(key, reason: reason)
        case .note(let note):
            log(note.level == .warning ? .warning : .info, "autoscaler: \(note.text)")
        }
    }

    /// An idle worker the cluster no longer needs: no more tiles for it, and a graceful stop,
    /// so its leaving is not taken for a loss.
    mutating func drainForScaleDown(_ key: String, reason: String) {
        guard let id = workerIDsByKey[key], let record = workers[id], let connection = record.connection else {
            // Already gone: the autoscaler learns it from the disconnect it has been or will be told.
            return
        }
        log(.info, "autoscaler: draining an idle worker", ["worker": "\(key)", "reason": "\(reason)"])
        workers[id]?.state = .draining
        schedule(.drain(worker: id, deadlineMs: now.monotonicMs + config.scheduler.heartbeatTimeoutMs))
        send(.shutdown(Shutdown(reason: reason, graceful: true)), to: connection)
    }
}
