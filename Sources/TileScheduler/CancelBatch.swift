/// Collects cancels during one event so each (worker, job) gets a single `cancel` directive,
/// in first-seen order (deterministic, unlike dictionary order).
struct CancelBatch {
    private struct Key: Hashable {
        var worker: WorkerID
        var job: JobID
    }
    private var order: [Key] = []
    private var indices: [Key: [UInt32]] = [:]

    mutating func add(worker: WorkerID, tile: TileRef) {
        let key = Key(worker: worker, job: tile.job)
        if indices[key] == nil { order.append(key) }
        indices[key, default: []].append(tile.index)
    }

    func flush(into out: inout [SchedulerDirective]) {
        for key in order {
            out.append(.cancel(worker: key.worker, job: key.job, indices: indices[key] ?? []))
        }
    }
}
