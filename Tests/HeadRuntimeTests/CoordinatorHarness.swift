import Foundation
import GrowJob
import JobRecords
import TileScheduler
import Wire
import XCTest

@testable import HeadRuntime

/// A coordinator with a clock the test moves, and shortcuts for what peers send.
struct CoordinatorHarness {
    var coordinator: HeadCoordinator
    var time = HeadTime(monotonicMs: 1_000_000, unixMs: 1_700_000_000_000)
    /// Everything the coordinator asked for so far, in order.
    var log: [HeadAction] = []
    private var nextConnection: ConnectionID = 1

    init(
        config: CoordinatorConfig = CoordinatorConfig(stateDirectory: "/state"),
        recovered: JournalState = JournalState()
    ) {
        coordinator = HeadCoordinator(config: config, recovered: recovered, now: time)
        log = coordinator.takeStartActions()
    }

    @discardableResult
    mutating func handle(_ input: HeadInput) -> [HeadAction] {
        let actions = coordinator.handle(input, at: time)
        log += actions
        return actions
    }

    mutating func advance(ms: UInt64) {
        time.monotonicMs += ms
        time.unixMs += ms
    }

    mutating func connect(_ role: PeerRole, _ name: String) -> ConnectionID {
        let id = nextConnection
        nextConnection += 1
        handle(.connected(id, role: role, name: name))
        return id
    }

    /// A worker connection that has registered with `slots` slots.
    mutating func worker(_ name: String, slots: UInt32, running: [TileRun] = []) -> ConnectionID {
        let id = connect(.worker, name)
        handle(
            .received(
                .registerWorker(
                    RegisterWorker(
                        workerID: name, incarnation: 1, host: "host-\(name)", cpus: 2, memoryBytes: 1 << 30,
                        slots: slots, version: "test", running: running)), from: id))
        return id
    }

    /// Submits `json` from `client` and completes its preparation with `preparation`; returns the
    /// job id and the actions of the preparation's answer.
    mutating func submit(
        _ json: String, from client: ConnectionID, preparation: JobPreparation = JobPreparation()
    ) throws -> (job: JobID, actions: [HeadAction]) {
        let submitted = handle(.received(.submitJob(SubmitJob(name: "test.json", spec: json)), from: client))
        guard
            case .prepareJob(let job, _, _)? = submitted.first(where: {
                if case .prepareJob = $0 { true } else { false }
            })
        else {
            XCTFail("no prepareJob in \(submitted)")
            throw CocoaError(.featureUnsupported)
        }
        return (job, handle(.jobPrepared(job, .success(preparation))))
    }
}

extension Array where Element == HeadAction {
    func sent(to connection: ConnectionID) -> [Message] {
        compactMap { if case .send(let message, let to) = $0, to == connection { message } else { nil } }
    }

    var journaled: [JournalRecord] {
        compactMap { if case .journal(let record) = $0 { record } else { nil } }
    }

    var closed: [ConnectionID] {
        compactMap { if case .close(let id) = $0 { id } else { nil } }
    }

    /// Every tile assigned to the connection, as (job, index, attempt).
    func assigned(to connection: ConnectionID) -> [TileRun] {
        sent(to: connection).flatMap { message -> [TileRun] in
            guard case .assign(let batch) = message else { return [] }
            return batch.tiles.map { TileRun(job: batch.job, index: $0.index, attempt: $0.attempt) }
        }
    }

    var logLines: [String] {
        flatMap { action -> [String] in
            if case .appendLog(_, let lines, _) = action { return lines }
            return []
        }
    }

    var finalRecords: [(job: JobID, records: FinalRecords)] {
        compactMap { if case .writeFinalRecords(let job, let records) = $0 { (job, records) } else { nil } }
    }
}

/// A job of `tiles` noop tiles.
func noopJob(tiles: Int, extra: String = "") -> String {
    #"{"pipeline": "noop", "tiles": \#(tiles)\#(extra)}"#
}
