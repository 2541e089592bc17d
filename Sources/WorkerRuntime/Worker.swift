import Exec
import GrowBase
import GrowJob
import Logging
import NIOCore
import Wire

/// A worker: connects to the head (again and again, with backoff), registers, keeps a prefetch
/// queue, runs tiles in parallel slots, reports results in batches, heartbeats, and keeps working
/// while the head is away (results wait and are redelivered; the head drops duplicates).
package actor Worker {
    struct QueuedTile: Sendable {
        var job: UInt32
        var index: UInt32
        var attempt: UInt32
    }

    struct TileKey: Hashable {
        var job: UInt32
        var index: UInt32
    }

    /// Why `run` returned.
    package enum Ending: Sendable, Equatable {
        case drained
        case shutDownByHead(String)
        case refused(String)
    }

    let config: WorkerConfig
    let logger: Logger
    /// Runs the tiles: the command line gives the real executor, tests a stand-in.
    private let runner: any TileRunner
    /// Opens connections to the head: TCP by default, in-memory channels in tests.
    private let connector: any HeadConnector
    private let incarnation = Clock.unixMs()

    private var jobs: [UInt32: JobSpec] = [:]
    private var invalidJobs: [UInt32: String] = [:]
    private var queue: [QueuedTile] = []
    private var running: [TileKey: (attempt: UInt32, cancellation: TileCancellation)] = [:]
    /// Running tiles the head cancelled: their outcome is dropped.
    private var cancelledRunning: Set<TileKey> = []
    private var idleSlots: [CheckedContinuation<QueuedTile?, Never>] = []

    private var writer: NIOAsyncChannelOutboundWriter<Message>?
    /// The connection to the head, to drop it when the token changes.
    private var channel: (any Channel)?
    /// The token the next connection is proven with (read again from its file before each).
    private var token: ClusterToken
    /// The connection was dropped on purpose, to reconnect with a new token.
    private var reconnectingWithNewToken = false
    private var heartbeatIntervalMs: UInt64 = 1000
    private var startedBatch: [UInt32: [Wire.TileAssignment]] = [:]
    private var unsentResults: [TileResult] = []
    private var unsentFailures: [Wire.TileFailure] = []
    /// Result frames already written, kept for a while for redelivery after a reconnect.
    private var recentlySent: [(sentAtMs: UInt64, message: Message)] = []
    private var lastPruneMs: UInt64 = 0
    private var flushScheduled = false
    /// A RequestTiles is on its way or was answered with nothing yet; `requestedAtMs` lets the
    /// heartbeat ask again if the head stays silent.
    private var requestOutstanding = false
    private var requestedAtMs: UInt64 = 0
    /// The most tiles the head has had us hold at once.
    private var largestHolding = 0
    /// Tiles to ask for in the next flush (0: none).
    private var pendingRequest: UInt32 = 0

    /// Set when the worker stops taking tiles (drain, or the head's Shutdown): how `run` will end
    /// once the running tiles are reported.
    private var stopReason: Ending?
    private var stopping: Bool { stopReason != nil }
    private var ending: Ending?
    private var endWaiters: [CheckedContinuation<Void, Never>] = []
    /// Ends a drain at its deadline even if tiles still run; cancelled when the worker ends first.
    private var drainDeadline: Task<Void, Never>?
    /// When the provider recommended moving off this machine (Unix ms; 0: not).
    private var rebalanceNoticeUnixMs: UInt64 = 0

    /// `connector` defaults to TCP to `config.host:config.port` with `config.token`.
    package init(config: WorkerConfig, runner: any TileRunner, logger: Logger, connector: (any HeadConnector)? = nil) {
        self.config = config
        self.token = config.token
        self.runner = runner
        self.logger = logger
        self.connector = connector ?? TCPHeadConnector(config: config)
    }

    /// What the worker holds at one moment: lets tests wait for a state instead of sleeping.
    package struct Snapshot: Sendable, Equatable {
        package var connected: Bool
        package var running: Int
        package var queued: Int
        package var idleSlots: Int

        package init(connected: Bool, running: Int, queued: Int, idleSlots: Int) {
            self.connected = connected
            self.running = running
            self.queued = queued
            self.idleSlots = idleSlots
        }
    }

    package var snapshot: Snapshot {
        Snapshot(connected: writer != nil, running: running.count, queued: queue.count, idleSlots: idleSlots.count)
    }

    // MARK: - Life cycle

    /// Runs until drained, shut down by the head, or refused (wrong token: exit code 2).
    package func run() async -> Ending {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<config.slots {
                group.addTask { await self.slotLoop() }
            }
            group.addTask { await self.connectionLoop() }
            group.addTask { await self.heartbeatLoop() }
            await waitForEnding()
            group.cancelAll()
            wakeIdleSlots()
        }
        return ending ?? .drained
    }

    /// SIGTERM or a spot interruption notice: tell the head, stop starting tiles, finish the
    /// running ones that can finish by `deadlineUnixMs` (default: now + the drain grace), report
    /// them, then end. At the deadline whatever still runs is stopped (the head reissues it then)
    /// and the worker ends. `terminationUnixMs` is when the machine itself goes, for the head.
    package func drain(
        reason: String, deadlineUnixMs: UInt64? = nil, cause: Drain.Cause = .shutdown, terminationUnixMs: UInt64 = 0
    ) async {
        guard !stopping else { return }
        stopReason = .drained
        let now = Clock.unixMs()
        let deadline = deadlineUnixMs ?? now + config.drainGraceMs
        logger.info(
            "draining",
            metadata: [
                "reason": "\(reason)", "running": "\(running.count)", "queued": "\(queue.count)",
                "seconds to the deadline": "\(deadline > now ? (deadline - now) / 1000 : 0)",
            ])
        // The queue stays until the head's Revoke takes it back (or the connection closes, which
        // returns it too); the slots just stop taking from it.
        await send([
            .drain(Drain(deadlineUnixMs: deadline, reason: reason, cause: cause, terminationUnixMs: terminationUnixMs))
        ])
        wakeIdleSlots()
        let waitMs = deadline > now ? deadline - now : 0
        drainDeadline = Task {
            guard (try? await Task.sleep(for: .milliseconds(Int64(waitMs)))) != nil else { return }
            self.deadlinePassed()
        }
        await endIfIdle()
    }

    /// The drain's deadline: tiles still running cannot finish here. The head reissues them at
    /// the same moment; their outcome here is dropped and their processes stopped.
    private func deadlinePassed() {
        if !running.isEmpty {
            logger.warning(
                "drain deadline reached; stopping the tiles still running (the head runs them elsewhere)",
                metadata: ["tiles": "\(running.count)"])
        }
        for (key, entry) in running {
            cancelledRunning.insert(key)
            entry.cancellation.cancel()
        }
        end(.drained)
    }

    /// The provider recommends moving off this machine (EC2's rebalance recommendation): the
    /// head hears it at once and with every heartbeat after, so it can start a replacement.
    package func noteRebalance(noticeUnixMs: UInt64) async {
        guard rebalanceNoticeUnixMs == 0 else { return }
        rebalanceNoticeUnixMs = max(1, noticeUnixMs)
        logger.info("rebalance recommendation: telling the head")
        await send([.heartbeat(currentHeartbeat())])
    }

    private func currentHeartbeat() -> Heartbeat {
        let heartbeat = Heartbeat(
            busySlots: UInt32(running.count), queuedTiles: UInt32(queue.count), load: ProcessStats.loadAverage(),
            rssBytes: ProcessStats.residentBytes(), rebalanceNoticeUnixMs: rebalanceNoticeUnixMs)
        if let metrics = config.metrics {
            metrics.busySlots.record(Int(heartbeat.busySlots))
            metrics.queuedTiles.record(Int(heartbeat.queuedTiles))
            metrics.rssBytes.record(Int(heartbeat.rssBytes))
            metrics.load.record(heartbeat.load)
            metrics.connected.record(writer != nil ? 1 : 0)
        }
        return heartbeat
    }

    private func waitForEnding() async {
        if ending != nil { return }
        await withCheckedContinuation { endWaiters.append($0) }
    }

    private func end(_ reason: Ending) {
        guard ending == nil else { return }
        ending = reason
        drainDeadline?.cancel()
        for waiter in endWaiters { waiter.resume() }
        endWaiters = []
    }

    /// A stopping worker ends once nothing runs and every result has been handed to the socket.
    private func endIfIdle() async {
        guard let stopReason, running.isEmpty else { return }
        await flush()
        if unsentResults.isEmpty && unsentFailures.isEmpty || writer == nil { end(stopReason) }
    }

    // MARK: - Connection

    private func connectionLoop() async {
        var backoffMs = config.reconnectInitialMs
        while ending == nil {
            do {
                if readTokenFile() { logger.info("the cluster token file changed: connecting with the new token") }
                let connection = try await connector.connect(token: token)
                backoffMs = config.reconnectInitialMs
                channel = connection.channel.channel
                try await connection.channel.executeThenClose { inbound, outbound in
                    await self.attach(outbound, session: connection.session)
                    for try await message in inbound {
                        await self.handle(message)
                        if self.ending != nil { break }
                    }
                }
                detach()
                if connectionEndIsExpected { return }
                if reconnectingWithNewToken {
                    reconnectingWithNewToken = false
                    continue
                }
                logger.warning("connection to the head closed; reconnecting")
                config.metrics?.reconnects.increment()
            } catch WireError.refusedByPeer(let reason, let text)
                where reason == .authenticationFailed || reason == .noCommonVersion
            {
                let message =
                    "the head at \(config.host):\(config.port) refused this worker: \(text)"
                    + (reason == .authenticationFailed ? " (is the cluster token the head's?)" : "")
                end(.refused(message))
                return
            } catch let error as WireError {
                if case .authenticationFailed = error {
                    end(
                        .refused(
                            "the head at \(config.host):\(config.port) failed to prove the cluster token: \(error)"))
                    return
                }
                detach()
                reconnectingWithNewToken = false
                if connectionEndIsExpected { return }
                logger.warning(
                    "connection to the head failed; retrying",
                    metadata: ["error": "\(error)", "retry in ms": "\(backoffMs)"])
            } catch {
                detach()
                reconnectingWithNewToken = false
                if connectionEndIsExpected { return }
                logger.warning(
                    "connection to the head failed; retrying",
                    metadata: ["error": "\(error)", "retry in ms": "\(backoffMs)"])
            }
            try? await Task.sleep(for: .milliseconds(Int64(backoffMs)))
            backoffMs = min(config.reconnectMaxMs, backoffMs * 2)
        }
    }

    /// Whether a connection that just ended was meant to: the worker is ending (its own break, or
    /// `run` cancelling the read), or the head sent Shutdown and is going away. Then the worker
    /// neither warns nor dials again; running tiles still finish (slotLoop ends the worker, with
    /// results it can no longer deliver dropped, as there is no head to take them).
    private var connectionEndIsExpected: Bool {
        if ending != nil { return true }
        if case .shutDownByHead = stopReason { return true }
        return false
    }

    private func attach(_ outbound: NIOAsyncChannelOutboundWriter<Message>, session: PeerSession) async {
        writer = outbound
        heartbeatIntervalMs = UInt64(max(session.heartbeatIntervalMs, 50))
        // Tiles queued but not started go back to the head's pool on a reconnect: the head
        // keeps only what still runs here.
        queue.removeAll()
        requestOutstanding = false
        let held = running.map { TileRun(job: $0.key.job, index: $0.key.index, attempt: $0.value.attempt) }
        let register = RegisterWorker(
            workerID: config.workerID, incarnation: incarnation, host: ProcessStats.hostName(),
            cpus: UInt32(ProcessStats.cpuCount()), memoryBytes: ProcessStats.memoryBytes(), slots: UInt32(config.slots),
            version: "grow 0.1", running: held, nodeID: config.nodeID)
        lastPruneMs = 0
        pruneRecentlySent(now: Clock.monotonicMs())
        let redeliver = recentlySent.map(\.message)
        logger.info(
            "connected to the head",
            metadata: [
                "head": "\(session.name)", "still running": "\(held.count)", "redelivering": "\(redeliver.count)",
            ])
        await send([.registerWorker(register)] + redeliver)
        await flush()
        requestMoreIfLow()
    }

    private func detach() {
        writer = nil
        channel = nil
    }

    // MARK: - Token

    /// Reads the token file again, when the token came from one; true when the token changed. A
    /// file that cannot be read leaves the token as it was, and the log says why.
    private func readTokenFile() -> Bool {
        guard let file = config.tokenFile else { return false }
        do {
            let fresh = try ClusterToken.load(environment: [:], file: file)
            guard fresh != token else { return false }
            token = fresh
            return true
        } catch {
            logger.warning(
                "cannot read the token file again; keeping the token read before", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// SIGHUP: reads the token file again. A new token (after `grow-head token rotate`) makes the
    /// worker reconnect at once, so its connection is proven with the new token before the head
    /// stops accepting the old one; running tiles go on and are reported on the new connection.
    package func reloadToken() {
        guard config.tokenFile != nil else {
            logger.info("SIGHUP: the cluster token comes from GROW_TOKEN; there is no file to read again")
            return
        }
        guard readTokenFile() else {
            logger.info("SIGHUP: the cluster token file is unchanged")
            return
        }
        logger.info("the cluster token file changed: reconnecting with the new token")
        if let channel {
            reconnectingWithNewToken = true
            channel.close(promise: nil)
        }
    }

    private func heartbeatLoop() async {
        while ending == nil {
            try? await Task.sleep(for: .milliseconds(Int64(heartbeatIntervalMs)))
            guard writer != nil, ending == nil else { continue }
            await send([.heartbeat(currentHeartbeat())])
            // An idle worker whose request went unanswered for a heartbeat asks again (the head
            // also feeds waiting workers unasked when tiles come back; this covers the rest).
            if requestOutstanding, queue.isEmpty, Clock.monotonicMs() - requestedAtMs >= heartbeatIntervalMs {
                requestOutstanding = false
                requestMoreIfLow()
            }
        }
    }

    private func send(_ messages: [Message]) async {
        guard let writer, !messages.isEmpty else { return }
        do {
            try await writer.write(contentsOf: messages)
        } catch {
            // The connection is going; the connection loop notices and reconnects.
            self.writer = nil
        }
    }

    // MARK: - Messages from the head

    private func handle(_ message: Message) async {
        switch message {
        case .jobDefinition(let definition):
            do {
                jobs[definition.job] = try JobSpec.parse(json: definition.spec, source: "job \(definition.job)")
            } catch {
                invalidJobs[definition.job] = "\(error)"
            }
        case .assign(let assign):
            requestOutstanding = false
            guard !stopping else { return }
            for tile in assign.tiles {
                enqueue(QueuedTile(job: assign.job, index: tile.index, attempt: tile.attempt))
            }
            largestHolding = max(largestHolding, queue.count + running.count)
        case .revoke(let revoke):
            let wanted = Set(revoke.indices)
            var given: [UInt32] = []
            queue.removeAll { tile in
                guard tile.job == revoke.job, wanted.contains(tile.index) else { return false }
                given.append(tile.index)
                return true
            }
            await send([.revokeAck(TileIndices(job: revoke.job, indices: given))])
            if stopping && !given.isEmpty {
                // Draining: the head reissues these now. Named so a person (or a test) can follow them.
                logger.info(
                    "gave back queued tiles to the head",
                    metadata: ["job": "\(revoke.job)", "tiles": "\(given.map(String.init).joined(separator: ","))"])
            }
            requestMoreIfLow()
        case .cancelTiles(let cancel):
            let indices = Set(cancel.indices)
            queue.removeAll { $0.job == cancel.job && indices.contains($0.index) }
            for index in cancel.indices {
                let key = TileKey(job: cancel.job, index: index)
                if let entry = running[key] {
                    cancelledRunning.insert(key)
                    entry.cancellation.cancel()
                }
            }
        case .shutdown(let shutdown):
            logger.info("the head asked this worker to stop", metadata: ["reason": "\(shutdown.reason)"])
            stopReason = .shutDownByHead(shutdown.reason)
            queue.removeAll()
            wakeIdleSlots()
            if !shutdown.graceful {
                for entry in running.values { entry.cancellation.cancel() }
                end(.shutDownByHead(shutdown.reason))
            } else {
                // Ends now if idle, else when the last running tile has been reported (slotLoop).
                await endIfIdle()
            }
        case .log(let line):
            logger.info("head: \(line.text)")
        default:
            logger.debug("ignoring unexpected message", metadata: ["kind": "\(message.kind)"])
        }
    }

    // MARK: - Slots

    private func enqueue(_ tile: QueuedTile) {
        if !idleSlots.isEmpty {
            idleSlots.removeFirst().resume(returning: tile)
        } else {
            queue.append(tile)
        }
    }

    private func wakeIdleSlots() {
        let waiting = idleSlots
        idleSlots = []
        for slot in waiting { slot.resume(returning: nil) }
    }

    private func nextTile() async -> QueuedTile? {
        if stopping || ending != nil || Task.isCancelled { return nil }
        if !queue.isEmpty {
            let tile = queue.removeFirst()
            requestMoreIfLow()
            return tile
        }
        requestMoreIfLow()
        return await withCheckedContinuation { idleSlots.append($0) }
    }

    private func requestMoreIfLow() {
        guard !stopping, !requestOutstanding, writer != nil else { return }
        let holding = queue.count + running.count
        // The head may grant more than our own prefetch (short tiles): ask again at half of it.
        let target = max(config.slots * (1 + config.prefetchPerSlot), largestHolding)
        guard holding * 2 <= target + config.slots || queue.isEmpty else { return }
        requestOutstanding = true
        requestedAtMs = Clock.monotonicMs()
        // Sent with the next flush, after the results it follows: the head must see the
        // finished tiles first, or it thinks our queue is still full and gives nothing.
        pendingRequest = UInt32(target - holding)
        scheduleFlush()
    }

    private func slotLoop() async {
        while let tile = await nextTile() {
            let key = TileKey(job: tile.job, index: tile.index)
            guard let spec = jobs[tile.job] else {
                let why = invalidJobs[tile.job] ?? "the head sent no definition for job \(tile.job)"
                record(tile, .failed(retryable: false, error: why), micros: 0)
                continue
            }
            let cancellation = TileCancellation()
            running[key] = (tile.attempt, cancellation)
            startedBatch[tile.job, default: []].append(Wire.TileAssignment(index: tile.index, attempt: tile.attempt))
            scheduleFlush()
            let context = TileContext(
                job: tile.job, index: tile.index, attempt: tile.attempt, name: spec.tiles.name(of: tile.index),
                workDir: config.workDirectory + "/job-\(tile.job)")
            // The one place a tile's duration is measured: what the head's report and its backup
            // threshold use.
            let started = ContinuousClock.now
            let outcome = await runner.run(spec, context, cancellation: cancellation)
            let elapsed = started.duration(to: .now)
            running[key] = nil
            if cancelledRunning.remove(key) == nil {
                record(tile, outcome, micros: UInt64(max(0, elapsed / .microseconds(1))))
            }
            await endIfIdle()
        }
    }

    private func record(_ tile: QueuedTile, _ outcome: TileOutcome, micros: UInt64) {
        if let metrics = config.metrics {
            metrics.tileDuration.recordMicroseconds(micros)
            if case .done = outcome { metrics.tilesDone.increment() } else { metrics.tilesFailed.increment() }
        }
        switch outcome {
        case .done(let detail):
            unsentResults.append(
                TileResult(
                    job: tile.job, index: tile.index, attempt: tile.attempt, durationMicros: micros, detail: detail))
        case .failed(let retryable, let error):
            unsentFailures.append(
                Wire.TileFailure(
                    job: tile.job, index: tile.index, attempt: tile.attempt, durationMicros: micros,
                    retryable: retryable, error: error))
        }
        scheduleFlush()
    }

    // MARK: - Batching

    /// Drops result frames older than the redelivery window. They are in time order, so this cuts
    /// a prefix, and at most every 250 ms: pruning on every flush made a busy worker's cost per
    /// tile grow with the window's contents.
    private func pruneRecentlySent(now: UInt64) {
        guard now >= lastPruneMs + 250 else { return }
        lastPruneMs = now
        let cutoff = now > config.redeliveryWindowMs ? now - config.redeliveryWindowMs : 0
        let stale = recentlySent.firstIndex { $0.sentAtMs >= cutoff } ?? recentlySent.count
        recentlySent.removeFirst(stale)
    }

    /// Results and start notices from many slots go out together: the flush runs after the
    /// work already queued on this actor, which is when the batch has gathered.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task { await self.flush() }
    }

    private func flush() async {
        flushScheduled = false
        guard writer != nil else { return }
        var messages: [Message] = []
        for (job, tiles) in startedBatch.sorted(by: { $0.key < $1.key }) {
            messages.append(.tilesStarted(TileBatch(job: job, tiles: tiles)))
        }
        startedBatch.removeAll()
        var results: [Message] = []
        if !unsentResults.isEmpty { results.append(.tileDone(TileDone(results: unsentResults))) }
        if !unsentFailures.isEmpty { results.append(.tileFailed(TileFailed(failures: unsentFailures))) }
        unsentResults.removeAll()
        unsentFailures.removeAll()
        let now = Clock.monotonicMs()
        for message in results { recentlySent.append((now, message)) }
        pruneRecentlySent(now: now)
        var request: [Message] = []
        if pendingRequest > 0 {
            request = [.requestTiles(RequestTiles(count: pendingRequest))]
            pendingRequest = 0
        }
        await send(messages + results + request)
    }
}
