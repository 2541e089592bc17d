import CoreMetrics
import Hummingbird
import Logging
import Prometheus

/// A worker's metrics: `/metrics` alone, on the port its command line chose.
package final class MetricsServer: Sendable {
    private let server = HTTPServer()
    private let registry: PrometheusCollectorRegistry

    package init(registry: PrometheusCollectorRegistry = .init()) {
        self.registry = registry
    }

    /// Makes the worker's metrics into this server's registry.
    package var metricsFactory: any MetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["grow_worker_tile_duration_seconds"] =
            DashboardServer.tileDurationBuckets
        return factory
    }

    /// Listens; returns the port bound.
    package func start(host: String, port: Int, logger: Logger) async throws -> Int {
        let router = Router()
        let registry = self.registry
        router.get("/metrics") { _, _ in MetricsEndpoint.response(registry) }
        return try await server.start(router: router, host: host, port: port, logger: logger)
    }

    package func stop() async { await server.stop() }
}
