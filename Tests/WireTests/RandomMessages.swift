import GrowBase
import GrowTestSupport
import NIOCore
import Wire

/// Random values for every message, biased towards edges (0, max, empty, long, non-ASCII).
struct MessageGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func u64() -> UInt64 {
        switch rng.next() % 4 {
        case 0: return 0
        case 1: return UInt64.max
        case 2: return rng.next() % 300
        default: return rng.next() >> (rng.next() % 64)
        }
    }
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: u64() >> (rng.next() % 2 == 0 ? 0 : 32)) }
    mutating func u16() -> UInt16 { UInt16(truncatingIfNeeded: u64()) }
    mutating func bool() -> Bool { rng.next() % 2 == 0 }
    mutating func double() -> Double { [0, -1.5, .infinity, Double(rng.next() % 10_000) / 7][Int(rng.next() % 4)] }
    mutating func bytes() -> [UInt8] { (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
    mutating func string() -> String {
        let pieces = ["", "tile", "31UDQ_1_2", "ünïcödé ✓", "🛰️", String(repeating: "x", count: 200), "a\nb\0c"]
        return (0..<Int(rng.next() % 3)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }
    mutating func count() -> Int { Int(rng.next() % 6) + (rng.next() % 10 == 0 ? 300 : 0) }
    mutating func list<T>(_ make: (inout MessageGenerator) -> T) -> [T] {
        (0..<count()).map { _ in make(&self) }
    }
    mutating func pick<T: CaseIterable>(_: T.Type) -> T {
        let all = Array(T.allCases)
        return all[Int(rng.next() % UInt64(all.count))]
    }

    mutating func tileRun() -> TileRun { TileRun(job: u32(), index: u32(), attempt: u32()) }
    mutating func assignment() -> TileAssignment { TileAssignment(index: u32(), attempt: u32()) }
    mutating func indices() -> TileIndices { TileIndices(job: u32(), indices: list { $0.u32() }) }
    mutating func jobRef() -> JobRef { JobRef(job: u32()) }

    mutating func message(of kind: Message.Kind) -> Message {
        switch kind {
        case .hello:
            return .hello(
                Hello(minVersion: u16(), maxVersion: u16(), role: pick(PeerRole.self), name: string(), nonce: bytes()))
        case .challenge: return .challenge(Challenge(version: u16(), nonce: bytes(), headName: string()))
        case .proof: return .proof(Proof(mac: bytes()))
        case .welcome: return .welcome(Welcome(mac: bytes(), sessionID: u64(), heartbeatIntervalMs: u32()))
        case .refused:
            return .refused(Refused(reason: pick(RefusalReason.self), text: string()))
        case .registerWorker:
            return .registerWorker(
                RegisterWorker(
                    workerID: string(), incarnation: u64(), host: string(), cpus: u32(), memoryBytes: u64(),
                    slots: u32(), version: string(), running: list { $0.tileRun() }, nodeID: string()))
        case .heartbeat:
            return .heartbeat(
                Heartbeat(
                    busySlots: u32(), queuedTiles: u32(), load: double(), rssBytes: u64(), rebalanceNoticeUnixMs: u64())
            )
        case .requestTiles: return .requestTiles(RequestTiles(count: u32()))
        case .jobDefinition: return .jobDefinition(JobDefinition(job: u32(), name: string(), spec: string()))
        case .assign: return .assign(TileBatch(job: u32(), tiles: list { $0.assignment() }))
        case .tilesStarted: return .tilesStarted(TileBatch(job: u32(), tiles: list { $0.assignment() }))
        case .tileDone:
            return .tileDone(
                TileDone(
                    results: list {
                        TileResult(
                            job: $0.u32(), index: $0.u32(), attempt: $0.u32(), durationMicros: $0.u64(),
                            detail: $0.string())
                    }))
        case .tileFailed:
            return .tileFailed(
                TileFailed(
                    failures: list {
                        TileFailure(
                            job: $0.u32(), index: $0.u32(), attempt: $0.u32(), durationMicros: $0.u64(),
                            retryable: $0.bool(),
                            error: $0.string())
                    }))
        case .revoke: return .revoke(indices())
        case .revokeAck: return .revokeAck(indices())
        case .cancelTiles: return .cancelTiles(indices())
        case .drain:
            return .drain(
                Drain(deadlineUnixMs: u64(), reason: string(), cause: pick(Drain.Cause.self), terminationUnixMs: u64()))
        case .log: return .log(LogLine(level: pick(LogLine.Level.self), job: u32(), text: string()))
        case .shutdown: return .shutdown(Shutdown(reason: string(), graceful: bool()))
        case .submitJob: return .submitJob(SubmitJob(name: string(), spec: string()))
        case .jobAccepted: return .jobAccepted(JobAccepted(job: u32(), tileCount: u64(), recordsPath: string()))
        case .queryJobs: return .queryJobs(jobRef())
        case .jobStatus:
            return .jobStatus(
                JobStatus(
                    jobs: list {
                        JobSummary(
                            job: $0.u32(), name: $0.string(), state: $0.pick(JobSummary.State.self), total: $0.u64(),
                            pending: $0.u64(), running: $0.u64(), done: $0.u64(), failed: $0.u64(),
                            quarantined: $0.u64(),
                            retries: $0.u64(), submittedUnixMs: $0.u64(), finishedUnixMs: $0.u64(),
                            recordsPath: $0.string())
                    }))
        case .watchJob: return .watchJob(jobRef())
        case .cancelJob: return .cancelJob(jobRef())
        case .listWorkers: return .listWorkers(Empty())
        case .workerList:
            return .workerList(
                WorkerList(
                    workers: list {
                        WorkerSummary(
                            workerID: $0.string(), host: $0.string(), state: $0.pick(WorkerSummary.State.self),
                            slots: $0.u32(), busySlots: $0.u32(), queuedTiles: $0.u32(), load: $0.double(),
                            rssBytes: $0.u64(), tilesDone: $0.u64(), lastHeartbeatAgoMs: $0.u64())
                    }))
        case .errorReply:
            return .errorReply(ErrorReply(code: pick(ErrorReply.Code.self), message: string()))
        }
    }
}

func encodeFrames(_ messages: [Message], limits: WireLimits = .default) throws -> ByteBuffer {
    var buffer = ByteBufferAllocator().buffer(capacity: 256)
    for message in messages { try message.encodeFrame(into: &buffer, limits: limits) }
    return buffer
}

/// Decodes every whole frame in `buffer`, as the channel decoder would.
func decodeAll(_ buffer: inout ByteBuffer, limits: WireLimits = .default) throws -> [Message] {
    var messages: [Message] = []
    while let frame = try FrameCodec.decode(from: &buffer, limits: limits) {
        messages.append(try Message(frame: frame))
    }
    return messages
}
