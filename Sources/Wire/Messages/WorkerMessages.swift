import NIOCore

/// A tile a worker holds: which job, which tile, which attempt.
public struct TileRun: WireRecord, Hashable {
    public var job: UInt32
    public var index: UInt32
    public var attempt: UInt32

    public init(job: UInt32, index: UInt32, attempt: UInt32) {
        self.job = job
        self.index = index
        self.attempt = attempt
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("TileRun.job")
        index = try reader.uint32("TileRun.index")
        attempt = try reader.uint32("TileRun.attempt")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeVarint(index)
        buffer.writeVarint(attempt)
    }
}

/// Worker → head, right after the handshake: who the worker is and what it can run. `running`
/// lists what a reconnecting worker still holds, so the head can reconcile.
public struct RegisterWorker: WireRecord, Equatable {
    public var workerID: String
    public var incarnation: UInt64
    public var host: String
    public var cpus: UInt32
    public var memoryBytes: UInt64
    public var slots: UInt32
    public var version: String
    public var running: [TileRun]
    /// The provider's id of the worker's machine (an EC2 instance id), so the head's autoscaler
    /// knows which node it is; empty when there is none. Appended to version 1 (older peers
    /// neither send nor read it).
    public var nodeID: String

    public init(
        workerID: String, incarnation: UInt64, host: String, cpus: UInt32, memoryBytes: UInt64, slots: UInt32,
        version: String, running: [TileRun], nodeID: String = ""
    ) {
        self.workerID = workerID
        self.incarnation = incarnation
        self.host = host
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.slots = slots
        self.version = version
        self.running = running
        self.nodeID = nodeID
    }

    public init(from reader: inout WireReader) throws(WireError) {
        workerID = try reader.string("RegisterWorker.workerID")
        incarnation = try reader.varint("RegisterWorker.incarnation")
        host = try reader.string("RegisterWorker.host")
        cpus = try reader.uint32("RegisterWorker.cpus")
        memoryBytes = try reader.varint("RegisterWorker.memoryBytes")
        slots = try reader.uint32("RegisterWorker.slots")
        version = try reader.string("RegisterWorker.version")
        running = try reader.list("RegisterWorker.running")
        nodeID = reader.isAtEnd ? "" : try reader.string("RegisterWorker.nodeID")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedString(workerID)
        buffer.writeVarint(incarnation)
        buffer.writeLengthPrefixedString(host)
        buffer.writeVarint(cpus)
        buffer.writeVarint(memoryBytes)
        buffer.writeVarint(slots)
        buffer.writeLengthPrefixedString(version)
        buffer.writeList(running)
        buffer.writeLengthPrefixedString(nodeID)
    }
}

/// Worker → head, every heartbeat interval: liveness and load.
public struct Heartbeat: WireRecord, Equatable {
    public var busySlots: UInt32
    public var queuedTiles: UInt32
    public var load: Double
    public var rssBytes: UInt64
    /// When the provider recommended moving off this machine (EC2's rebalance recommendation,
    /// Unix ms), 0 for none. Sent with every heartbeat once seen, so a head that restarts learns it
    /// again. Appended to version 1.
    public var rebalanceNoticeUnixMs: UInt64

    public init(
        busySlots: UInt32, queuedTiles: UInt32, load: Double, rssBytes: UInt64, rebalanceNoticeUnixMs: UInt64 = 0
    ) {
        self.busySlots = busySlots
        self.queuedTiles = queuedTiles
        self.load = load
        self.rssBytes = rssBytes
        self.rebalanceNoticeUnixMs = rebalanceNoticeUnixMs
    }

    public init(from reader: inout WireReader) throws(WireError) {
        busySlots = try reader.uint32("Heartbeat.busySlots")
        queuedTiles = try reader.uint32("Heartbeat.queuedTiles")
        load = try reader.double("Heartbeat.load")
        rssBytes = try reader.varint("Heartbeat.rssBytes")
        rebalanceNoticeUnixMs = reader.isAtEnd ? 0 : try reader.varint("Heartbeat.rebalanceNoticeUnixMs")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(busySlots)
        buffer.writeVarint(queuedTiles)
        buffer.writeDouble(load)
        buffer.writeVarint(rssBytes)
        buffer.writeVarint(rebalanceNoticeUnixMs)
    }
}

/// Worker → head: "I have room for this many more tiles".
public struct RequestTiles: WireRecord, Equatable {
    public var count: UInt32

    public init(count: UInt32) { self.count = count }

    public init(from reader: inout WireReader) throws(WireError) {
        count = try reader.uint32("RequestTiles.count")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(count)
    }
}

/// Head → worker, before the first Assign of a job: what the job's tiles run (JSON job spec).
public struct JobDefinition: WireRecord, Equatable {
    public var job: UInt32
    public var name: String
    public var spec: String

    public init(job: UInt32, name: String, spec: String) {
        self.job = job
        self.name = name
        self.spec = spec
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("JobDefinition.job")
        name = try reader.string("JobDefinition.name")
        spec = try reader.string("JobDefinition.spec")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeLengthPrefixedString(name)
        buffer.writeLengthPrefixedString(spec)
    }
}

/// One tile of an Assign.
public struct TileAssignment: WireRecord, Hashable {
    public var index: UInt32
    public var attempt: UInt32

    public init(index: UInt32, attempt: UInt32) {
        self.index = index
        self.attempt = attempt
    }

    public init(from reader: inout WireReader) throws(WireError) {
        index = try reader.uint32("TileAssignment.index")
        attempt = try reader.uint32("TileAssignment.attempt")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(index)
        buffer.writeVarint(attempt)
    }
}

/// Tiles of one job with their attempts: head → worker in Assign (queue and run these; may come
/// unrequested), worker → head in TilesStarted (these left the queue and began to run).
public struct TileBatch: WireRecord, Equatable {
    public var job: UInt32
    public var tiles: [TileAssignment]

    public init(job: UInt32, tiles: [TileAssignment]) {
        self.job = job
        self.tiles = tiles
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("TileBatch.job")
        tiles = try reader.list("TileBatch.tiles")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeList(tiles)
    }
}

/// Head → worker (Revoke: give back these unstarted tiles; Cancel: stop these even if running),
/// worker → head (RevokeAck: the subset that really was given back).
public struct TileIndices: WireRecord, Equatable {
    public var job: UInt32
    public var indices: [UInt32]

    public init(job: UInt32, indices: [UInt32]) {
        self.job = job
        self.indices = indices
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("TileIndices.job")
        indices = try reader.varintList("TileIndices.indices")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeVarintList(indices)
    }
}

/// Worker → head: "my tiles must be done by `deadlineUnixMs`": the worker takes no more, gives
/// its queue back, and what still runs then is the head's to run elsewhere (spot interruption,
/// SIGTERM).
public struct Drain: WireRecord, Equatable {
    /// Why the worker drains (appended to version 1; unknown values read as `shutdown`).
    public enum Cause: UInt8, Sendable, CaseIterable {
        /// SIGTERM, or a peer too old to say.
        case shutdown = 0
        /// The provider takes the machine back (an EC2 spot interruption notice).
        case interruption = 1
    }

    public var deadlineUnixMs: UInt64
    public var reason: String
    public var cause: Cause
    /// When the machine itself goes (the notice's time; later than the deadline by the worker's
    /// margin), 0 when unknown. Appended to version 1.
    public var terminationUnixMs: UInt64

    public init(deadlineUnixMs: UInt64, reason: String, cause: Cause = .shutdown, terminationUnixMs: UInt64 = 0) {
        self.deadlineUnixMs = deadlineUnixMs
        self.reason = reason
        self.cause = cause
        self.terminationUnixMs = terminationUnixMs
    }

    public init(from reader: inout WireReader) throws(WireError) {
        deadlineUnixMs = try reader.varint("Drain.deadlineUnixMs")
        reason = try reader.string("Drain.reason")
        cause = reader.isAtEnd ? .shutdown : Cause(rawValue: try reader.uint8("Drain.cause")) ?? .shutdown
        terminationUnixMs = reader.isAtEnd ? 0 : try reader.varint("Drain.terminationUnixMs")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(deadlineUnixMs)
        buffer.writeLengthPrefixedString(reason)
        buffer.writeVarint(cause.rawValue)
        buffer.writeVarint(terminationUnixMs)
    }
}

/// Either direction: a log line for the other side's log (job 0: not about a job).
public struct LogLine: WireRecord, Equatable {
    public enum Level: UInt8, Sendable, CaseIterable {
        case debug = 0
        case info = 1
        case warning = 2
        case error = 3
    }

    public var level: Level
    public var job: UInt32
    public var text: String

    public init(level: Level, job: UInt32, text: String) {
        self.level = level
        self.job = job
        self.text = text
    }

    public init(from reader: inout WireReader) throws(WireError) {
        level = Level(rawValue: try reader.uint8("LogLine.level")) ?? .info
        job = try reader.uint32("LogLine.job")
        text = try reader.string("LogLine.text")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(level.rawValue)
        buffer.writeVarint(job)
        buffer.writeLengthPrefixedString(text)
    }
}

/// Head → worker: stop. `graceful`: finish running tiles and report them first.
public struct Shutdown: WireRecord, Equatable {
    public var reason: String
    public var graceful: Bool

    public init(reason: String, graceful: Bool) {
        self.reason = reason
        self.graceful = graceful
    }

    public init(from reader: inout WireReader) throws(WireError) {
        reason = try reader.string("Shutdown.reason")
        graceful = try reader.bool("Shutdown.graceful")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedString(reason)
        buffer.writeBool(graceful)
    }
}
