import TileScheduler

// Wire and TileScheduler both name a `TileAssignment`, `TileFailure` and `JobStatus`.
typealias GrantedTile = TileScheduler.TileAssignment
typealias ReportedFailure = TileScheduler.TileFailure
typealias SchedulerJobCounts = TileScheduler.JobStatus
