import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Hummingbird application run in a service group of its own, with a start that returns the
/// bound port and a stop that ends open streams first (they check `stopping`), then shuts the
/// server down gracefully (no request is cut off mid-answer).
final class HTTPServer: Sendable {
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)
    let stopping = Atomic<Bool>(false)

    /// Binds `host:port` with `router` and returns the port bound (useful with 0).
    func start(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger) async throws -> Int {
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        running.withLock { $0 = (group, task) }
        for await port in bound { return port }
        // The server ended before it ran: its error says why.
        try await task.value
        throw HTTPServerError.notStarted
    }

    func stop() async {
        stopping.store(true, ordering: .relaxed)
        guard let (group, task) = running.withLock({ $0 }) else { return }
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

struct HTTPServerError: Error, CustomStringConvertible {
    static let notStarted = HTTPServerError()
    var description: String { "the HTTP server stopped before it listened" }
}
