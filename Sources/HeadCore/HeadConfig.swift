import NIOCore
import Scheduler
import Wire

/// Everything `grow-head start` can be told.
public struct HeadConfig: Sendable {
    public var host: String
    public var port: Int
    public var stateDirectory: String
    public var token: ClusterToken
    public var name: String
    /// How often workers heartbeat (sent to them in Welcome).
    public var heartbeatIntervalMs: UInt32
    public var scheduler: SchedulerConfig
    public var handshakeTimeout: TimeAmount
    public var limits: WireLimits
    /// How often the scheduler's clock ticks (heartbeat timeouts, drain deadlines, backups).
    public var tickInterval: TimeAmount
    /// How often watchers of a job get a progress frame.
    public var progressInterval: TimeAmount
    /// After a restart with unfinished jobs: how long to wait for workers to come back and report
    /// before handing out tiles (default: the heartbeat timeout).
    public var resumeGraceMs: UInt64

    public init(
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
        resumeGraceMs: UInt64? = nil
    ) {
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
