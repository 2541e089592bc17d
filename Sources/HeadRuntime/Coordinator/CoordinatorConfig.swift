import Autoscaler
import GrowJob
import TileScheduler

/// What the coordinator is told at start.
package struct CoordinatorConfig: Sendable {
    package var scheduler: SchedulerConfig
    /// After a restart with unfinished jobs: how long to wait for workers to come back and report
    /// before handing out tiles.
    package var resumeGraceMs: UInt64
    /// Where records go for jobs without a local project folder (`<state>/logs/<run>`).
    package var stateDirectory: String
    /// The host name the reports name.
    package var hostName: String
    /// Finds a job's final step (export_maps' mosaics); nil for none.
    package var finalizer: JobFinalizer
    /// This head's run, in its records folders' names: runs of two heads in one project and
    /// second never share a folder (eo-grow's run ids serve the same end).
    package var instance: String
    /// How the cluster scales with the work; nil: no autoscaling (the workers are whoever comes).
    package var autoscaler: AutoscalerConfig?
    /// How often the autoscaler is told the load and the time.
    package var autoscaleIntervalMs: UInt64
    /// Emit `.dashboard` actions (tile states, jobs, workers) for a live view.
    package var dashboard: Bool
    /// Finished jobs kept for `status` (the newest; the journal keeps as many across a restart),
    /// so that a head running job after job holds a bounded amount.
    package var keepFinishedJobs: Int

    package init(
        scheduler: SchedulerConfig = SchedulerConfig(), resumeGraceMs: UInt64 = 5000, stateDirectory: String,
        hostName: String = "", finalizer: @escaping JobFinalizer = { _, _ in nil }, instance: String = "0",
        autoscaler: AutoscalerConfig? = nil, autoscaleIntervalMs: UInt64 = 1000, dashboard: Bool = false,
        keepFinishedJobs: Int = Journal.defaultKeepFinishedJobs
    ) {
        self.dashboard = dashboard
        self.keepFinishedJobs = max(1, keepFinishedJobs)
        self.autoscaler = autoscaler
        self.autoscaleIntervalMs = max(1, autoscaleIntervalMs)
        self.instance = instance
        self.scheduler = scheduler
        self.resumeGraceMs = resumeGraceMs
        self.stateDirectory = stateDirectory
        self.hostName = hostName
        self.finalizer = finalizer
    }
}
