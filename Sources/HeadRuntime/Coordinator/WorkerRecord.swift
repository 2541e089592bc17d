import TileScheduler
import Wire

/// A worker the head has seen, kept after it goes away so `status` can show it.
struct WorkerRecord {
    let id: WorkerID
    let key: String
    var host: String
    var slots: UInt32
    var cpus: UInt32
    var memoryBytes: UInt64
    var incarnation: UInt64
    var state: WorkerSummary.State = .active
    var heartbeat = Heartbeat(busySlots: 0, queuedTiles: 0, load: 0, rssBytes: 0)
    var lastHeardMs: UInt64
    var tilesDone: UInt64 = 0
    /// The machine it runs on at its provider (an EC2 instance id), when it said.
    var nodeID: String
    /// The connection it registered on; nil once that is gone.
    var connection: ConnectionID?

    init(id: WorkerID, key: String, register: RegisterWorker, connection: ConnectionID, nowMs: UInt64) {
        self.id = id
        self.key = key
        host = register.host
        slots = register.slots
        cpus = register.cpus
        memoryBytes = register.memoryBytes
        incarnation = register.incarnation
        nodeID = register.nodeID
        lastHeardMs = nowMs
        self.connection = connection
    }
}

/// One authenticated connection, as the coordinator sees it.
struct ConnectionRecord {
    let role: PeerRole
    let name: String
    /// Set once a worker has registered on it.
    var worker: WorkerID?
    /// Jobs whose definition this connection has been sent.
    var knownJobs: Set<JobID> = []
    /// Jobs this client watches (progress now and then, the final status at the end).
    var watching: Set<JobID> = []
    /// Jobs this client cancelled: it is answered once, when the job has ended.
    var awaitingEnd: Set<JobID> = []
    /// Jobs this client submitted that are still being prepared (answered when they are).
    var awaitingAcceptance: Set<JobID> = []
}
