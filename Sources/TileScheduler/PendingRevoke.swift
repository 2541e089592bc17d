/// A revoke the scheduler sent and the worker has not answered yet. Workers answer revokes in
/// order, so an ack answers the oldest outstanding revoke for its job.
struct PendingRevoke: Sendable {
    var job: JobID
    var indices: [UInt32]
    /// The idle worker the tiles were taken for; nil for a drain.
    var thief: WorkerID?
}
