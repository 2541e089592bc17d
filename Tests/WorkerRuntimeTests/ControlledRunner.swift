import Exec
import GrowJob
import Logging
import Synchronization

/// A tile runner the test drives: a tile runs until the test finishes it with an outcome, or
/// until the worker cancels it (then it fails as cancelled, and the cancellation is recorded).
final class ControlledRunner: TileRunner {
    struct Key: Hashable, Sendable, CustomStringConvertible {
        var job: UInt32
        var index: UInt32
        var description: String { "\(job)/\(index)" }
    }

    private struct State {
        var started: [TileContext] = []
        var running: [Key: CheckedContinuation<TileOutcome, Never>] = [:]
        /// Outcomes given before the tile's `run` was entered (the worker reports the start
        /// before it calls the runner, so the test can be first).
        var early: [Key: TileOutcome] = [:]
        var cancelled: [Key] = []
    }

    private let state = Mutex(State())

    /// Every tile attempt the worker started, in order.
    var started: [TileContext] { state.withLock { $0.started } }
    /// Tiles cancelled while they ran.
    var cancelled: [Key] { state.withLock { $0.cancelled } }

    func run(_ spec: JobSpec, _ tile: TileContext, cancellation: TileCancellation) async -> TileOutcome {
        let key = Key(job: tile.job, index: tile.index)
        return await withCheckedContinuation { continuation in
            let early = state.withLock { state -> TileOutcome? in
                state.started.append(tile)
                if let outcome = state.early.removeValue(forKey: key) { return outcome }
                state.running[key] = continuation
                return nil
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            cancellation.onCancel { [self] in
                let waiting = state.withLock { state -> CheckedContinuation<TileOutcome, Never>? in
                    guard let waiting = state.running.removeValue(forKey: key) else { return nil }
                    state.cancelled.append(key)
                    return waiting
                }
                waiting?.resume(returning: .failed(retryable: true, error: "cancelled"))
            }
        }
    }

    /// Ends tile `index` of `job` with `outcome` (now if it runs, else as soon as it starts).
    func finish(job: UInt32 = 1, _ index: UInt32, _ outcome: TileOutcome) {
        let key = Key(job: job, index: index)
        let waiting = state.withLock { state -> CheckedContinuation<TileOutcome, Never>? in
            if let waiting = state.running.removeValue(forKey: key) { return waiting }
            state.early[key] = outcome
            return nil
        }
        waiting?.resume(returning: outcome)
    }
}

/// Keeps what the worker logs, to check which warnings it gives.
final class LogCapture: Sendable {
    struct Entry: Sendable, Equatable {
        var level: Logger.Level
        var message: String
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }
    var warnings: [String] { all.filter { $0.level >= .warning }.map(\.message) }

    var logger: Logger {
        Logger(label: "worker-under-test") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(Entry(level: event.level, message: event.message.description))
        }
    }
}
