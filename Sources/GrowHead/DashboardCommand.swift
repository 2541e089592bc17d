import ArgumentParser
import Foundation
import GrowCLI
import Launcher
import LauncherRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the cluster's dashboard from this machine: `ray dashboard` for grow.",
        discussion: """
            Forwards a local port to the head's dashboard (127.0.0.1:8265 on the head) over the \
            SSH connection the launcher uses (direct-tcpip channels; nothing listens on the head \
            beyond its loopback), prints the local URL and forwards until Ctrl-C.
            """)

    @Argument(help: "The cluster.yaml.") var cluster: String
    @Option(help: "Local port (0: any free port).") var port = 8265
    @Option(help: "The dashboard's port on the head (its --dashboard-port).") var remotePort = 8265
    @OptionGroup var options: ClusterOptions
    @OptionGroup var token: ClusterTokenOption

    func run() async throws {
        try await reportingUserErrors {
            guard (0...65535).contains(port), (1...65535).contains(remotePort) else {
                throw UserError("--port must be 0...65535 and --remote-port 1...65535")
            }
            let loaded = try options.context(cluster, tokenFile: token.tokenFile)
            let context = try UserError.wrap { try loaded.withLiveNodes() }
            guard let head = context.head else { throw UserError("\(cluster): no head node") }
            let listener = try UserError.wrap { try SSHSessionListener.open(port: port) }
            defer { close(listener.fd) }
            let runner = NodeRunner(context: context, node: head, board: ProgressBoard(quiet: true))
            _ = try UserError.wrap { try runner.connect() }
            // Written at once (not buffered), so a script waiting for the URL sees it.
            FileHandle.standardOutput.write(
                Data(
                    "Dashboard of \(loaded.config.clusterName): http://127.0.0.1:\(listener.port)/  (Ctrl-C to stop)\n"
                        .utf8))
            let stopped = StopFlag()
            let signals = Task {
                for await _ in Signals.termination() {
                    stopped.value.store(true, ordering: .relaxed)
                    break
                }
            }
            defer { signals.cancel() }
            let done: Task<Void, any Error> = Task.detached {
                try UserError.wrap {
                    try runner.forward(
                        listener: listener.fd, remotePort: remotePort,
                        stop: { stopped.value.load(ordering: .relaxed) }, onConnection: { _ in })
                }
            }
            try await done.value
        }
    }
}

/// Set by the signal handler's task, read by the forwarding thread.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// The local end of the forward.
enum SSHSessionListener {
    static func open(port: Int) throws -> (fd: Int32, port: Int) {
        do {
            return try SSHSession.listen(host: "127.0.0.1", port: port)
        } catch {
            throw UserError("\(error.description) (another dashboard forward? choose one with --port)")
        }
    }
}
