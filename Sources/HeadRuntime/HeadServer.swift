
import Logging
import NIOCore
import NIOPosix
import Wire

/// The head daemon: one event loop owns all state (so the scheduler needs no locks), a TCP
/// listener with the protocol's handlers in front, and timers for the scheduler's clock and for
/// progress updates.
package final class HeadServer: @unchecked Sendable {
    package let config: HeadConfig
    private let group: MultiThreadedEventLoopGroup
    private let loop: EventLoop
    private let logger: Logger
    private var listener: Channel?
    private var state: NIOLoopBound<HeadState>?
    private var timers: [RepeatedTask] = []
    private let journal: Journal
    private let recovered: JournalState

    /// Opens the state directory and replays the journal; `start` then binds.
    package init(config: HeadConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        (journal, recovered) = try Journal.open(directory: config.stateDirectory)
        if recovered.droppedTailBytes > 0 {
            logger.warning(
                "journal ended in a torn record; dropped it", metadata: ["bytes": "\(recovered.droppedTailBytes)"])
        }
    }

    /// Jobs the journal says were still running when the head last stopped.
    package var resumedJobs: Int {
        recovered.jobs.filter { $0.finishedUnixMs == nil && $0.cancelledUnixMs == nil }.count
    }

    /// Binds and starts serving; returns the port actually bound (useful with port 0).
    package func start() async throws -> Int {
        let config = self.config
        let logger = self.logger
        let journal = self.journal
        let recovered = self.recovered
        let boundState: NIOLoopBound<HeadState> = try await loop.submit {
            let state = HeadState(config: config, journal: journal, recovered: recovered, logger: logger, loop: self.loop)
            return NIOLoopBound(state, eventLoop: self.loop)
        }.get()
        state = boundState
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = ServerHandshake(
                        token: config.token, headName: config.name, sessionID: UInt64.random(in: 1...UInt64.max),
                        heartbeatIntervalMs: config.heartbeatIntervalMs)
                    try WirePipeline.addServerHandlers(
                        to: channel.pipeline.syncOperations, handshake: handshake, limits: config.limits,
                        timeout: config.handshakeTimeout, logger: logger)
                    // The group has one loop, so every child channel runs on the state's loop.
                    try channel.pipeline.syncOperations.addHandler(HeadConnectionHandler(state: boundState.value))
                }
            }
            .bind(host: config.host, port: config.port).get()
        listener = channel
        timers.append(
            loop.scheduleRepeatedTask(initialDelay: config.tickInterval, delay: config.tickInterval) { _ in
                boundState.value.tick()
            })
        timers.append(
            loop.scheduleRepeatedTask(initialDelay: config.progressInterval, delay: config.progressInterval) { _ in
                boundState.value.sendProgress()
            })
        let port = channel.localAddress?.port ?? config.port
        logger.info(
            "head listening", metadata: ["address": "\(config.host):\(port)", "state": "\(config.stateDirectory)"])
        return port
    }

    /// Stops listening, tells workers (when asked), makes the journal durable.
    package func stop(stopWorkers: Bool) async throws {
        for timer in timers { timer.cancel() }
        timers = []
        if let state {
            try await loop.submit { state.value.shutdown(stopWorkers: stopWorkers) }.get()
            // Give the Shutdown frames a moment to leave before the sockets close.
            try await Task.sleep(for: .milliseconds(100))
        }
        try await listener?.close()
        journal.close()
        try await group.shutdownGracefully()
    }
}
