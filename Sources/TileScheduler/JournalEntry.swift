/// What the shell appends to the head's journal. Each tile produces exactly one of these.
package enum JournalEntry: Hashable, Sendable {
    /// The winning result: its attempt, how long it ran and on which worker.
    case tileFinished(job: JobID, index: UInt32, attempt: UInt32, durationMicros: UInt64, worker: WorkerID)
    case tileFailed(job: JobID, index: UInt32, error: String)
    case tileQuarantined(job: JobID, index: UInt32, reason: String)

    package var tile: TileRef {
        switch self {
        case .tileFinished(let job, let index, _, _, _), .tileFailed(let job, let index, _),
            .tileQuarantined(let job, let index, _):
            return TileRef(job: job, index: index)
        }
    }
}
