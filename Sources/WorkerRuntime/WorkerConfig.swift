import Wire

/// Everything `grow-worker` can be told.
package struct WorkerConfig: Sendable {
    package var host: String
    package var port: Int
    package var token: ClusterToken
    /// The file `token` came from: read again before every connection attempt and on SIGHUP, so a
    /// rotated token is picked up; nil when the token came from GROW_TOKEN.
    package var tokenFile: String?
    package var slots: Int
    package var workDirectory: String
    /// Stable identity: a reconnecting worker with the same id keeps its tiles.
    package var workerID: String
    /// Tiles to hold beyond the running ones, per slot, before asking for more.
    package var prefetchPerSlot: Int
    /// First and longest wait between connection attempts.
    package var reconnectInitialMs: UInt64
    package var reconnectMaxMs: UInt64
    /// How long a draining worker has before its machine goes (SIGTERM on a spot instance: 120 s).
    package var drainGraceMs: UInt64
    /// Results sent within this window are sent again after a reconnect (the head drops
    /// duplicates), so a result in flight when the connection broke is not lost.
    package var redeliveryWindowMs: UInt64
    /// The provider's id of this machine (an EC2 instance id; empty: none), told to the head so
    /// its autoscaler knows which node this worker runs on.
    package var nodeID: String
    /// Where the worker's metrics go; nil: none are kept.
    package var metrics: WorkerMetrics?

    package init(
        host: String, port: Int, token: ClusterToken, slots: Int, workDirectory: String, workerID: String,
        prefetchPerSlot: Int = 2, reconnectInitialMs: UInt64 = 100, reconnectMaxMs: UInt64 = 5000,
        drainGraceMs: UInt64 = 120_000, redeliveryWindowMs: UInt64 = 5000, nodeID: String = "",
        tokenFile: String? = nil
    ) {
        self.tokenFile = tokenFile
        self.nodeID = nodeID
        self.host = host
        self.port = port
        self.token = token
        self.slots = slots
        self.workDirectory = workDirectory
        self.workerID = workerID
        self.prefetchPerSlot = prefetchPerSlot
        self.reconnectInitialMs = reconnectInitialMs
        self.reconnectMaxMs = reconnectMaxMs
        self.drainGraceMs = drainGraceMs
        self.redeliveryWindowMs = redeliveryWindowMs
    }
}
