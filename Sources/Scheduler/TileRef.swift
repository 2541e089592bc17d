/// Identifies a job submitted to the head.
public typealias JobID = UInt32

/// Identifies a worker. The shell maps connections (and reconnections of the same machine) to ids.
public typealias WorkerID = UInt64

/// One tile of one job: the job and the tile's index in the job's grid.
public struct TileRef: Hashable, Sendable, CustomStringConvertible {
    public var job: JobID
    public var index: UInt32

    public init(job: JobID, index: UInt32) {
        self.job = job
        self.index = index
    }

    public var description: String { "\(job)/\(index)" }
}
