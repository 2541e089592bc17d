import NIOCore
import Wire

/// One authenticated connection, as the head's state sees it. Lives on the head's event loop.
final class PeerConnection {
    let channel: Channel
    let session: PeerSession
    /// Set once a worker has registered.
    var worker: WorkerRecord?
    /// Jobs whose definition this connection has been sent.
    var knownJobs: Set<UInt32> = []
    /// Jobs this client watches.
    var watching: Set<UInt32> = []

    init(channel: Channel, session: PeerSession) {
        self.channel = channel
        self.session = session
    }

    var id: ObjectIdentifier { ObjectIdentifier(self) }
}

/// A worker the head has seen, kept after it goes away so `status` can show it.
final class WorkerRecord {
    let id: UInt64
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
    weak var connection: PeerConnection?

    init(id: UInt64, key: String, register: RegisterWorker, nowMs: UInt64) {
        self.id = id
        self.key = key
        host = register.host
        slots = register.slots
        cpus = register.cpus
        memoryBytes = register.memoryBytes
        incarnation = register.incarnation
        lastHeardMs = nowMs
    }
}
