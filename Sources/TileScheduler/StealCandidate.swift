/// An entry of the steal heap: a worker and how many tiles it could give up when pushed.
/// Ordered so that the min-heap pops the largest count first (ties: lower worker id).
struct StealCandidate: Comparable, Sendable {
    var stealable: Int
    var worker: WorkerID

    static func < (lhs: StealCandidate, rhs: StealCandidate) -> Bool {
        lhs.stealable != rhs.stealable ? lhs.stealable > rhs.stealable : lhs.worker < rhs.worker
    }
}
