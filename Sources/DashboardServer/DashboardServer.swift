import CoreMetrics
import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Synchronization

/// The head's HTTP side: the dashboard page, its API and event stream over a `DashboardFeed`,
/// and `/metrics` from a Prometheus registry. On a non-loopback address every route but the
/// login form wants a session cookie (or, for `/metrics`, `Authorization: Bearer <token>`).
package final class DashboardServer: Sendable {
    package let feed: DashboardFeed
    package let registry: PrometheusCollectorRegistry
    let settings: DashboardSettings
    let sessions = Mutex(SessionStore())
    private let server = HTTPServer()

    package init(
        feed: DashboardFeed, settings: DashboardSettings, registry: PrometheusCollectorRegistry = .init()
    ) {
        self.feed = feed
        self.registry = registry
        self.settings = settings
    }

    /// Makes the head's metrics into this server's registry.
    package var metricsFactory: any MetricsFactory { Self.metricsFactory(registry: registry) }

    /// The metrics factory for the head's own metrics, with buckets that suit tiles (10 ms to an
    /// hour) and fsyncs (0.1 ms to 1 s).
    package static func metricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["grow_tile_duration_seconds"] = tileDurationBuckets
        factory.durationHistogramBuckets["grow_journal_fsync_seconds"] = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .seconds(1),
        ]
        return factory
    }

    static let tileDurationBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
    ]

    /// Whether a browser must sign in (the address is not loopback).
    package var requiresLogin: Bool { !Access.isLoopback(settings.host) }

    /// Listens; returns the port bound.
    package func start(logger: Logger) async throws -> Int {
        try await server.start(router: router(), host: settings.host, port: settings.port, logger: logger)
    }

    /// Ends the event streams, then the server.
    package func stop() async { await server.stop() }

    static func nowMs() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SessionGate(server: self))
        let feed = self.feed
        let settings = self.settings
        let registry = self.registry
        router.get("/") { _, _ in Self.html(DashboardPage.html(title: settings.title)) }
        router.get("/login") { _, _ in Self.html(DashboardPage.login(title: settings.title, failed: false)) }
        router.post("/login") { request, _ in try await self.login(request) }
        router.get("/metrics") { _, _ in MetricsEndpoint.response(registry) }
        router.get("/api/state") { _, _ in
            let now = Self.nowMs()
            return Self.json(feed.overviewJSON(nowMs: now, unixMs: now))
        }
        router.get("/api/jobs/:job/map") { _, context in
            let job = try context.parameters.require("job", as: UInt32.self)
            guard let text = feed.mapJSON(job: job) else { throw HTTPError(.notFound) }
            return Self.json(text)
        }
        router.get("/api/jobs/:job/tiles/:position") { _, context in
            let job = try context.parameters.require("job", as: UInt32.self)
            let position = try context.parameters.require("position", as: UInt32.self)
            guard let text = feed.tileJSON(job: job, position: position) else { throw HTTPError(.notFound) }
            return Self.json(text)
        }
        router.get("/api/jobs/:job/quicklook/:index") { _, context in
            let job = try context.parameters.require("job", as: UInt32.self)
            let index = try context.parameters.require("index", as: Int.self)
            guard let png = feed.quicklook(job: job, index: index) else { throw HTTPError(.notFound) }
            return Response(
                status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        router.get("/api/events") { _, _ in EventStream.response(feed: feed, stopping: self.server) }
        return router
    }

    private func login(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4096)
        let given = Access.formValue("token", in: Array(body.readableBytesView)) ?? []
        var random = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let token = settings.token
        let session = sessions.withLock {
            $0.login(given: given, token: token, newID: id, nowMs: Self.nowMs())
        }
        guard let session else {
            return Response(
                status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardPage.login(title: settings.title, failed: true))))
        }
        return Response(
            status: .seeOther,
            headers: [
                .location: "./",
                .setCookie: "\(SessionGate.cookieName)=\(session); HttpOnly; SameSite=Strict; Path=/",
            ])
    }

    static func html(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
