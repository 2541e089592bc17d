import CoreMetrics
import Metrics
import Synchronization
import TileScheduler

/// The head's metrics through swift-metrics, made by the factory it is given (the dashboard's
/// Prometheus registry, or nothing). Names and meanings: docs/operations.md.
package final class HeadMetrics: Sendable {
    private let factory: any MetricsFactory
    let tileDuration: Metrics.Timer
    let journalFsync: Metrics.Timer
    let bytesReceived: Counter
    let bytesSent: Counter
    let framesRejected: Counter
    private let counters: [(label: String, value: @Sendable (JobCounters) -> Int, counter: Counter)]
    private let state = Mutex(Recorded())

    private struct Recorded {
        var counted = JobCounters()
        var tileGauges: [String: Gauge] = [:]
        var workerGauges: [String: Gauge] = [:]
    }

    package init(factory: any MetricsFactory) {
        self.factory = factory
        tileDuration = Metrics.Timer(label: "grow_tile_duration_seconds", factory: factory)
        journalFsync = Metrics.Timer(label: "grow_journal_fsync_seconds", factory: factory)
        bytesReceived = Counter(label: "grow_wire_received_bytes_total", factory: factory)
        bytesSent = Counter(label: "grow_wire_sent_bytes_total", factory: factory)
        framesRejected = Counter(label: "grow_wire_frames_rejected_total", factory: factory)
        counters = [
            ("grow_steals_total", { $0.steals }, Counter(label: "grow_steals_total", factory: factory)),
            (
                "grow_tiles_stolen_total", { $0.tilesStolen },
                Counter(label: "grow_tiles_stolen_total", factory: factory)
            ),
            ("grow_backups_total", { $0.backupsLaunched }, Counter(label: "grow_backups_total", factory: factory)),
            (
                "grow_worker_losses_total", { $0.workersLost },
                Counter(label: "grow_worker_losses_total", factory: factory)
            ),
            ("grow_reissues_total", { $0.reissuedAfterLoss }, Counter(label: "grow_reissues_total", factory: factory)),
            ("grow_retries_total", { $0.retries }, Counter(label: "grow_retries_total", factory: factory)),
            (
                "grow_duplicate_results_total", { $0.duplicateResults },
                Counter(label: "grow_duplicate_results_total", factory: factory)
            ),
        ]
    }

    /// Metrics that go nowhere (a head without an HTTP endpoint).
    package static let none = HeadMetrics(factory: NOOPMetricsHandler.instance)

    static let stateNames: [TileState: String] = [
        .pending: "pending", .queued: "queued", .running: "running", .done: "done", .failed: "failed",
        .quarantined: "quarantined", .cancelled: "cancelled",
    ]

    /// Sets the gauges and advances the counters to what the coordinator counts now.
    package func update(_ snapshot: HeadMetricsSnapshot) {
        state.withLock { state in
            for job in snapshot.jobs {
                for (tileState, count) in job.tiles {
                    let name = Self.stateNames[tileState] ?? "\(tileState)"
                    let key = "\(job.id)/\(name)"
                    let gauge =
                        state.tileGauges[key]
                        ?? Gauge(
                            label: "grow_tiles",
                            dimensions: [("job_id", "\(job.id)"), ("job_name", job.name), ("state", name)],
                            factory: factory)
                    state.tileGauges[key] = gauge
                    gauge.record(count)
                }
            }
            for (workerState, count) in snapshot.workers {
                let gauge =
                    state.workerGauges[workerState]
                    ?? Gauge(label: "grow_workers", dimensions: [("state", workerState)], factory: factory)
                state.workerGauges[workerState] = gauge
                gauge.record(count)
            }
            for entry in counters {
                let delta = entry.value(snapshot.counters) - entry.value(state.counted)
                if delta > 0 { entry.counter.increment(by: delta) }
            }
            state.counted = snapshot.counters
        }
    }
}
