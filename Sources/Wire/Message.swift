import NIOCore

/// Every message of protocol version 1, with its frame type code. The codes are grouped:
/// 1–15 handshake, 16–47 head ↔ worker, 48–79 head ↔ client. See docs/protocol.md.
public enum Message: Equatable, Sendable {
    // Handshake
    case hello(Hello)
    case challenge(Challenge)
    case proof(Proof)
    case welcome(Welcome)
    case refused(Refused)
    // Head ↔ worker
    case registerWorker(RegisterWorker)
    case heartbeat(Heartbeat)
    case requestTiles(RequestTiles)
    case jobDefinition(JobDefinition)
    case assign(TileBatch)
    case tilesStarted(TileBatch)
    case tileDone(TileDone)
    case tileFailed(TileFailed)
    case revoke(TileIndices)
    case revokeAck(TileIndices)
    case cancelTiles(TileIndices)
    case drain(Drain)
    case log(LogLine)
    case shutdown(Shutdown)
    // Head ↔ client
    case submitJob(SubmitJob)
    case jobAccepted(JobAccepted)
    case queryJobs(JobRef)
    case jobStatus(JobStatus)
    case watchJob(JobRef)
    case cancelJob(JobRef)
    case listWorkers(Empty)
    case workerList(WorkerList)
    case errorReply(ErrorReply)

    public enum Kind: UInt16, Sendable, CaseIterable {
        case hello = 1, challenge = 2, proof = 3, welcome = 4, refused = 5
        case registerWorker = 16, heartbeat = 17, requestTiles = 18, jobDefinition = 19, assign = 20
        case tilesStarted = 21, tileDone = 22, tileFailed = 23, revoke = 24, revokeAck = 25
        case cancelTiles = 26, drain = 27, log = 28, shutdown = 29
        case submitJob = 48, jobAccepted = 49, queryJobs = 50, jobStatus = 51, watchJob = 52
        case cancelJob = 53, listWorkers = 54, workerList = 55, errorReply = 56

        /// Messages a peer may send before the handshake has succeeded.
        public var isHandshake: Bool { rawValue < 16 }
    }

    public var kind: Kind {
        switch self {
        case .hello: .hello
        case .challenge: .challenge
        case .proof: .proof
        case .welcome: .welcome
        case .refused: .refused
        case .registerWorker: .registerWorker
        case .heartbeat: .heartbeat
        case .requestTiles: .requestTiles
        case .jobDefinition: .jobDefinition
        case .assign: .assign
        case .tilesStarted: .tilesStarted
        case .tileDone: .tileDone
        case .tileFailed: .tileFailed
        case .revoke: .revoke
        case .revokeAck: .revokeAck
        case .cancelTiles: .cancelTiles
        case .drain: .drain
        case .log: .log
        case .shutdown: .shutdown
        case .submitJob: .submitJob
        case .jobAccepted: .jobAccepted
        case .queryJobs: .queryJobs
        case .jobStatus: .jobStatus
        case .watchJob: .watchJob
        case .cancelJob: .cancelJob
        case .listWorkers: .listWorkers
        case .workerList: .workerList
        case .errorReply: .errorReply
        }
    }

    /// Writes the message's fields (the frame payload, before compression).
    public func encodePayload(to buffer: inout WireWriter) {
        // A direct switch: going through `any WireRecord` would box large messages on the heap.
        switch self {
        case .hello(let m): m.encode(to: &buffer)
        case .challenge(let m): m.encode(to: &buffer)
        case .proof(let m): m.encode(to: &buffer)
        case .welcome(let m): m.encode(to: &buffer)
        case .refused(let m): m.encode(to: &buffer)
        case .registerWorker(let m): m.encode(to: &buffer)
        case .heartbeat(let m): m.encode(to: &buffer)
        case .requestTiles(let m): m.encode(to: &buffer)
        case .jobDefinition(let m): m.encode(to: &buffer)
        case .assign(let m): m.encode(to: &buffer)
        case .tilesStarted(let m): m.encode(to: &buffer)
        case .tileDone(let m): m.encode(to: &buffer)
        case .tileFailed(let m): m.encode(to: &buffer)
        case .revoke(let m): m.encode(to: &buffer)
        case .revokeAck(let m): m.encode(to: &buffer)
        case .cancelTiles(let m): m.encode(to: &buffer)
        case .drain(let m): m.encode(to: &buffer)
        case .log(let m): m.encode(to: &buffer)
        case .shutdown(let m): m.encode(to: &buffer)
        case .submitJob(let m): m.encode(to: &buffer)
        case .jobAccepted(let m): m.encode(to: &buffer)
        case .queryJobs(let m): m.encode(to: &buffer)
        case .jobStatus(let m): m.encode(to: &buffer)
        case .watchJob(let m): m.encode(to: &buffer)
        case .cancelJob(let m): m.encode(to: &buffer)
        case .listWorkers(let m): m.encode(to: &buffer)
        case .workerList(let m): m.encode(to: &buffer)
        case .errorReply(let m): m.encode(to: &buffer)
        }
    }

    /// Appends the whole frame: header, then the payload, compressed when that pays.
    public func encodeFrame(into buffer: inout ByteBuffer, limits: WireLimits = .default) throws(WireError) {
        var writer = WireWriter(capacity: 64)
        encodePayload(to: &writer)
        try FrameCodec.encode(type: kind.rawValue, into: &buffer, limits: limits) { $0.writeBytes(writer.bytes) }
    }

    /// Appends the whole frame, sealed by `sealer` (every frame after the handshake).
    public func encodeFrame(into buffer: inout ByteBuffer, sealer: inout FrameSealer, limits: WireLimits = .default)
        throws(WireError)
    {
        var writer = WireWriter(capacity: 64)
        encodePayload(to: &writer)
        try FrameCodec.encode(type: kind.rawValue, into: &buffer, sealer: &sealer, limits: limits) {
            $0.writeBytes(writer.bytes)
        }
    }

    /// Decodes a frame's payload. Fields after the ones this version knows are ignored, so a newer
    /// peer may append fields to any message.
    public init(frame: Frame) throws(WireError) {
        guard let kind = Kind(rawValue: frame.type) else { throw .unknownMessageType(frame.type) }
        self = try WireReader.read(frame.payload) { (reader: inout WireReader) throws(WireError) in
            try Message.decodeBody(kind, from: &reader)
        }
    }

    private static func decodeBody(_ kind: Kind, from reader: inout WireReader) throws(WireError) -> Message {
        switch kind {
        case .hello: return .hello(try Hello(from: &reader))
        case .challenge: return .challenge(try Challenge(from: &reader))
        case .proof: return .proof(try Proof(from: &reader))
        case .welcome: return .welcome(try Welcome(from: &reader))
        case .refused: return .refused(try Refused(from: &reader))
        case .registerWorker: return .registerWorker(try RegisterWorker(from: &reader))
        case .heartbeat: return .heartbeat(try Heartbeat(from: &reader))
        case .requestTiles: return .requestTiles(try RequestTiles(from: &reader))
        case .jobDefinition: return .jobDefinition(try JobDefinition(from: &reader))
        case .assign: return .assign(try TileBatch(from: &reader))
        case .tilesStarted: return .tilesStarted(try TileBatch(from: &reader))
        case .tileDone: return .tileDone(try TileDone(from: &reader))
        case .tileFailed: return .tileFailed(try TileFailed(from: &reader))
        case .revoke: return .revoke(try TileIndices(from: &reader))
        case .revokeAck: return .revokeAck(try TileIndices(from: &reader))
        case .cancelTiles: return .cancelTiles(try TileIndices(from: &reader))
        case .drain: return .drain(try Drain(from: &reader))
        case .log: return .log(try LogLine(from: &reader))
        case .shutdown: return .shutdown(try Shutdown(from: &reader))
        case .submitJob: return .submitJob(try SubmitJob(from: &reader))
        case .jobAccepted: return .jobAccepted(try JobAccepted(from: &reader))
        case .queryJobs: return .queryJobs(try JobRef(from: &reader))
        case .jobStatus: return .jobStatus(try JobStatus(from: &reader))
        case .watchJob: return .watchJob(try JobRef(from: &reader))
        case .cancelJob: return .cancelJob(try JobRef(from: &reader))
        case .listWorkers: return .listWorkers(try Empty(from: &reader))
        case .workerList: return .workerList(try WorkerList(from: &reader))
        case .errorReply: return .errorReply(try ErrorReply(from: &reader))
        }
    }
}
