import CoreMetrics
import Metrics

/// A worker's metrics through swift-metrics, made by the factory it is given (its Prometheus
/// registry when `grow-worker --metrics-port` is set). Names and meanings: docs/operations.md.
package final class WorkerMetrics: Sendable {
    let tilesDone: Counter
    let tilesFailed: Counter
    let tileDuration: Metrics.Timer
    let reconnects: Counter
    let busySlots: Gauge
    let queuedTiles: Gauge
    let rssBytes: Gauge
    let load: Gauge
    let connected: Gauge

    package init(factory: any MetricsFactory) {
        tilesDone = Counter(label: "grow_worker_tiles_total", dimensions: [("outcome", "done")], factory: factory)
        tilesFailed = Counter(label: "grow_worker_tiles_total", dimensions: [("outcome", "failed")], factory: factory)
        tileDuration = Metrics.Timer(label: "grow_worker_tile_duration_seconds", factory: factory)
        reconnects = Counter(label: "grow_worker_reconnects_total", factory: factory)
        busySlots = Gauge(label: "grow_worker_busy_slots", factory: factory)
        queuedTiles = Gauge(label: "grow_worker_queued_tiles", factory: factory)
        rssBytes = Gauge(label: "grow_worker_rss_bytes", factory: factory)
        load = Gauge(label: "grow_worker_load1", factory: factory)
        connected = Gauge(label: "grow_worker_connected", factory: factory)
    }
}
