import Dashboard
import Foundation
import GrowBase
import Logging
import NIOCore
import NIOPosix
import Wire

/// The coordinator's hands on the head's one event loop: it numbers connections, feeds the
/// coordinator what happens, and carries out its actions. Sends and closes happen here; the
/// journal writes on its own thread; everything that may block (folders, listings, records,
/// final steps) goes to the thread pool or the records queue and comes back as an input. So a
/// slow disk or bucket never delays a heartbeat.
final class HeadShell {
    let loop: any EventLoop
    private var coordinator: HeadCoordinator
    private var channels: [ConnectionID: any Channel] = [:]
    /// Who each connection's peer is and the token it proved (for closing it when that token is
    /// no longer accepted).
    private var peers: [ConnectionID: (name: String, token: ClusterToken?)] = [:]
    private var nextConnectionID: ConnectionID = 1
    /// Channels written to while handling the current input; flushed once at its end.
    private var touched: Set<ConnectionID> = []
    private let journal: Journal
    private let records: RecordsKeeper
    private let pool: NIOThreadPool
    /// The node provider's calls, when the head autoscales.
    private let provider: ProviderShell?
    let logger: Logger
    private var reportedJournalFailure = false
    /// Where the dashboard's events go, when it is on.
    private let dashboard: DashboardFeed?
    /// The head's metrics, when something serves them.
    let metrics: HeadMetrics?

    init(
        coordinator: HeadCoordinator, journal: Journal, records: RecordsKeeper, pool: NIOThreadPool,
        provider: ProviderShell? = nil, dashboard: DashboardFeed? = nil, metrics: HeadMetrics? = nil, logger: Logger,
        loop: any EventLoop
    ) {
        self.dashboard = dashboard
        self.metrics = metrics
        self.provider = provider
        self.coordinator = coordinator
        self.journal = journal
        self.records = records
        self.pool = pool
        self.logger = logger
        self.loop = loop
        execute(self.coordinator.takeStartActions())
    }

    static func now() -> HeadTime {
        HeadTime(monotonicMs: Clock.monotonicMs(), unixMs: Clock.unixMs())
    }

    /// A peer passed the handshake on `channel`.
    func connected(_ channel: any Channel, session: PeerSession) -> ConnectionID {
        let id = nextConnectionID
        nextConnectionID += 1
        channels[id] = channel
        peers[id] = (session.name, session.token)
        handle(.connected(id, role: session.role, name: session.name))
        return id
    }

    func disconnected(_ id: ConnectionID) {
        channels[id] = nil
        peers[id] = nil
        handle(.disconnected(id))
    }

    /// Closes every connection proven with a token not in `accepted` (the previous token, once
    /// its grace period after a rotation is over). Its peer reconnects with the current token,
    /// or is refused; its tiles are handled as after any dropped connection.
    func closeConnections(notProvenWith accepted: [ClusterToken]) {
        for (id, peer) in peers {
            guard let token = peer.token, !accepted.contains(token) else { continue }
            logger.warning(
                "closing a connection proven with a cluster token that is no longer accepted (rotated, grace period over)",
                metadata: ["peer": "\(peer.name)"])
            peers[id] = nil
            channels[id]?.close(promise: nil)
        }
    }

    func handle(_ input: HeadInput) {
        loop.preconditionInEventLoop()
        if case .tick = input, !reportedJournalFailure, let failure = journal.failure {
            // The journal stops writing after a failed write or fsync; say so loudly once. A
            // restarted head resumes from what reached the disk.
            reportedJournalFailure = true
            logger.critical("the journal can no longer be written; progress from now on is not durable: \(failure)")
        }
        execute(coordinator.handle(input, at: Self.now()))
        if case .progressTick = input, let metrics { metrics.update(coordinator.metricsSnapshot()) }
    }

    private func execute(_ actions: [HeadAction]) {
        for action in actions { execute(action) }
        for id in touched { channels[id]?.flush() }
        touched.removeAll(keepingCapacity: true)
    }

    private func execute(_ action: HeadAction) {
        switch action {
        case .send(let message, let id):
            guard let channel = channels[id] else { return }
            channel.write(message, promise: nil)
            touched.insert(id)
        case .close(let id):
            channels[id]?.close(promise: nil)
        case .journal(let record):
            journal.append(record)
            if let metrics, case .tileFinished(_, _, _, let micros, _) = record {
                metrics.tileDuration.recordMicroseconds(micros)
            }
        case .prepareJob(let job, let spec, let place):
            let logger = self.logger
            let records = self.records
            offLoop {
                let (folder, result) = JobPreparer.prepare(job, spec, records: place, logger: logger)
                if let folder { records.adopt(folder, for: job) }
                return .jobPrepared(job, result)
            }
        case .reopenRecords(let job, let spec, let place):
            records.reopen(job, place, settings: spec.storageSettings)
        case .appendLog(let job, let lines, let time):
            records.append(job, lines, at: time)
        case .flushLogs:
            records.flushAll()
        case .finalize(let job, let step):
            offLoop { .finalizationEnded(job, step.run()) }
        case .writeFinalRecords(let job, let final):
            let bound = NIOLoopBound(self, eventLoop: loop)
            let loop = self.loop
            records.writeFinal(job, final) { error in
                loop.execute { bound.value.handle(.finalRecordsWritten(job, error: error)) }
            }
        case .log(let level, let message, let metadata):
            logger.log(level: level, "\(message)", metadata: metadata)
        case .provider(let call):
            let bound = NIOLoopBound(self, eventLoop: loop)
            provider?.run(call, on: loop) { event in bound.value.handle(.autoscaler(event)) }
        case .dashboard(let events):
            dashboard?.apply(events)
        }
    }

    /// Runs blocking work on the thread pool and hands its outcome back to the coordinator.
    private func offLoop(_ work: @escaping @Sendable () -> HeadInput) {
        let bound = NIOLoopBound(self, eventLoop: loop)
        pool.runIfActive(eventLoop: loop, work).whenSuccess { input in bound.value.handle(input) }
    }
}
