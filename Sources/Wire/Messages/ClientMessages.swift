import NIOCore

/// Client → head: run this job. `spec` is the job file, already resolved to plain JSON.
public struct SubmitJob: WireRecord, Equatable {
    public var name: String
    public var spec: String

    public init(name: String, spec: String) {
        self.name = name
        self.spec = spec
    }

    public init(from reader: inout WireReader) throws(WireError) {
        name = try reader.string("SubmitJob.name")
        spec = try reader.string("SubmitJob.spec")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedString(name)
        buffer.writeLengthPrefixedString(spec)
    }
}

/// Head → client: the job was accepted under this id.
public struct JobAccepted: WireRecord, Equatable {
    public var job: UInt32
    public var tileCount: UInt64
    public var recordsPath: String

    public init(job: UInt32, tileCount: UInt64, recordsPath: String) {
        self.job = job
        self.tileCount = tileCount
        self.recordsPath = recordsPath
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("JobAccepted.job")
        tileCount = try reader.varint("JobAccepted.tileCount")
        recordsPath = try reader.string("JobAccepted.recordsPath")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeVarint(tileCount)
        buffer.writeLengthPrefixedString(recordsPath)
    }
}

/// Client → head: which job (QueryJobs with job 0 means every job; WatchJob streams JobStatus
/// frames for one job until it ends; CancelJob stops it).
public struct JobRef: WireRecord, Equatable {
    public var job: UInt32

    public init(job: UInt32) { self.job = job }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("JobRef.job")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
    }
}

/// The state of one job, as counts.
public struct JobSummary: WireRecord, Equatable {
    public enum State: UInt8, Sendable, CaseIterable {
        case running = 1
        case finished = 2
        case cancelled = 3
    }

    public var job: UInt32
    public var name: String
    public var state: State
    public var total: UInt64
    public var pending: UInt64
    public var running: UInt64
    public var done: UInt64
    public var failed: UInt64
    public var quarantined: UInt64
    public var retries: UInt64
    public var submittedUnixMs: UInt64
    public var finishedUnixMs: UInt64
    public var recordsPath: String

    public init(
        job: UInt32, name: String, state: State, total: UInt64, pending: UInt64, running: UInt64, done: UInt64,
        failed: UInt64, quarantined: UInt64, retries: UInt64, submittedUnixMs: UInt64, finishedUnixMs: UInt64,
        recordsPath: String
    ) {
        self.job = job
        self.name = name
        self.state = state
        self.total = total
        self.pending = pending
        self.running = running
        self.done = done
        self.failed = failed
        self.quarantined = quarantined
        self.retries = retries
        self.submittedUnixMs = submittedUnixMs
        self.finishedUnixMs = finishedUnixMs
        self.recordsPath = recordsPath
    }

    public init(from reader: inout WireReader) throws(WireError) {
        job = try reader.uint32("JobSummary.job")
        name = try reader.string("JobSummary.name")
        let rawState = try reader.uint8("JobSummary.state")
        guard let state = State(rawValue: rawState) else { throw .valueOutOfRange("JobSummary.state \(rawState)") }
        self.state = state
        total = try reader.varint("JobSummary.total")
        pending = try reader.varint("JobSummary.pending")
        running = try reader.varint("JobSummary.running")
        done = try reader.varint("JobSummary.done")
        failed = try reader.varint("JobSummary.failed")
        quarantined = try reader.varint("JobSummary.quarantined")
        retries = try reader.varint("JobSummary.retries")
        submittedUnixMs = try reader.varint("JobSummary.submittedUnixMs")
        finishedUnixMs = try reader.varint("JobSummary.finishedUnixMs")
        recordsPath = try reader.string("JobSummary.recordsPath")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(job)
        buffer.writeLengthPrefixedString(name)
        buffer.writeVarint(state.rawValue)
        buffer.writeVarint(total)
        buffer.writeVarint(pending)
        buffer.writeVarint(running)
        buffer.writeVarint(done)
        buffer.writeVarint(failed)
        buffer.writeVarint(quarantined)
        buffer.writeVarint(retries)
        buffer.writeVarint(submittedUnixMs)
        buffer.writeVarint(finishedUnixMs)
        buffer.writeLengthPrefixedString(recordsPath)
    }
}

/// Head → client: the state of the jobs asked about.
public struct JobStatus: WireRecord, Equatable {
    public var jobs: [JobSummary]

    public init(jobs: [JobSummary]) { self.jobs = jobs }

    public init(from reader: inout WireReader) throws(WireError) {
        jobs = try reader.list("JobStatus.jobs")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeList(jobs)
    }
}

/// One worker as the head sees it.
public struct WorkerSummary: WireRecord, Equatable {
    public enum State: UInt8, Sendable, CaseIterable {
        case active = 1
        case draining = 2
        case lost = 3
    }

    public var workerID: String
    public var host: String
    public var state: State
    public var slots: UInt32
    public var busySlots: UInt32
    public var queuedTiles: UInt32
    public var load: Double
    public var rssBytes: UInt64
    public var tilesDone: UInt64
    public var lastHeartbeatAgoMs: UInt64
    /// The machine it runs on at its provider (an EC2 instance id); empty when not known.
    public var nodeID: String

    public init(
        workerID: String, host: String, state: State, slots: UInt32, busySlots: UInt32, queuedTiles: UInt32,
        load: Double, rssBytes: UInt64, tilesDone: UInt64, lastHeartbeatAgoMs: UInt64, nodeID: String = ""
    ) {
        self.workerID = workerID
        self.host = host
        self.state = state
        self.slots = slots
        self.busySlots = busySlots
        self.queuedTiles = queuedTiles
        self.load = load
        self.rssBytes = rssBytes
        self.tilesDone = tilesDone
        self.lastHeartbeatAgoMs = lastHeartbeatAgoMs
        self.nodeID = nodeID
    }

    public init(from reader: inout WireReader) throws(WireError) {
        workerID = try reader.string("WorkerSummary.workerID")
        host = try reader.string("WorkerSummary.host")
        let rawState = try reader.uint8("WorkerSummary.state")
        guard let state = State(rawValue: rawState) else { throw .valueOutOfRange("WorkerSummary.state \(rawState)") }
        self.state = state
        slots = try reader.uint32("WorkerSummary.slots")
        busySlots = try reader.uint32("WorkerSummary.busySlots")
        queuedTiles = try reader.uint32("WorkerSummary.queuedTiles")
        load = try reader.double("WorkerSummary.load")
        rssBytes = try reader.varint("WorkerSummary.rssBytes")
        tilesDone = try reader.varint("WorkerSummary.tilesDone")
        lastHeartbeatAgoMs = try reader.varint("WorkerSummary.lastHeartbeatAgoMs")
        nodeID = reader.isAtEnd ? "" : try reader.string("WorkerSummary.nodeID")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedString(workerID)
        buffer.writeLengthPrefixedString(host)
        buffer.writeVarint(state.rawValue)
        buffer.writeVarint(slots)
        buffer.writeVarint(busySlots)
        buffer.writeVarint(queuedTiles)
        buffer.writeDouble(load)
        buffer.writeVarint(rssBytes)
        buffer.writeVarint(tilesDone)
        buffer.writeVarint(lastHeartbeatAgoMs)
        buffer.writeLengthPrefixedString(nodeID)
    }
}

/// Head → client: every worker.
public struct WorkerList: WireRecord, Equatable {
    public var workers: [WorkerSummary]

    public init(workers: [WorkerSummary]) { self.workers = workers }

    public init(from reader: inout WireReader) throws(WireError) {
        workers = try reader.list("WorkerList.workers")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeList(workers)
    }
}

/// Head → client: a request could not be served (unknown job, invalid spec, …).
public struct ErrorReply: WireRecord, Equatable {
    public enum Code: UInt16, Sendable, CaseIterable {
        case invalidRequest = 1
        case unknownJob = 2
        case invalidJob = 3
        case internalError = 4
        case unknown = 0xFFFF
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public init(from reader: inout WireReader) throws(WireError) {
        code = Code(rawValue: try reader.uint16("ErrorReply.code")) ?? .unknown
        message = try reader.string("ErrorReply.message")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(code.rawValue)
        buffer.writeLengthPrefixedString(message)
    }
}

/// A message without fields (ListWorkers).
public struct Empty: WireRecord, Equatable {
    public init() {}
    public init(from reader: inout WireReader) throws(WireError) {}
    public func encode(to buffer: inout WireWriter) {}
}
