/// The provider's answers: launches, set-ups and listings.
extension Autoscaler {
    mutating func launched(_ request: UInt64, _ started: [ProviderNode], now: UInt64) {
        guard let launch = launches.removeValue(forKey: request) else { return }
        throttleBackoffMs = max(1, config.throttleBackoffMs)
        counters.launched += started.count
        for node in started {
            if nodes[node.id] == nil {
                nodes[node.id] = ManagedNode(
                    id: node.id, nodeType: node.nodeType, phase: .booting, now: now, market: node.market)
            } else {
                // Its worker (or a listing) was faster than the launch's answer.
                nodes[node.id]?.nodeType = node.nodeType
                nodes[node.id]?.market = node.market
            }
            if config.setsUpNodes { out.append(.setUp(node)) }
        }
        let ids = started.map(\.id).joined(separator: ", ")
        note(.info, "launched \(started.count) of \(launch.count) \(launch.nodeType) node(s): \(ids)")
    }

    mutating func launchFailed(_ request: UInt64, _ failure: LaunchFailure, now: UInt64) {
        guard let launch = launches.removeValue(forKey: request) else { return }
        counters.launchFailures += 1
        switch failure.kind {
        case .throttled:
            throttledUntil = now + throttleBackoffMs
            note(
                .warning,
                "launching \(launch.nodeType) was throttled; launches wait \(throttleBackoffMs) ms: \(failure.message)")
            throttleBackoffMs = min(max(1, config.maxThrottleBackoffMs), throttleBackoffMs * 2)
        case .capacity, .quota, .other:
            setAside[launch.nodeType] = now + config.typeCooldownMs
            let next = config.nodeTypes.first { $0.name != launch.nodeType && !isSetAside($0.name, now: now) }
            note(
                .warning,
                "launching \(launch.count) \(launch.nodeType) node(s) failed (\(failure)); the type is set aside for "
                    + "\(config.typeCooldownMs / 1000) s" + (next.map { ", trying \($0.name)" } ?? ""))
        }
    }

    mutating func setUpFailed(_ id: NodeID, reason: String) {
        guard let record = nodes[id], !record.isReleasing else { return }
        counters.setupFailures += 1
        release(id, why: "its set-up failed: \(reason)", forceTerminate: true)
    }

    mutating func listed(_ listing: [ProviderNode], now: UInt64) {
        listOutstanding = false
        listedOnce = true
        var alive: [NodeID: ProviderNode] = [:]
        for node in listing where node.isAlive { alive[node.id] = node }
        for id in nodes.keys.sorted() {
            guard var record = nodes[id] else { continue }
            if let node = alive[id] {
                record.listed = true
                record.nodeType = record.nodeType ?? node.nodeType
                record.market = record.market ?? node.market
                nodes[id] = record
                continue
            }
            if record.isReleasing {
                // Gone, stopped or on its way: the release is done.
                releasedNode(id)
                continue
            }
            // Young nodes may not be listed yet (the provider's listing lags its launches).
            guard record.listed || now >= record.knownSince + config.listGraceMs else { continue }
            nodes[id] = nil
            rememberReleased(id)
            // Its worker is as gone as the machine, whatever the head has noticed so far.
            if let worker = record.worker { workers[worker] = nil }
            switch record.phase {
            case .booting, .up, .lost:
                counters.nodesDisappeared += 1
                note(.warning, "node \(id) is gone at the provider: replacing it")
            default:
                break
            }
        }
        for node in listing.sorted(by: { $0.id < $1.id })
        where node.isAlive && nodes[node.id] == nil && !released.contains(node.id) {
            // The cluster's node the autoscaler did not know (launched before a restart): its
            // worker will join, or the boot timeout ends it.
            var record = ManagedNode(
                id: node.id, nodeType: node.nodeType, phase: .booting, now: now, market: node.market)
            record.listed = true
            if let worker = workers.first(where: { $0.value.node == node.id })?.key {
                record.worker = worker
                record.phase = .up
            }
            nodes[node.id] = record
            note(.info, "adopted node \(node.id) (\(node.nodeType)) found at the provider")
        }
    }
}
