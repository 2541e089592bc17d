/// Launching: `min_workers` of each type, then enough nodes for the tiles waiting and running,
/// within the limits and the pending-launch cap.
extension Autoscaler {
    /// Slots a node of the type runs (what its workers registered, else the configured guess).
    func slots(of type: NodeTypeSpec) -> Int {
        max(1, learnedSlots[type.name] ?? type.slots)
    }

    func pendingCount(_ type: String) -> Int {
        launches.values.reduce(0) { $0 + ($1.nodeType == type ? $1.count : 0) }
    }

    /// Nodes of the type that count toward its limits, launches on their way included.
    func countedNodes(_ type: String) -> Int {
        nodes.values.reduce(0) { $0 + ($1.nodeType == type && $1.isCounted ? 1 : 0) } + pendingCount(type)
    }

    /// Nodes of the type that will run tiles and are not expected to go.
    func capacityNodes(_ type: String) -> Int {
        nodes.values.reduce(0) {
            $0 + ($1.nodeType == type && $1.providesCapacity(replacingAtRisk: config.replaceOnRebalance) ? 1 : 0)
        } + pendingCount(type)
    }

    /// Slots that will run tiles: nodes booting or up, pending launches, and workers the
    /// autoscaler does not manage.
    var capacitySlots: Int {
        var total = 0
        for record in nodes.values where record.providesCapacity(replacingAtRisk: config.replaceOnRebalance) {
            if let worker = record.worker, let slots = workers[worker]?.slots {
                total += slots
            } else if let type = config.nodeType(record.nodeType) {
                total += slots(of: type)
            } else {
                total += 1
            }
        }
        for launch in launches.values {
            if let type = config.nodeType(launch.nodeType) { total += launch.count * slots(of: type) }
        }
        for info in workers.values {
            let managed = info.node.map { nodes[$0] != nil } ?? false
            if !managed { total += info.slots }
        }
        return total
    }

    func isSetAside(_ type: String, now: UInt64) -> Bool {
        (setAside[type] ?? 0) > now
    }

    mutating func scaleUp(now: UInt64) {
        guard listedOnce, now >= throttledUntil else { return }
        var want: [String: Int] = [:]
        var counted =
            nodes.values.reduce(0) { $0 + ($1.isCounted ? 1 : 0) } + launches.values.reduce(0) { $0 + $1.count }
        // min_workers first: they are not held back by the pending cap (as in Ray).
        var minimum: [String: Int] = [:]
        for type in config.nodeTypes where !isSetAside(type.name, now: now) {
            let missing = type.minWorkers - capacityNodes(type.name)
            let room = min(type.maxWorkers - countedNodes(type.name), config.maxWorkers - counted)
            let count = max(0, min(missing, room))
            if count > 0 {
                minimum[type.name] = count
                counted += count
            }
        }
        // Then the demand: every waiting or running tile wants a slot.
        var deficit = waiting + running - capacitySlots
        for type in config.nodeTypes {
            deficit -= (minimum[type.name] ?? 0) * slots(of: type)
        }
        if deficit > 0 {
            for type in config.nodeTypes where !isSetAside(type.name, now: now) {
                let room = min(
                    type.maxWorkers - countedNodes(type.name) - (minimum[type.name] ?? 0), config.maxWorkers - counted)
                guard room > 0 else { continue }
                let perNode = slots(of: type)
                let count = min(room, (deficit + perNode - 1) / perNode)
                want[type.name] = count
                counted += count
                deficit -= count * perNode
                if deficit <= 0 { break }
            }
        }
        // At most max(floor, speed × nodes up) nodes pending at once.
        let up = nodes.values.reduce(0) { $0 + ($1.phase == .up ? 1 : 0) }
        let pending =
            nodes.values.reduce(0) { $0 + ($1.phase == .booting ? 1 : 0) } + launches.values.reduce(0) { $0 + $1.count }
        let cap = max(config.minimumPendingLaunches, Int((config.upscalingSpeed * Double(up)).rounded(.down)))
        var budget = max(0, cap - pending)
        for type in config.nodeTypes {
            let forMinimum = minimum[type.name] ?? 0
            let forDemand = min(want[type.name] ?? 0, budget)
            budget -= forDemand
            let count = forMinimum + forDemand
            guard count > 0 else { continue }
            let request = nextRequest
            nextRequest += 1
            launches[request] = PendingLaunch(nodeType: type.name, count: count)
            let replacements = min(count, goingNow)
            counters.launchedAtNotice += replacements
            goingNow -= replacements
            out.append(.launch(request: request, nodeType: type.name, count: count))
        }
    }
}
