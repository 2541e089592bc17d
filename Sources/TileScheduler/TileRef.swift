/// Identifies a job submitted to the head.
package typealias JobID = UInt32

/// Identifies a worker. The shell maps connections (and reconnections of the same machine) to ids.
package typealias WorkerID = UInt64

/// One tile of one job: the job and the tile's index in the job's grid.
package struct TileRef: Hashable, Sendable, CustomStringConvertible {
    package var job: JobID
    package var index: UInt32

    package init(job: JobID, index: UInt32) {
        self.job = job
        self.index = index
    }

    package var description: String { "\(job)/\(index)" }
}
