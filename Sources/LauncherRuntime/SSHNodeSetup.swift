import Autoscaler
import Foundation
import Launcher

/// How the head's autoscaler sets up a worker it launched: exactly what `up` does for a worker
/// (file mounts, initialization, docker, setup and start commands over SSH), from the head, at
/// the node's private address, with the files the head received from `up` as the source.
package struct SSHNodeSetup: NodeSetup {
    /// The head's context (`ClusterContext.load(onHead: true)`).
    let context: ClusterContext
    /// Where workers join the head.
    let headAddress: String
    let options: SetupOptions
    let home: String
    let log: @Sendable (String) -> Void

    package init(
        context: ClusterContext, headAddress: String, options: SetupOptions, home: String,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.context = context
        self.headAddress = headAddress
        self.options = options
        self.home = home
        self.log = log
    }

    package func setUp(_ node: ProviderNode) throws {
        guard let address = node.privateIP else { throw LaunchError("\(node.id) has no private address") }
        var workerContext = context
        workerContext.config.provider = .local(LocalProvider(headIP: headAddress, workerIPs: [address]))
        if let file = context.tokenFile,
            let current = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines),
            !current.isEmpty
        {
            workerContext.tokenSecret = current  // rotated since the head started, perhaps
        }
        let uploads = try NodeUploads.collect(context: workerContext, binaries: options.binaries, home: home)
        let worker = NodeIdentity(role: .worker, address: address)
        log("setting up \(node.id) (\(node.nodeType)) at \(address)")
        try NodeRunner(context: workerContext, node: worker, board: ProgressBoard(quiet: true))
            .setUp(options: options, uploads: uploads)
        log("\(node.id) set up; its worker starts")
    }
}
