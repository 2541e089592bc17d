/// Which workers hold a tile: one primary, and at most one backup copy at the tail.
struct TileCopies: Sendable {
    var primary: WorkerID
    var backup: WorkerID?

    func other(than worker: WorkerID) -> WorkerID? {
        if primary == worker { return backup }
        if backup == worker { return primary }
        return nil
    }

    func contains(_ worker: WorkerID) -> Bool { primary == worker || backup == worker }

    var all: [WorkerID] { backup.map { [primary, $0] } ?? [primary] }
}
