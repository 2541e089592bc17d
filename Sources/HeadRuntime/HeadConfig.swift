import Autoscaler
import Dashboard
import Foundation
import GrowJob
import NIOCore
import TileScheduler
import Wire

/// Everything `grow-head start` can be told.
package struct HeadConfig: Sendable {
    package var host: String
    package var port: Int
    package var stateDirectory: String
    package var token: ClusterToken
    /// The file `token` came from: read again for rotations (`grow-head token rotate`); nil when
    /// the token came from GROW_TOKEN or the caller.
    package var tokenFile: String?
    /// How long after a rotation the previous token is still accepted.
    package var tokenGraceMs: UInt64 = 3_600_000
    /// How often the token files are read again.
    package var tokenReloadInterval: TimeAmount = .seconds(1)
    package var name: String
    /// How often workers heartbeat (sent to them in Welcome).
    package var heartbeatIntervalMs: UInt32
    package var scheduler: SchedulerConfig
    package var handshakeTimeout: TimeAmount
    package var limits: WireLimits
    /// How often the scheduler's clock ticks (heartbeat timeouts, drain deadlines, backups).
    package var tickInterval: TimeAmount
    /// How often watchers of a job get a progress frame.
    package var progressInterval: TimeAmount
    /// After a restart with unfinished jobs: how long to wait for workers to come back and report
    /// before handing out tiles (default: the heartbeat timeout).
    package var resumeGraceMs: UInt64
    /// The final step of jobs that have one (export_maps' mosaics); the command line supplies it.
    package var finalizer: JobFinalizer
    /// A random name of this head's run (records folders carry it).
    package var instance = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
    /// The cluster scales with the work through this provider; nil: no autoscaling.
    package var autoscaling: Autoscaling?
    /// The dashboard's state, fed with the coordinator's events; nil: no dashboard (the
    /// coordinator then computes none of them).
    package var dashboard: DashboardFeed?
    /// The head's metrics; nil: none are kept.
    package var metrics: HeadMetrics?

    package init(
        host: String = "0.0.0.0",
        port: Int = 6379,
        stateDirectory: String,
        token: ClusterToken,
        name: String = "grow-head",
        heartbeatIntervalMs: UInt32 = 1000,
        scheduler: SchedulerConfig = SchedulerConfig(),
        handshakeTimeout: TimeAmount = .seconds(10),
        limits: WireLimits = .default,
        tickInterval: TimeAmount = .milliseconds(100),
        progressInterval: TimeAmount = .milliseconds(500),
        resumeGraceMs: UInt64? = nil,
        finalizer: @escaping JobFinalizer = { _, _ in nil }
    ) {
        self.finalizer = finalizer
        self.resumeGraceMs = resumeGraceMs ?? scheduler.heartbeatTimeoutMs
        self.host = host
        self.port = port
        self.stateDirectory = stateDirectory
        self.token = token
        self.name = name
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.scheduler = scheduler
        self.handshakeTimeout = handshakeTimeout
        self.limits = limits
        self.tickInterval = tickInterval
        self.progressInterval = progressInterval
    }
}

extension HeadConfig {
    /// What the coordinator needs of it.
    var coordinator: CoordinatorConfig {
        CoordinatorConfig(
            scheduler: scheduler, resumeGraceMs: resumeGraceMs, stateDirectory: stateDirectory,
            hostName: ProcessInfo.processInfo.hostName, finalizer: finalizer, instance: instance,
            autoscaler: autoscaling?.config, autoscaleIntervalMs: autoscaling?.intervalMs ?? 1000,
            dashboard: dashboard != nil)
    }
}

/// What a head that autoscales is given: the policy, the provider, and (for providers whose
/// nodes do not start their worker themselves) how to set a node up.
package struct Autoscaling: Sendable {
    package var config: AutoscalerConfig
    package var provider: any NodeProvider
    package var setup: (any NodeSetup)?
    /// How often the autoscaler is told the load and the time.
    package var intervalMs: UInt64

    package init(
        config: AutoscalerConfig, provider: any NodeProvider, setup: (any NodeSetup)? = nil, intervalMs: UInt64 = 1000
    ) {
        self.config = config
        self.provider = provider
        self.setup = setup
        self.intervalMs = intervalMs
    }
}
