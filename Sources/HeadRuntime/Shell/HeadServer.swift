import Foundation
import GrowBase
import Logging
import NIOCore
import NIOPosix
import Wire

/// The head daemon: one event loop owns the coordinator (so nothing in it needs a lock), a TCP
/// listener with the protocol's handlers in front, timers for the scheduler's clock and for
/// progress, a thread pool for blocking work, and the journal.
package final class HeadServer: @unchecked Sendable {
    package let config: HeadConfig
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop
    private let pool: NIOThreadPool
    private let logger: Logger
    private var listener: (any Channel)?
    private var shell: NIOLoopBound<HeadShell>?
    private var timers: [RepeatedTask] = []
    private let journal: Journal
    private let recovered: JournalState
    private let records: RecordsKeeper
    private let provider: ProviderShell?

    /// Opens the state directory and replays the journal; `start` then binds.
    package init(config: HeadConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        pool = NIOThreadPool(numberOfThreads: 2)
        records = RecordsKeeper(logger: logger)
        provider = config.autoscaling.map {
            ProviderShell(provider: $0.provider, setup: $0.setup, logger: logger)
        }
        (journal, recovered) = try Journal.open(directory: config.stateDirectory)
        if let metrics = config.metrics {
            journal.observeSyncs { duration in metrics.journalFsync.record(duration: duration) }
        }
        if recovered.droppedTailBytes > 0 {
            logger.warning(
                "journal ended in a torn record; dropped it", metadata: ["bytes": "\(recovered.droppedTailBytes)"])
        }
    }

    /// Jobs the journal says were still running when the head last stopped.
    package var resumedJobs: Int {
        recovered.jobs.filter { !$0.isDone }.count
    }

    /// Binds and starts serving; returns the port actually bound (useful with port 0).
    package func start() async throws -> Int {
        pool.start()
        provider?.start()
        let config = self.config
        let (logger, journal, recovered, records, pool, loop, provider) = (
            self.logger, self.journal, self.recovered, self.records, self.pool, self.loop, self.provider
        )
        let tokens = HeadTokens(
            token: config.token, file: config.tokenFile, graceMs: config.tokenGraceMs, logger: logger)
        let shell: NIOLoopBound<HeadShell> = try await loop.submit {
            let coordinator = HeadCoordinator(
                config: config.coordinator, recovered: recovered, now: HeadShell.now())
            let shell = HeadShell(
                coordinator: coordinator, journal: journal, records: records, pool: pool, provider: provider,
                dashboard: config.dashboard, metrics: config.metrics, logger: logger, loop: loop)
            return NIOLoopBound(shell, eventLoop: loop)
        }.get()
        self.shell = shell
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let metrics = config.metrics {
                        try channel.pipeline.syncOperations.addHandler(WireByteCounter(metrics: metrics))
                    }
                    let handshake = ServerHandshake(
                        tokens: tokens.accepted(atUnixMs: Clock.unixMs()), headName: config.name,
                        sessionID: UInt64.random(in: 1...UInt64.max), heartbeatIntervalMs: config.heartbeatIntervalMs)
                    try WirePipeline.addServerHandlers(
                        to: channel.pipeline.syncOperations, handshake: handshake, limits: config.limits,
                        timeout: config.handshakeTimeout, logger: logger)
                    // The group has one loop, so every child channel runs on the shell's loop.
                    try channel.pipeline.syncOperations.addHandler(HeadConnectionHandler(shell: shell.value))
                }
            }
            .bind(host: config.host, port: config.port).get()
        listener = channel
        timers.append(
            loop.scheduleRepeatedTask(initialDelay: config.tickInterval, delay: config.tickInterval) { _ in
                shell.value.handle(.tick)
            })
        timers.append(
            loop.scheduleRepeatedTask(initialDelay: config.progressInterval, delay: config.progressInterval) { _ in
                shell.value.handle(.progressTick)
            })
        // Rotations: the files are read on the thread pool, connections closed on the loop.
        timers.append(
            loop.scheduleRepeatedTask(initialDelay: config.tokenReloadInterval, delay: config.tokenReloadInterval) {
                _ in
                pool.runIfActive(eventLoop: loop) {
                    tokens.refresh(atUnixMs: Clock.unixMs(), logger: logger)
                }.whenSuccess {
                    shell.value.closeConnections(notProvenWith: tokens.accepted(atUnixMs: Clock.unixMs()))
                }
            })
        let port = channel.localAddress?.port ?? config.port
        logger.info(
            "head listening", metadata: ["address": "\(config.host):\(port)", "state": "\(config.stateDirectory)"])
        return port
    }

    /// Stops listening, tells workers (when asked), writes what the records hold, makes the
    /// journal durable.
    package func stop(stopWorkers: Bool) async throws {
        for timer in timers { timer.cancel() }
        timers = []
        if let shell {
            try await loop.submit { shell.value.handle(.shutdown(stopWorkers: stopWorkers)) }.get()
            // Give the Shutdown frames a moment to leave before the sockets close.
            try await Task.sleep(for: .milliseconds(100))
        }
        try await listener?.close()
        await records.drain()
        journal.sync()
        journal.close()
        try await pool.shutdownGracefully()
        try await provider?.shutdown()
        try await group.shutdownGracefully()
    }
}
