/// An entry of the backup heap: a started primary copy, oldest start first.
struct BackupCandidate: Comparable, Sendable {
    var startedAt: UInt64
    var sequence: UInt64
    var tile: TileRef
    var worker: WorkerID

    static func < (lhs: BackupCandidate, rhs: BackupCandidate) -> Bool {
        lhs.startedAt != rhs.startedAt ? lhs.startedAt < rhs.startedAt : lhs.sequence < rhs.sequence
    }
}
