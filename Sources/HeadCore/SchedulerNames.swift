import Scheduler

// Wire and Scheduler both name a `TileAssignment`, `TileFailure` and `JobStatus`, and the module
// `Scheduler` has a type `Scheduler`, so `Scheduler.TileFailure` does not resolve. This file sees
// only the scheduler's names and gives them distinct ones for the rest of HeadCore.
typealias GrantedTile = TileAssignment
typealias ReportedFailure = TileFailure
typealias SchedulerJobCounts = JobStatus
