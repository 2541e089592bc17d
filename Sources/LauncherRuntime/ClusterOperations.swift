import Foundation
import Launcher
import Synchronization

/// The cluster-wide verbs over `NodeRunner`s: head first, then every worker in parallel; a node
/// that fails is named and the others carry on.
package enum ClusterOperations {
    package struct Outcome: Sendable {
        package var succeeded: [NodeIdentity] = []
        /// Nodes whose set-up was unchanged (skipped).
        package var unchanged: [NodeIdentity] = []
        package var failures: [LaunchError] = []
    }

    /// `up`: sets up the head, then the workers.
    package static func up(context: ClusterContext, options: SetupOptions, board: ProgressBoard, home: String)
        throws(LaunchError)
        -> Outcome
    {
        if case .aws = context.config.provider {
            let provider = try EC2NodeProvider(
                config: context.config, ec2: EC2NodeProvider.client(config: context.config), log: { board.print($0) })
            return try EC2ClusterOperations.up(
                context: context, options: options, board: board, home: home, provider: provider)
        }
        let uploads = try NodeUploads.collect(context: context, binaries: options.binaries, home: home)
        guard let head = context.head else { throw LaunchError("\(context.configPath): provider: no nodes") }
        var outcome = Outcome()
        let headRunner = NodeRunner(context: context, node: head, board: board)
        do {
            if try headRunner.setUp(options: options, uploads: uploads) { outcome.unchanged.append(head) }
            outcome.succeeded.append(head)
        } catch {
            outcome.failures.append(error)
            // Without a head the workers have nothing to join.
            let workers = context.config.nodes.filter { $0.role == .worker }
            if !workers.isEmpty {
                outcome.failures.append(
                    LaunchError("\(workers.count) worker(s) not set up: the head must be up first"))
            }
            return outcome
        }
        let workers = context.config.nodes.filter { $0.role == .worker }
        let results = parallel(workers) { worker -> Result<Bool, LaunchError> in
            let runner = NodeRunner(context: context, node: worker, board: board)
            do {
                return .success(try runner.setUp(options: options, uploads: uploads))
            } catch {
                return .failure(error as? LaunchError ?? LaunchError("\(worker): \(error)"))
            }
        }
        for (worker, result) in zip(workers, results) {
            switch result {
            case .success(let unchanged):
                outcome.succeeded.append(worker)
                if unchanged { outcome.unchanged.append(worker) }
            case .failure(let error): outcome.failures.append(error)
            }
        }
        return outcome
    }

    /// `down`: stops grow (and the containers) on the workers, then on the head.
    package static func down(context: ClusterContext, workersOnly: Bool, board: ProgressBoard) throws(LaunchError)
        -> Outcome
    {
        if case .aws = context.config.provider {
            let provider = try EC2NodeProvider(
                config: context.config, ec2: EC2NodeProvider.client(config: context.config), log: { board.print($0) })
            return try EC2ClusterOperations.down(
                context: context, workersOnly: workersOnly, board: board, provider: provider)
        }
        var outcome = Outcome()
        let workers = context.config.nodes.filter { $0.role == .worker }
        let results = parallel(workers) { worker -> LaunchError? in
            do {
                try NodeRunner(context: context, node: worker, board: board).stop()
                return nil
            } catch {
                return error as? LaunchError ?? LaunchError("\(worker): \(error)")
            }
        }
        for (worker, error) in zip(workers, results) {
            if let error { outcome.failures.append(error) } else { outcome.succeeded.append(worker) }
        }
        if !workersOnly, let head = context.head {
            do {
                try NodeRunner(context: context, node: head, board: board).stop()
                outcome.succeeded.append(head)
            } catch {
                outcome.failures.append(error)
            }
        }
        return outcome
    }

    /// Runs `body` for every item on its own thread (SSH waits are I/O, not CPU) and returns the
    /// results in order.
    static func parallel<Item: Sendable, Output: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) -> Output
    )
        -> [Output]
    {
        let results = ResultBox<Output>(count: items.count)
        let group = DispatchGroup()
        for (index, item) in items.enumerated() {
            group.enter()
            let thread = Thread {
                results.set(index, body(item))
                group.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        return results.values()
    }
}

final class ResultBox<Output: Sendable>: Sendable {
    private let storage: Mutex<[Output?]>
    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: Output) {
        storage.withLock { $0[index] = value }
    }
    func values() -> [Output] {
        storage.withLock { $0.compactMap { $0 } }
    }
}
