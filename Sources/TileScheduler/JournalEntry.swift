/// What the shell appends to the head's journal. Each tile produces exactly one of these.
package enum JournalEntry: Hashable, Sendable {
    case tileFinished(job: JobID, index: UInt32, attempt: UInt32)
    case tileFailed(job: JobID, index: UInt32, error: String)
    case tileQuarantined(job: JobID, index: UInt32, reason: String)

    package var tile: TileRef {
        switch self {
        case .tileFinished(let job, let index, _), .tileFailed(let job, let index, _),
            .tileQuarantined(let job, let index, _):
            return TileRef(job: job, index: index)
        }
    }
}
