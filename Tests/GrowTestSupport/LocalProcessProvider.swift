import Autoscaler
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A node provider whose "instances" are local `grow-worker` processes: a launch starts one per
/// node (with its own metadata stand-in, so a test can announce a spot interruption to one
/// instance), terminate and stop kill it as a machine going away would. The machine outlives its
/// worker: a worker that drained and exited leaves its instance running until the autoscaler
/// ends it, as on EC2.
package final class LocalProcessProvider: NodeProvider, Sendable {
    package struct Instance: Sendable {
        package var node: ProviderNode
        package var metadata: IMDSStandIn
        package var launchedAt: Date
        package var endedAt: Date?
        package var process: Process
    }

    struct State: @unchecked Sendable {
        var instances: [NodeID: Instance] = [:]
        var order: [NodeID] = []
        var next = 1
        var calls: [String] = []
    }

    let worker: URL
    let headAddress: String
    let tokenFile: String
    let directory: URL
    let slots: Int
    let extraArguments: [String]
    private let state = Mutex(State())

    /// Workers reach the head at `headAddress` with the token in `tokenFile`; each instance
    /// logs to `directory/<id>.log` and works in `directory/work-<id>`.
    package init(
        worker: URL, headAddress: String, tokenFile: String, directory: URL, slots: Int, extraArguments: [String] = []
    ) {
        self.worker = worker
        self.headAddress = headAddress
        self.tokenFile = tokenFile
        self.directory = directory
        self.slots = slots
        self.extraArguments = extraArguments
    }

    package func launch(nodeType: String, count: Int) throws -> [ProviderNode] {
        var started: [ProviderNode] = []
        for _ in 0..<count {
            let id = state.withLock { state -> String in
                defer { state.next += 1 }
                return "i-\(state.next)"
            }
            let metadata = try IMDSStandIn(instanceID: id)
            let process = Process()
            process.executableURL = worker
            process.arguments =
                [
                    "--address", headAddress, "--slots", "\(slots)", "--token-file", tokenFile,
                    "--work-dir", directory.appendingPathComponent("work-\(id)").path, "--worker-id", "worker-\(id)",
                    "--imds-endpoint", metadata.url, "--notice-poll-interval", "0.2", "--notice-margin", "2",
                ] + extraArguments
            var environment = ProcessInfo.processInfo.environment
            environment["GROW_TOKEN"] = nil
            process.environment = environment
            let log = directory.appendingPathComponent("\(id).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let node = ProviderNode(id: id, nodeType: nodeType, state: .running, market: .spot, privateIP: "127.0.0.1")
            state.withLock {
                $0.instances[id] = Instance(
                    node: node, metadata: metadata, launchedAt: Date(), endedAt: nil, process: process)
                $0.order.append(id)
                $0.calls.append("launch \(nodeType)")
            }
            started.append(node)
        }
        return started
    }

    package func terminate(_ node: NodeID) throws {
        end(node, as: .terminated)
    }

    package func stop(_ node: NodeID) throws {
        end(node, as: .stopped)
    }

    private func end(_ node: NodeID, as final: ProviderNode.State) {
        let process = state.withLock { state -> Process? in
            state.calls.append("\(final == .terminated ? "terminate" : "stop") \(node)")
            guard var instance = state.instances[node], instance.node.isAlive else { return nil }
            instance.node.state = final
            instance.endedAt = Date()
            state.instances[node] = instance
            return instance.process
        }
        guard let process else { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    package func list() throws -> [ProviderNode] {
        state.withLock { state in
            state.order.compactMap { state.instances[$0]?.node }.filter { $0.state != .terminated }
        }
    }

    /// Every instance launched so far, in launch order.
    package var instances: [Instance] {
        state.withLock { state in state.order.compactMap { state.instances[$0] } }
    }

    package var running: [Instance] { instances.filter { $0.node.isAlive } }

    /// launch/terminate/stop calls, in order.
    package var calls: [String] { state.withLock { $0.calls } }

    /// Kills every instance still running (the test's end).
    package func shutdownAll() {
        for instance in instances where instance.node.isAlive { end(instance.node.id, as: .terminated) }
    }
}
