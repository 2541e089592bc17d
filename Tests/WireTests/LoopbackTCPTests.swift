import Logging
import NIOCore
import NIOPosix
import XCTest

@testable import Wire

/// A head-shaped server on loopback: the real handshake handlers, then an app handler that
/// answers QueryJobs so a test can see that authenticated traffic flows.
final class LoopbackHead: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel: Channel
    var port: Int { channel.localAddress!.port! }

    final class App: ChannelInboundHandler {
        typealias InboundIn = Message
        typealias OutboundOut = Message
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .queryJobs(let ref) = unwrapInboundIn(data) {
                let summary = JobSummary(
                    job: ref.job, name: "echo", state: .running, total: 1, pending: 0, running: 1, done: 0, failed: 0,
                    quarantined: 0, retries: 0, submittedUnixMs: 0, finishedUnixMs: 0, recordsPath: "")
                context.writeAndFlush(wrapOutboundOut(.jobStatus(JobStatus(jobs: [summary]))), promise: nil)
            }
        }

        /// As the head does: a frame that does not decode (or open) ends the connection.
        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }

    init(token: ClusterToken, handshakeTimeout: TimeAmount, limits: WireLimits = .default) throws {
        let logger = Logger(label: "test-head")
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = ServerHandshake(
                        token: token, headName: "test-head", sessionID: 1, heartbeatIntervalMs: 1000)
                    try WirePipeline.addServerHandlers(
                        to: channel.pipeline.syncOperations, handshake: handshake, limits: limits,
                        timeout: handshakeTimeout,
                        logger: logger)
                    try channel.pipeline.syncOperations.addHandler(App())
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    func stop() throws {
        try channel.close().wait()
        try group.syncShutdownGracefully()
    }
}

/// A peer that speaks frames but does its own (or no) handshake.
struct RawPeer {
    let channel: NIOAsyncChannel<Message, Message>

    /// `encoder: false` leaves the outbound side raw, for writing bytes that are not frames.
    static func connect(port: Int, encoder: Bool = true) async throws -> RawPeer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MessageDecoder()))
                    if encoder {
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MessageEncoder()))
                    }
                    return try NIOAsyncChannel<Message, Message>(wrappingChannelSynchronously: channel)
                }
            }
        return RawPeer(channel: channel)
    }

    /// Sends `messages`, then collects what comes back until the head closes the connection.
    func sendAndCollectUntilClosed(_ messages: [Message], bytes: ByteBuffer? = nil) async throws -> [Message] {
        try await channel.executeThenClose { inbound, outbound in
            for message in messages { try await outbound.write(message) }
            if let bytes { try await channel.channel.writeAndFlush(bytes).get() }
            var received: [Message] = []
            do {
                for try await message in inbound { received.append(message) }
            } catch {
                // A reset counts as closed too.
            }
            return received
        }
    }
}

final class LoopbackTCPTests: XCTestCase {
    let token = try! ClusterToken(secret: "the-cluster-token-for-tests")
    var head: LoopbackHead!

    override func setUpWithError() throws {
        head = try LoopbackHead(token: token, handshakeTimeout: .milliseconds(500))
    }

    override func tearDownWithError() throws {
        try head.stop()
    }

    private func goodClientRoundTrip(job: UInt32) async throws {
        let connection = try await WireClient.connect(
            host: "127.0.0.1", port: head.port, token: token, role: .client, name: "good")
        XCTAssertEqual(connection.session.name, "test-head")
        try await connection.channel.executeThenClose { inbound, outbound in
            try await outbound.write(.queryJobs(JobRef(job: job)))
            var iterator = inbound.makeAsyncIterator()
            guard case .jobStatus(let status) = try await iterator.next() else { return XCTFail("no status reply") }
            XCTAssertEqual(status.jobs.first?.job, job)
        }
    }

    func testRightTokenPassesAndTrafficFlows() async throws {
        try await goodClientRoundTrip(job: 11)
    }

    /// TCP_NODELAY at the TCP level: `.socketOption(.tcp_nodelay)` is SOL_SOCKET's option 1,
    /// SO_DEBUG, which needs CAP_NET_ADMIN, so a worker in a container could not connect.
    func testTheClientSetsNoDelayNotSocketDebugging() async throws {
        let connection = try await WireClient.connect(
            host: "127.0.0.1", port: head.port, token: token, role: .client, name: "options")
        let channel = connection.channel.channel
        let noDelay = try await channel.getOption(.tcpOption(.tcp_nodelay)).get()
        let debugging = try await channel.getOption(.socketOption(.init(rawValue: SO_DEBUG))).get()
        try await channel.close()
        XCTAssertEqual(noDelay, 1)
        XCTAssertEqual(debugging, 0)
    }

    func testWrongTokenIsClosedWithAClearError() async throws {
        let wrong = try ClusterToken(secret: "not-the-cluster-token")
        do {
            _ = try await WireClient.connect(
                host: "127.0.0.1", port: head.port, token: wrong, role: .worker, name: "bad")
            XCTFail("a wrong token must not connect")
        } catch let error as WireError {
            XCTAssertEqual(error, .refusedByPeer(.authenticationFailed, "authentication failed"))
        }
        try await goodClientRoundTrip(job: 1)
    }

    func testReplayedProofIsClosed() async throws {
        // Record a real handshake's Hello and Proof.
        let peer = try await RawPeer.connect(port: head.port)
        var client = ClientHandshake(token: token, role: .worker, name: "recorded")
        let recordedProof: Message = try await peer.channel.executeThenClose { inbound, outbound in
            try await outbound.write(.hello(client.hello))
            var iterator = inbound.makeAsyncIterator()
            guard let challenge = try await iterator.next(), case .send(let proof) = client.receive(challenge) else {
                throw WireError.authenticationFailed("no challenge")
            }
            try await outbound.write(proof)
            guard case .welcome = try await iterator.next() else { throw WireError.authenticationFailed("no welcome") }
            return proof
        }
        // Replay them on a new connection, with a request behind: only a refusal comes back.
        let replay = try await RawPeer.connect(port: head.port)
        let received = try await replay.sendAndCollectUntilClosed([
            .hello(client.hello), recordedProof, .queryJobs(JobRef(job: 1)),
        ])
        XCTAssertEqual(received.count, 2, "\(received)")
        guard case .challenge = received.first, case .refused(let refused) = received.last else {
            return XCTFail("\(received)")
        }
        XCTAssertEqual(refused.reason, .authenticationFailed)
        try await goodClientRoundTrip(job: 2)
    }

    func testMessageBeforeHandshakeIsClosedUnanswered() async throws {
        let peer = try await RawPeer.connect(port: head.port)
        let received = try await peer.sendAndCollectUntilClosed([.queryJobs(JobRef(job: 5)), .listWorkers(Empty())])
        XCTAssertEqual(received, [.refused(Refused(reason: .protocolViolation, text: "protocol violation"))])
        try await goodClientRoundTrip(job: 3)
    }

    func testSilentPeerIsClosedAfterTheHandshakeTimeoutWhileOthersAreServed() async throws {
        let silent = try await RawPeer.connect(port: head.port)
        async let silentOutcome = silent.sendAndCollectUntilClosed([])
        // Good peers are served while the silent one hangs on.
        for job in 0..<5 { try await goodClientRoundTrip(job: UInt32(job)) }
        let received = try await silentOutcome
        XCTAssertEqual(received, [], "a silent peer gets nothing but a close")
    }

    func testGarbageAndOversizedFramesAreClosed() async throws {
        var garbage = ByteBufferAllocator().buffer(capacity: 64)
        garbage.writeString("GET / HTTP/1.1\r\nHost: head\r\n\r\n")
        let http = try await RawPeer.connect(port: head.port, encoder: false)
        let httpReply = try await http.sendAndCollectUntilClosed([], bytes: garbage)
        XCTAssertEqual(httpReply, [])

        var oversized = ByteBufferAllocator().buffer(capacity: 16)
        FrameHeader(flags: 0, type: Message.Kind.hello.rawValue, wireLength: UInt32.max, rawLength: UInt32.max)
            .write(at: 0, in: &oversized)
        oversized.moveWriterIndex(to: FrameHeader.size)
        let big = try await RawPeer.connect(port: head.port, encoder: false)
        let bigReply = try await big.sendAndCollectUntilClosed([], bytes: oversized)
        XCTAssertEqual(bigReply, [])
        try await goodClientRoundTrip(job: 4)
    }

    func testAVersionOnePeerIsRefusedWithTheReasonCodeOfOldOverTCP() async throws {
        let old = ClientHandshake(token: token, role: .worker, name: "v1 worker", versions: 1...1)
        let peer = try await RawPeer.connect(port: head.port)
        let received = try await peer.sendAndCollectUntilClosed([.hello(old.hello)])
        XCTAssertEqual(received, [.refused(Refused(reason: .noCommonVersion, text: "no common protocol version"))])
        try await goodClientRoundTrip(job: 5)
    }

    func testAFrameInClearAfterTheHandshakeClosesTheConnection() async throws {
        // A peer that proves the token but then speaks in clear (as version 1 did) gets nothing.
        let peer = try await RawPeer.connect(port: head.port)
        var client = ClientHandshake(token: token, role: .client, name: "clear")
        let received: [Message] = try await peer.channel.executeThenClose { inbound, outbound in
            try await outbound.write(.hello(client.hello))
            var iterator = inbound.makeAsyncIterator()
            guard let challenge = try await iterator.next(), case .send(let proof) = client.receive(challenge) else {
                throw WireError.authenticationFailed("no challenge")
            }
            try await outbound.write(proof)
            guard case .welcome = try await iterator.next() else { throw WireError.authenticationFailed("no welcome") }
            try await outbound.write(.queryJobs(JobRef(job: 1)))
            var after: [Message] = []
            do {
                while let message = try await iterator.next() { after.append(message) }
            } catch {
                // A reset counts as closed too.
            }
            return after
        }
        XCTAssertEqual(received, [], "no answer to a frame in clear")
        try await goodClientRoundTrip(job: 6)
    }

    func testAConnectionWhoseKeyIsUsedUpClosesAndTheNextGetsNewKeys() async throws {
        // Three frames a direction per key here: the fourth request cannot be sealed.
        let limits = WireLimits(sealedFramesPerKey: 3)
        let connection = try await WireClient.connect(
            host: "127.0.0.1", port: head.port, token: token, role: .client, name: "busy", limits: limits)
        let answered: Int = try await connection.channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var answers = 0
            do {
                for job in 0..<5 {
                    try await outbound.write(.queryJobs(JobRef(job: UInt32(job))))
                    guard try await iterator.next() != nil else { break }
                    answers += 1
                }
            } catch {
                // The sealer's refusal closes the connection; the write or the read says so.
            }
            return answers
        }
        XCTAssertEqual(answered, 3)
        try await goodClientRoundTrip(job: 7)
    }

    func testAForeignProtocolIsClosedOnItsFirstBytesNotAtTheHandshakeTimeout() async throws {
        let patient = try LoopbackHead(token: token, handshakeTimeout: .seconds(60))
        defer { try? patient.stop() }
        // A Redis PING is 14 bytes: less than a frame header, so only the early magic check can
        // turn it away; otherwise it would wait the minute out.
        var ping = ByteBufferAllocator().buffer(capacity: 16)
        ping.writeString("*1\r\n$4\r\nPING\r\n")
        let started = ContinuousClock.now
        let redis = try await RawPeer.connect(port: patient.port, encoder: false)
        let reply = try await redis.sendAndCollectUntilClosed([], bytes: ping)
        XCTAssertEqual(reply, [])
        XCTAssertLessThan(started.duration(to: .now), .seconds(30), "closed at the handshake timeout, not at once")
    }
}
