import Foundation
import GrowTestSupport
import NIOCore
import Synchronization

@testable import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// A man-in-the-middle on loopback between grow-worker and grow-head: it forwards whole frames
/// both ways, keeps a copy of every byte it sees (what an eavesdropper on the path gets), and on
/// its n-th connection carries out the n-th tamper of its plan, once. Later connections pass
/// through untouched.
final class TamperingProxy: @unchecked Sendable {
    enum Tamper: String, CaseIterable, Sendable {
        /// Flip one bit of the first sealed Assign's ciphertext, head → worker.
        case flipBitInAssign
        /// Deliver the first sealed Assign twice, head → worker.
        case replayAssign
        /// Drop the first TileDone, worker → head.
        case dropTileDone
        /// Hold the first TileDone back until the frame after it has gone, worker → head.
        case swapTileDoneWithNext
        /// Before the first Assign, a JobDefinition sealed with a key from a wrong token and the
        /// real transcript (all an attacker on the path knows), head → worker. Its command would
        /// create `forgedMarker`.
        case forgeJobDefinition
        /// Before the first TileDone, a TileDone for every tile sealed the same way, worker → head.
        case forgeTileDone
    }

    enum Direction: Int, Sendable {
        case toHead = 0
        case toWorker = 1
    }

    /// What happened to one connection.
    struct Record: Sendable {
        var tamper: Tamper?
        var applied = false
        var closedAfterTamper = false
    }

    /// A frame the proxy saw (sealed or not): its type, flags and payload length on the wire.
    struct SeenFrame: Sendable {
        var direction: Direction
        var type: UInt16
        var flags: UInt8
        var wireLength: Int
    }

    private struct State {
        var capture: [UInt8] = []
        var records: [Record] = []
        var frames: [SeenFrame] = []
    }

    let port: Int
    private let headPort: Int
    private let plan: [Tamper]
    private let forgedJob: (job: UInt32, spec: String)
    private let tiles: Int
    private let listener: Int32
    private let state = Mutex(State())
    private let wrongToken = try! ClusterToken(secret: "not the cluster token, but a good guess")

    /// `forgedJob`: the job id and spec the forged JobDefinition carries; `tiles`: how many the
    /// forged TileDone claims done.
    init(headPort: Int, plan: [Tamper], forgedJob: (job: UInt32, spec: String), tiles: Int) throws {
        self.headPort = headPort
        self.plan = plan
        self.forgedJob = forgedJob
        self.tiles = tiles
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError("the proxy cannot listen: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var capture: [UInt8] { state.withLock { $0.capture } }
    var records: [Record] { state.withLock { $0.records } }
    var frames: [SeenFrame] { state.withLock { $0.frames } }

    // MARK: - Connections

    private func acceptLoop() {
        while true {
            let worker = accept(listener, nil, nil)
            guard worker >= 0 else { return }
            guard let head = connectLoopback(port: headPort) else {
                close(worker)
                continue
            }
            let index = state.withLock { state -> Int in
                state.records.append(Record(tamper: state.records.count < plan.count ? plan[state.records.count] : nil))
                return state.records.count - 1
            }
            let connection = Connection(index: index, worker: worker, head: head)
            Thread.detachNewThread { [self] in pump(connection, .toHead) }
            Thread.detachNewThread { [self] in pump(connection, .toWorker) }
        }
    }

    /// One connection's shared state; both pumps lock it around each frame.
    private final class Connection: @unchecked Sendable {
        let index: Int
        let worker: Int32
        let head: Int32
        let lock = NSLock()
        var hello: Hello?
        var challenge: Challenge?
        /// Sealed frames delivered so far each way: the number the next one must carry.
        var delivered: [UInt64] = [0, 0]
        var held: [UInt8]?
        var applied = false
        var open = 2

        init(index: Int, worker: Int32, head: Int32) {
            self.index = index
            self.worker = worker
            self.head = head
        }
    }

    private func pump(_ connection: Connection, _ direction: Direction) {
        let from = direction == .toHead ? connection.worker : connection.head
        let to = direction == .toHead ? connection.head : connection.worker
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        reading: while true {
            let count = read(from, &chunk, chunk.count)
            guard count > 0 else { break }
            let bytes = Array(chunk[0..<count])
            state.withLock { $0.capture += bytes }
            pending += bytes
            while pending.count >= FrameHeader.size {
                let wireLength = pending[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
                let total = FrameHeader.size + wireLength
                guard pending.count >= total else { break }
                let frame = Array(pending[0..<total])
                pending.removeFirst(total)
                connection.lock.lock()
                let out = handle(frame, direction, connection)
                connection.lock.unlock()
                for piece in out where !writeAll(to, piece) { break reading }
            }
        }
        // Either side ending ends the connection both ways, as a real path would.
        shutdown(connection.worker, Int32(SHUT_RDWR))
        shutdown(connection.head, Int32(SHUT_RDWR))
        connection.lock.lock()
        connection.open -= 1
        let last = connection.open == 0
        let applied = connection.applied
        connection.lock.unlock()
        if applied { state.withLock { $0.records[connection.index].closedAfterTamper = true } }
        if last {
            close(connection.worker)
            close(connection.head)
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    // MARK: - Frames

    /// What to send on for one frame that arrived (called under the connection's lock).
    private func handle(_ frame: [UInt8], _ direction: Direction, _ connection: Connection) -> [[UInt8]] {
        let type = UInt16(frame[4]) | UInt16(frame[5]) << 8
        let flags = frame[3]
        state.withLock {
            $0.frames.append(
                SeenFrame(direction: direction, type: type, flags: flags, wireLength: frame.count - FrameHeader.size))
        }
        guard flags & FrameHeader.sealedFlag != 0 else {
            noteHandshake(frame, connection)
            return [frame]
        }
        let tamper = state.withLock { $0.records[connection.index].tamper }
        var out: [[UInt8]] = []
        func deliver(_ bytes: [UInt8]) {
            out.append(bytes)
            connection.delivered[direction.rawValue] += 1
        }
        func apply() {
            connection.applied = true
            state.withLock { $0.records[connection.index].applied = true }
        }
        let assign = Message.Kind.assign.rawValue
        let tileDone = Message.Kind.tileDone.rawValue
        switch (tamper, direction, connection.applied) {
        case (.flipBitInAssign?, .toWorker, false) where type == assign:
            var flipped = frame
            flipped[FrameHeader.size] ^= 0x01
            apply()
            deliver(flipped)
        case (.replayAssign?, .toWorker, false) where type == assign:
            apply()
            deliver(frame)
            deliver(frame)
        case (.dropTileDone?, .toHead, false) where type == tileDone:
            apply()
        case (.swapTileDoneWithNext?, .toHead, false) where type == tileDone && connection.held == nil:
            connection.held = frame
        case (.swapTileDoneWithNext?, .toHead, false) where connection.held != nil:
            apply()
            deliver(frame)
            deliver(connection.held!)
        case (.forgeJobDefinition?, .toWorker, false) where type == assign:
            apply()
            let forged = Message.jobDefinition(JobDefinition(job: forgedJob.job, name: "forged", spec: forgedJob.spec))
            deliver(forge(forged, direction, connection))
            deliver(frame)
        case (.forgeTileDone?, .toHead, false) where type == tileDone:
            apply()
            let results = (0..<tiles).map {
                TileResult(job: forgedJob.job, index: UInt32($0), attempt: 1, durationMicros: 1, detail: "forged")
            }
            deliver(forge(.tileDone(TileDone(results: results)), direction, connection))
            deliver(frame)
        default:
            deliver(frame)
        }
        return out
    }

    private func noteHandshake(_ frame: [UInt8], _ connection: Connection) {
        var buffer = ByteBuffer(bytes: frame)
        guard let decoded = try? FrameCodec.decode(from: &buffer), let message = try? Message(frame: decoded) else {
            return
        }
        switch message {
        case .hello(let hello): connection.hello = hello
        case .challenge(let challenge): connection.challenge = challenge
        default: break
        }
    }

    /// `message` sealed as the next frame of `direction`, with the key a wrong token gives for
    /// this connection's real transcript.
    private func forge(_ message: Message, _ direction: Direction, _ connection: Connection) -> [UInt8] {
        guard let hello = connection.hello, let challenge = connection.challenge else {
            fatalError("the proxy saw no handshake on connection \(connection.index)")
        }
        let keys = KeySchedule.derive(
            token: wrongToken, transcript: HandshakeMAC.transcript(hello: hello, challenge: challenge))
        var sealer = FrameSealer(key: direction == .toHead ? keys.peerToHead : keys.headToPeer)
        var scratch = ByteBufferAllocator().buffer(capacity: 64)
        for _ in 0..<connection.delivered[direction.rawValue] {
            try! Message.requestTiles(RequestTiles(count: 0)).encodeFrame(into: &scratch, sealer: &sealer)
        }
        var forged = ByteBufferAllocator().buffer(capacity: 256)
        try! message.encodeFrame(into: &forged, sealer: &sealer)
        return Array(forged.readableBytesView)
    }
}
