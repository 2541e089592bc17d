import Autoscaler
import GrowJob
import TileScheduler
import Wire

/// Identifies one authenticated connection, as the shell numbers them.
package typealias ConnectionID = UInt64

/// The two clocks the coordinator is told: monotonic milliseconds for everything it measures
/// (heartbeat timeouts, hold-offs, drain deadlines), wall-clock milliseconds for what it records
/// or compares across machines.
package struct HeadTime: Sendable, Equatable {
    package var monotonicMs: UInt64
    package var unixMs: UInt64

    package init(monotonicMs: UInt64, unixMs: UInt64) {
        self.monotonicMs = monotonicMs
        self.unixMs = unixMs
    }
}

/// Everything that happens to the head, as the shell reports it to the coordinator.
package enum HeadInput: Sendable {
    /// A peer passed the handshake.
    case connected(ConnectionID, role: PeerRole, name: String)
    case disconnected(ConnectionID)
    case received(Message, from: ConnectionID)
    /// The scheduler's clock (heartbeat timeouts, drain deadlines, backups, the resume hold-off).
    case tick
    /// Time to send watchers their progress and push buffered log lines to the records.
    case progressTick
    /// A submitted job's preparation (records folder, existing outputs) finished off the loop.
    case jobPrepared(JobID, Result<JobPreparation, JobPreparationFailure>)
    /// A job's final step (e.g. the mosaics) ended off the loop.
    case finalizationEnded(JobID, JobFinalization.Outcome)
    /// A job's final records are written (or could not be: `error`).
    case finalRecordsWritten(JobID, error: String?)
    /// The head is stopping.
    case shutdown(stopWorkers: Bool)
    /// A node provider's answer to a `ProviderCall` (launched, listed, released, …).
    case autoscaler(AutoscalerEvent)
}

/// What preparing a job found: tiles whose output already exists (spec tile indices), and lines
/// for the job's log.
package struct JobPreparation: Sendable, Equatable {
    package var skipped: [UInt32]
    package var notes: [String]

    package init(skipped: [UInt32] = [], notes: [String] = []) {
        self.skipped = skipped
        self.notes = notes
    }
}

/// Why a job could not be prepared (its records folder cannot be made): the submitter is told.
package struct JobPreparationFailure: Error, Sendable, Equatable {
    package var message: String

    package init(_ message: String) { self.message = message }
}
