import Autoscaler

extension ClusterConfig {
    /// The autoscaler's policy from the file's Ray keys: the worker node types in the file's
    /// order (the head's type left out) with their `min_workers`, `max_workers`, `resources.CPU`
    /// as slots and their market, the cluster's `max_workers`, `upscaling_speed`,
    /// `idle_timeout_minutes` and `cache_stopped_nodes`. Nil for a file without node types.
    package var autoscalerConfig: AutoscalerConfig? {
        let workerTypes = availableNodeTypes.filter { $0.name != headNodeType }
        guard !workerTypes.isEmpty else { return nil }
        let types = workerTypes.map { type in
            NodeTypeSpec(
                name: type.name, minWorkers: type.minWorkers,
                maxWorkers: type.maxWorkers ?? maxWorkers ?? type.minWorkers,
                slots: max(1, Int(type.resources["CPU"] ?? 1)), market: type.isSpot ? .spot : .onDemand)
        }
        var cacheStopped = true
        if case .aws(let aws) = provider { cacheStopped = aws.cacheStoppedNodes }
        return AutoscalerConfig(
            nodeTypes: types, maxWorkers: maxWorkers, upscalingSpeed: upscalingSpeed,
            idleTimeoutMs: UInt64(max(0, idleTimeoutMinutes) * 60_000), cacheStoppedNodes: cacheStopped)
    }
}
