import Autoscaler
import Logging
import NIOCore
import NIOPosix

/// The autoscaler's hands: node provider calls on a thread pool of their own (a launch may take
/// seconds, a listing may retry), so neither the event loop nor the pool that prepares jobs and
/// merges maps waits on the provider. Each answer comes back as the matching autoscaler event.
final class ProviderShell: Sendable {
    let provider: any NodeProvider
    let setup: (any NodeSetup)?
    let pool: NIOThreadPool
    let logger: Logger

    init(provider: any NodeProvider, setup: (any NodeSetup)?, threads: Int = 4, logger: Logger) {
        self.provider = provider
        self.setup = setup
        self.pool = NIOThreadPool(numberOfThreads: max(1, threads))
        self.logger = logger
    }

    func start() { pool.start() }

    func shutdown() async throws { try await pool.shutdownGracefully() }

    /// Runs the call on the pool; `answer` gets the event on `loop`.
    func run(_ call: ProviderCall, on loop: any EventLoop, answer: @escaping @Sendable (AutoscalerEvent) -> Void) {
        let provider = self.provider
        let setup = self.setup
        pool.runIfActive(eventLoop: loop) { Self.perform(call, provider: provider, setup: setup) }
            .whenSuccess(answer)
    }

    static func perform(_ call: ProviderCall, provider: any NodeProvider, setup: (any NodeSetup)?) -> AutoscalerEvent {
        switch call {
        case .launch(let request, let type, let count):
            do {
                return .launched(request: request, nodes: try provider.launch(nodeType: type, count: count))
            } catch let failure as LaunchFailure {
                return .launchFailed(request: request, failure)
            } catch {
                return .launchFailed(request: request, LaunchFailure(.other, "\(error)"))
            }
        case .setUp(let node):
            do {
                try setup?.setUp(node)
                return .setUpFinished(node: node.id)
            } catch {
                return .setUpFailed(node: node.id, reason: "\(error)")
            }
        case .terminate(let node):
            do {
                try provider.terminate(node)
                return .released(node: node)
            } catch {
                return .releaseFailed(node: node, reason: "\(error)")
            }
        case .stop(let node):
            do {
                try provider.stop(node)
                return .released(node: node)
            } catch {
                return .releaseFailed(node: node, reason: "\(error)")
            }
        case .list:
            do {
                return .listed(try provider.list())
            } catch {
                return .listFailed(reason: "\(error)")
            }
        }
    }
}
