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

    public init(
        workerID: String, incarnation: UInt64, host: String, cpus: UInt32, memoryBytes: UInt64, slots: UInt32,
        version: String, running: [TileRun]
    ) {
        self.workerID = workerID
        self.incarnation = incarnation
        self.host = host
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.slots = slots
        self.version = version
        self.running = running
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
    }
}

/// Worker → head, every heartbeat interval: liveness and load.
public struct Heartbeat: WireRecord, Equatable {
    public var busySlots: UInt32
    public var queuedTiles: UInt32
    public var load: Double
    public var rssBytes: UInt64

    public init(busySlots: UInt32, queuedTiles: UInt32, load: Double, rssBytes: UInt64) {
        self.busySlots = busySlots
        self.queuedTiles = queuedTiles
        self.load = load
        self.rssBytes = rssBytes
    }

    public init(from reader: inout WireReader) throws(WireError) {
        busySlots = try reader.uint32("Heartbeat.busySlots")
        queuedTiles = try reader.uint32("Heartbeat.queuedTiles")
        load = try reader.double("Heartbeat.load")
        rssBytes = try reader.varint("Heartbeat.rssBytes")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(busySlots)
        buffer.writeVarint(queuedTiles)
        buffer.writeDouble(load)
        buffer.writeVarint(rssBytes)
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

/// Worker → head: "my machine goes away at `deadlineUnixMs`" (spot interruption, SIGTERM).
public struct Drain: WireRecord, Equatable {
    public var deadlineUnixMs: UInt64
    public var reason: String

    public init(deadlineUnixMs: UInt64, reason: String) {
        self.deadlineUnixMs = deadlineUnixMs
        self.reason = reason
    }

    public init(from reader: inout WireReader) throws(WireError) {
        deadlineUnixMs = try reader.varint("Drain.deadlineUnixMs")
        reason = try reader.string("Drain.reason")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(deadlineUnixMs)
        buffer.writeLengthPrefixedString(reason)
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
