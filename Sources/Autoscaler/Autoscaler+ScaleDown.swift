/// Time: idle workers drained, nodes that never came up or never went released, listings.
extension Autoscaler {
    mutating func tick(now: UInt64) {
        for id in nodes.keys.sorted() {
            guard let record = nodes[id] else { continue }
            switch record.phase {
            case .booting where now >= record.knownSince + config.bootTimeoutMs:
                counters.setupFailures += 1
                release(id, why: "no worker joined within \(config.bootTimeoutMs / 1000) s", forceTerminate: true)
            case .lost(let since) where now >= since + config.lostGraceMs:
                counters.nodesLost += 1
                release(id, why: "its worker did not come back", forceTerminate: true)
            case .drainingIdle(let since) where now >= since + config.drainTimeoutMs:
                release(id, why: "its worker did not stop within \(config.drainTimeoutMs / 1000) s")
            case .releasing(let stop, let retryAt?) where now >= retryAt:
                nodes[id]?.phase = .releasing(stop: stop, retryAt: nil)
                out.append(stop ? .stop(node: id) : .terminate(node: id))
            default:
                break
            }
        }
        scaleDown(now: now)
        if !listOutstanding, now >= nextListMs {
            listOutstanding = true
            nextListMs = now + config.listIntervalMs
            out.append(.list)
        }
    }

    /// Drains workers idle past the timeout while nothing waits, keeping each type's minimum.
    mutating func scaleDown(now: UInt64) {
        guard waiting == 0 else { return }
        let idle = nodes.values.filter { record in
            record.phase == .up && record.worker != nil && !record.busy
                && now >= record.idleSince + config.idleTimeoutMs
        }
        // Nodes at risk of interruption first, then the longest idle.
        let order = idle.sorted {
            ($0.atRisk ? 0 : 1, $0.idleSince, $0.id) < ($1.atRisk ? 0 : 1, $1.idleSince, $1.id)
        }
        for candidate in order {
            if let type = config.nodeType(candidate.nodeType),
                capacityNodes(type.name) - (candidate.atRisk && config.replaceOnRebalance ? 0 : 1) < type.minWorkers
            {
                continue
            }
            guard let worker = candidate.worker else { continue }
            nodes[candidate.id]?.phase = .drainingIdle(since: now)
            counters.idleDrains += 1
            out.append(.drain(worker: worker, reason: "idle for \(config.idleTimeoutMs / 1000) s: scaling down"))
        }
    }
}
