import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Wire
import XCTest

@testable import HeadRuntime

/// The head stopping its workers (`grow-head run` at the end, SIGTERM): every worker connection
/// hears Shutdown before the head closes it, registered or not, so no worker takes the close for
/// a lost head and tries to reconnect.
final class HeadShutdownTests: XCTestCase {
    private var directory = ""
    private var journal: Journal?
    private var state: HeadState!
    private let loop = EmbeddedEventLoop()

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "grow-head-shutdown-tests-" + UUID().uuidString
        let (journal, recovered) = try Journal.open(directory: directory)
        self.journal = journal
        let config = HeadConfig(stateDirectory: directory, token: try ClusterToken(secret: "head shutdown tests"))
        state = HeadState(
            config: config, journal: journal, recovered: recovered, logger: Logger(label: "head-under-test"), loop: loop
        )
    }

    override func tearDownWithError() throws {
        journal?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func connect(_ name: String, as role: PeerRole) throws -> (EmbeddedChannel, PeerConnection) {
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000)).wait()
        let connection = PeerConnection(
            channel: channel,
            session: PeerSession(role: role, name: name, version: 1, sessionID: 1, heartbeatIntervalMs: 1000))
        state.connected(connection)
        return (channel, connection)
    }

    private func register(_ id: String) -> Message {
        .registerWorker(
            RegisterWorker(
                workerID: id, incarnation: 1, host: "test", cpus: 1, memoryBytes: 1 << 30, slots: 1,
                version: "grow 0.1", running: []))
    }

    private let shutdown = Message.shutdown(Shutdown(reason: "head stopping", graceful: true))

    func testStoppingTellsEveryWorkerConnectionRegisteredOrNotAndNoClient() throws {
        let (registeredChannel, registered) = try connect("w1", as: .worker)
        state.received(register("w1"), from: registered)
        XCTAssertNil(try registeredChannel.readOutbound(as: Message.self), "no job, nothing to say yet")
        let (unregisteredChannel, _) = try connect("w2", as: .worker)
        let (clientChannel, _) = try connect("client", as: .client)

        state.shutdown(stopWorkers: true)
        XCTAssertEqual(try registeredChannel.readOutbound(as: Message.self), shutdown)
        XCTAssertEqual(try unregisteredChannel.readOutbound(as: Message.self), shutdown)
        XCTAssertNil(try clientChannel.readOutbound(as: Message.self))
    }

    func testAWorkerRegisteringWhileTheHeadStopsIsToldToStopAndNotTaken() throws {
        state.shutdown(stopWorkers: true)
        let (channel, late) = try connect("late", as: .worker)
        state.received(register("late"), from: late)
        XCTAssertEqual(try channel.readOutbound(as: Message.self), shutdown)
        XCTAssertEqual(state.workerSummaries(), [])

        // What it sent after its registration is dropped, not a protocol error closing it.
        state.received(.requestTiles(RequestTiles(count: 3)), from: late)
        XCTAssertNil(try channel.readOutbound(as: Message.self))
        XCTAssertTrue(channel.isActive)
    }

    func testKeepingWorkersTellsThemNothing() throws {
        let (channel, worker) = try connect("w1", as: .worker)
        state.received(register("w1"), from: worker)
        state.shutdown(stopWorkers: false)
        XCTAssertNil(try channel.readOutbound(as: Message.self))
    }
}
