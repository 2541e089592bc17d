import NIOCore
import NIOEmbedded
import Synchronization
import Wire
import WorkerRuntime

/// A wait for something the worker should do, failed after a generous time instead of hanging.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `probe` until it returns a value. Only waits: what the value must be is for the test to
/// assert, so a slow machine makes a test slower, never wrong.
func eventually<T>(_ what: String, seconds: Double = 10, _ probe: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// Turns each flush into one outbound element, the messages of that write: the worker sends
/// everything of one `write(contentsOf:)` in one flush, so a test can check what goes out together.
final class FlushRecorder: ChannelOutboundHandler {
    typealias OutboundIn = Message
    typealias OutboundOut = [Message]

    private var pending: [Message] = []
    private var promises: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        pending.append(unwrapOutboundIn(data))
        if let promise { promises.append(promise) }
    }

    func flush(context: ChannelHandlerContext) {
        if !pending.isEmpty {
            let written = context.write(wrapOutboundOut(pending))
            for promise in promises { written.cascade(to: promise) }
            pending = []
            promises = []
        }
        context.flush()
    }
}

/// The head's end of one in-memory connection.
final class HeadEnd: Sendable {
    let channel: NIOAsyncTestingChannel

    init(channel: NIOAsyncTestingChannel) {
        self.channel = channel
    }

    /// The worker's next write (one flush), without heartbeats: they come on their own timer, so
    /// a write of only heartbeats is skipped and heartbeats are taken out of the others.
    func nextWrite(_ what: String = "a write from the worker") async throws -> [Message] {
        while true {
            let write = try await nextWriteIncludingHeartbeats(what)
            let rest = write.filter { $0.kind != .heartbeat }
            if !rest.isEmpty { return rest }
        }
    }

    /// Results' durations are the worker's own measurement: they are taken out of the messages
    /// (set to 0, so tests can compare the rest exactly) and kept here, in order.
    let measuredDurations = Mutex<[UInt64]>([])

    func nextWriteIncludingHeartbeats(_ what: String = "a write from the worker") async throws -> [Message] {
        let write = try await eventually(what) { try await channel.readOutbound(as: [Message].self) }
        return write.map { message in
            switch message {
            case .tileDone(var done):
                for position in done.results.indices {
                    measuredDurations.withLock { $0.append(done.results[position].durationMicros) }
                    done.results[position].durationMicros = 0
                }
                return .tileDone(done)
            case .tileFailed(var failed):
                for position in failed.failures.indices {
                    measuredDurations.withLock { $0.append(failed.failures[position].durationMicros) }
                    failed.failures[position].durationMicros = 0
                }
                return .tileFailed(failed)
            default:
                return message
            }
        }
    }

    /// The next heartbeat the worker sends, skipping anything else.
    func nextHeartbeat() async throws -> Heartbeat {
        while true {
            for message in try await nextWriteIncludingHeartbeats("a heartbeat") {
                if case .heartbeat(let heartbeat) = message { return heartbeat }
            }
        }
    }

    /// Collects TilesStarted writes until `tiles` have all started: the slots start tiles
    /// concurrently, so one batch or several are both right. Anything else in them is an error.
    func expectStarted(job: UInt32, _ tiles: Set<TileAssignment>) async throws -> [Message] {
        var started: Set<TileAssignment> = []
        var writes: [Message] = []
        while started != tiles {
            let write = try await nextWrite("TilesStarted for \(tiles)")
            writes += write
            for message in write {
                guard case .tilesStarted(let batch) = message, batch.job == job else {
                    throw Unexpected(message: message, while: "waiting for TilesStarted of \(tiles)")
                }
                started.formUnion(batch.tiles)
            }
        }
        return writes
    }

    func send(_ messages: Message...) async throws {
        for message in messages { try await channel.writeInbound(message) }
    }

    /// What a head going away looks like to the worker: the connection closes.
    func close() async throws {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {
            // The worker was first (it ends on Shutdown when idle): closed is closed.
        }
    }

    /// Whatever the worker wrote that no test read yet, heartbeats left out.
    func unreadWrites() async throws -> [[Message]] {
        var writes: [[Message]] = []
        while let write = try await channel.readOutbound(as: [Message].self) {
            let rest = write.filter { $0.kind != .heartbeat }
            if !rest.isEmpty { writes.append(rest) }
        }
        return writes
    }
}

struct Unexpected: Error, CustomStringConvertible {
    var message: Message
    var `while`: String
    var description: String { "unexpected \(message) \(`while`)" }
}

/// Hands the worker the connections the test opens, in order: `connect()` waits until the test
/// has accepted one (or planned a failure), so the test decides when a reconnect succeeds.
final class TestConnector: HeadConnector {
    private enum Plan {
        case accept(WireConnection)
        case fail(any Error & Sendable)
    }

    private struct State {
        var attempts = 0
        var tokens: [ClusterToken] = []
        var plans: [Plan] = []
    }

    private let state = Mutex(State())

    /// Calls of `connect()` so far, the one waiting included.
    var attempts: Int { state.withLock { $0.attempts } }
    /// The token each call of `connect(token:)` was given, in order.
    var tokens: [ClusterToken] { state.withLock { $0.tokens } }

    /// The next connection the worker makes. `heartbeatIntervalMs` is the head's: a long one
    /// keeps heartbeats (and the idle worker's repeated RequestTiles) out of a test.
    func accept(heartbeatIntervalMs: UInt32 = 60_000) async throws -> HeadEnd {
        let channel = NIOAsyncTestingChannel()
        let wrapped = try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(FlushRecorder())
            return try NIOAsyncChannel<Message, Message>(wrappingChannelSynchronously: channel)
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).get()
        let session = PeerSession(
            role: .worker, name: "test-head", version: ProtocolVersion.supported.upperBound, sessionID: 1,
            heartbeatIntervalMs: heartbeatIntervalMs)
        state.withLock { $0.plans.append(.accept(WireConnection(channel: wrapped, session: session))) }
        return HeadEnd(channel: channel)
    }

    /// The next connection attempt fails with `error`.
    func fail(with error: any Error & Sendable) {
        state.withLock { $0.plans.append(.fail(error)) }
    }

    func connect(token: ClusterToken) async throws -> WireConnection {
        state.withLock {
            $0.attempts += 1
            $0.tokens.append(token)
        }
        while true {
            let plan = state.withLock { state -> Plan? in
                state.plans.isEmpty ? nil : state.plans.removeFirst()
            }
            switch plan {
            case .accept(let connection): return connection
            case .fail(let error): throw error
            case nil: try await Task.sleep(for: .milliseconds(2))  // throws once the worker is cancelled
            }
        }
    }
}
