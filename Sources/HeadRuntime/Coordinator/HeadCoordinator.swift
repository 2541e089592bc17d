import Autoscaler
import Dashboard
import Foundation
import GrowJob
import JobRecords
import Logging
import TileScheduler
import Wire

/// The head's logic: messages and time in, actions out. It owns the scheduler, the workers, the
/// jobs and the client sessions, and decides what to send, journal and record; it does no IO and
/// reads no clock, so the same inputs always give the same actions. `HeadShell` feeds it on the
/// head's event loop and carries the actions out.
///
///     var coordinator = HeadCoordinator(config: config, recovered: journalState, now: time)
///     let actions = coordinator.handle(.received(message, from: connection), at: time)
package struct HeadCoordinator {
    let config: CoordinatorConfig
    var scheduler: Scheduler
    var jobs: [JobID: HeadJob] = [:]
    /// Accepted jobs in submission order.
    var jobOrder: [JobID] = []
    /// Submitted jobs whose preparation runs off the loop, with who submitted them.
    var preparing: [JobID: PendingJob] = [:]
    var nextJobID: JobID
    var workers: [WorkerID: WorkerRecord] = [:]
    var workerIDsByKey: [String: WorkerID] = [:]
    var nextWorkerID: WorkerID = 1
    var connections: [ConnectionID: ConnectionRecord] = [:]
    /// After a restart with unfinished jobs, tiles are handed out only once this (monotonic) time
    /// has passed, so workers that kept running while the head was away can reconnect first and
    /// report what they finished; otherwise another worker would run those tiles again.
    var holdAssignmentsUntilMs: UInt64 = 0
    var deferredRequests: [WorkerID: Int] = [:]
    /// The head is stopping and has told its workers so.
    var workersStopped = false
    /// Sizes the cluster when the head has a node provider; nil otherwise.
    var autoscaler: Autoscaler?
    var nextAutoscaleMs: UInt64 = 0
    /// Workers that held tiles when the autoscaler was last told.
    var busyWorkers: Set<WorkerID> = []

    var now: HeadTime
    /// The actions of the input being handled.
    var actions: [HeadAction] = []
    /// The dashboard's events of the input being handled (only with `config.dashboard`).
    var dashboardEvents: [DashboardEvent] = []
    /// Tiles finished during the input being handled, with who ran them and for how long (only
    /// with `config.dashboard`).
    var finishedTiles: [TileChange] = []

    /// A head that starts on its journal: unfinished jobs resume (their records reopen through
    /// the returned actions of the first `handle`), finished ones are kept for `status`.
    package init(config: CoordinatorConfig, recovered: JournalState, now: HeadTime) {
        self.config = config
        self.now = now
        scheduler = Scheduler(config: config.scheduler)
        scheduler.tracksChanges = config.dashboard
        autoscaler = config.autoscaler.map { Autoscaler(config: $0) }
        nextJobID = max(recovered.nextJobID, 1)
        for job in recovered.jobs { recover(job) }
        if recovered.jobs.contains(where: { !$0.isDone }) {
            holdAssignmentsUntilMs = now.monotonicMs + config.resumeGraceMs
        }
    }

    /// Applies one input observed at `time` and returns what to do, in order.
    package mutating func handle(_ input: HeadInput, at time: HeadTime) -> [HeadAction] {
        now = time
        switch input {
        case .connected(let id, let role, let name):
            connections[id] = ConnectionRecord(role: role, name: name)
        case .disconnected(let id):
            disconnected(id)
        case .received(let message, let id):
            received(message, from: id)
        case .tick:
            tick()
        case .progressTick:
            sendProgress()
        case .jobPrepared(let job, let result):
            prepared(job, result)
        case .finalizationEnded(let job, let outcome):
            writeFinalRecords(job, finalization: outcome)
        case .finalRecordsWritten(let job, let error):
            finalRecordsWritten(job, error: error)
        case .shutdown(let stopWorkers):
            shutdown(stopWorkers: stopWorkers)
        case .autoscaler(let event):
            autoscale(event)
        }
        journalChangedCounters()
        flushDashboardEvents()
        defer { actions = [] }
        return actions
    }

    /// The actions of the start itself (reopening the records of resumed jobs).
    package mutating func takeStartActions() -> [HeadAction] {
        flushDashboardEvents()
        defer { actions = [] }
        return actions
    }

    // MARK: - Helpers for the extensions

    mutating func send(_ message: Message, to connection: ConnectionID) {
        actions.append(.send(message, to: connection))
    }

    mutating func log(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata = [:]) {
        actions.append(.log(level, message, metadata))
    }

    /// A line for the job's pipeline.log.
    mutating func record(_ job: JobID, _ lines: String...) {
        actions.append(.appendLog(job, lines, at: Date(timeIntervalSince1970: Double(now.unixMs) / 1000)))
    }

    mutating func protocolError(_ text: String, on id: ConnectionID) {
        guard let connection = connections[id] else { return }
        log(.warning, "protocol error, closing connection", ["peer": "\(connection.name)", "error": "\(text)"])
        if connection.role == .client {
            send(.errorReply(ErrorReply(code: .invalidRequest, message: text)), to: id)
        }
        actions.append(.close(id))
    }

    // MARK: - Messages

    mutating func received(_ message: Message, from id: ConnectionID) {
        guard let connection = connections[id] else { return }
        if let worker = connection.worker { workers[worker]?.lastHeardMs = now.monotonicMs }
        switch (connection.role, message) {
        case (.worker, .registerWorker(let registration)):
            registerWorker(registration, on: id)
        case (.worker, _) where connection.worker == nil && workersStopped:
            break  // told to stop before it registered: what it sends until it goes is moot
        case (.worker, _) where connection.worker == nil:
            protocolError("expected RegisterWorker first, got \(message.kind)", on: id)
        case (.worker, let message):
            guard let worker = connection.worker else { return }
            receivedFromWorker(message, worker: worker, on: id)
        case (.client, .submitJob(let submit)):
            submitJob(submit, from: id)
        case (.client, .queryJobs(let ref)):
            send(.jobStatus(Wire.JobStatus(jobs: summaries(ref.job))), to: id)
        case (.client, .watchJob(let ref)):
            watch(ref.job, from: id)
        case (.client, .cancelJob(let ref)):
            cancel(ref.job, from: id)
        case (.client, .listWorkers):
            send(.workerList(WorkerList(workers: workerSummaries())), to: id)
        default:
            protocolError("a \(connection.role) may not send \(message.kind)", on: id)
        }
    }

    // MARK: - Time

    mutating func tick() {
        schedule(.tick)
        autoscaleTick()
        if holdAssignmentsUntilMs > 0, now.monotonicMs >= holdAssignmentsUntilMs {
            holdAssignmentsUntilMs = 0
            log(.info, "resume grace over: handing out tiles", ["waiting workers": "\(deferredRequests.count)"])
            for (worker, count) in deferredRequests.sorted(by: { $0.key < $1.key })
            where workers[worker]?.connection != nil {
                schedule(.tilesRequested(worker: worker, freeSlots: count))
            }
            deferredRequests = [:]
        }
    }

    mutating func sendProgress() {
        for (id, connection) in connections.sorted(by: { $0.key < $1.key }) where !connection.watching.isEmpty {
            let list = connection.watching.sorted().compactMap { jobs[$0].map(summary(of:)) }
            send(.jobStatus(Wire.JobStatus(jobs: list)), to: id)
        }
        actions.append(.flushLogs)
        noteDashboardWorkers()
    }

    static let stopping = Message.shutdown(Shutdown(reason: "head stopping", graceful: true))

    /// Stopping: tell the workers (unless they are to keep running their queues), registered or
    /// not yet: they all see the connection close next and should not take it for a lost head.
    mutating func shutdown(stopWorkers: Bool) {
        guard stopWorkers else { return }
        workersStopped = true
        for (id, connection) in connections.sorted(by: { $0.key < $1.key }) where connection.role == .worker {
            send(Self.stopping, to: id)
        }
    }
}
