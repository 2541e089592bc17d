import Crypto
import Foundation

/// What `up` does on one node, in Ray's order (wait for SSH, file mounts, initialization commands,
/// docker, setup commands, start commands), decided from the config and what the node reports
/// about its last set-up. Pure: `NodeRunner` carries it out.
package struct NodeSetupPlan: Equatable, Sendable {
    package enum Step: Equatable, Sendable {
        case waitForSSH
        /// Upload file mounts, the grow binaries (copy mode) and the cluster token.
        case syncFiles
        /// Commands on the host, before docker (`initialization_commands`).
        case initialization([ConfiguredCommand])
        /// Pull the image and start the container unless it runs.
        case docker
        /// `setup_commands` then the role's own, in the container when there is one.
        case setup([ConfiguredCommand])
        /// The role's start commands.
        case start([ConfiguredCommand])
        /// Write the set-up hash on the node, so the next `up` can skip what did not change.
        case recordHash
    }

    package let node: NodeIdentity
    package let steps: [Step]
    /// The set-up hash this plan leaves on the node.
    package let hash: String
    /// True when the node's set-up matched and only the start (if any) runs.
    package let upToDate: Bool

    package init(
        config: ClusterConfig, node: NodeIdentity, contentDigest: String, storedHash: String?, options: SetupOptions
    ) {
        self.node = node
        let hash = Self.setupHash(config: config, node: node, contentDigest: contentDigest, options: options)
        self.hash = hash
        let setUpBefore = storedHash != nil
        let unchanged = storedHash == hash
        upToDate = unchanged
        let role = node.role.rawValue
        let setup =
            ConfiguredCommand.list("setup_commands", config.setupCommands)
            + ConfiguredCommand.list(
                "\(role)_setup_commands", node.role == .head ? config.headSetupCommands : config.workerSetupCommands)
        let start = ConfiguredCommand.list(
            config.startCommandsKey(node.role),
            node.role == .head ? config.headStartCommands : config.workerStartCommands)
        let dockerSteps: [Step] = config.docker == nil ? [] : [.docker]
        var steps: [Step] = [.waitForSSH]
        switch options.restart {
        case .restartOnly:
            steps += [.syncFiles] + dockerSteps + [.start(start)]
        case .always, .noRestart:
            let startSteps: [Step] = options.restart == .noRestart && setUpBefore ? [] : [.start(start)]
            if unchanged {
                steps += dockerSteps + startSteps
            } else {
                steps +=
                    [
                        .syncFiles,
                        .initialization(
                            ConfiguredCommand.list("initialization_commands", config.initializationCommands)),
                    ] + dockerSteps
                steps += [.setup(setup)] + startSteps + [.recordHash]
            }
        }
        self.steps = steps
    }

    /// Digest of everything that shapes a node's set-up (Ray's runtime hash plus its file-mounts
    /// contents hash): commands, docker settings, the head's address, how binaries arrive, and
    /// `contentDigest` (sizes and times of the files to upload).
    package static func setupHash(
        config: ClusterConfig, node: NodeIdentity, contentDigest: String, options: SetupOptions
    )
        -> String
    {
        var lines = ["grow-setup-v1", config.clusterName, node.role.rawValue, node.address]
        if case .local(let local) = config.provider { lines.append("head \(local.headIP)") }
        if let docker = config.docker {
            lines += [
                "docker", docker.image(for: node.role), docker.containerName, "\(docker.pullBeforeRun)",
                docker.runOptions(for: node.role).joined(separator: "\u{1}"),
            ]
        }
        lines.append("binaries \(options.binaries.rawValue)")
        let setup = node.role == .head ? config.headSetupCommands : config.workerSetupCommands
        let start = node.role == .head ? config.headStartCommands : config.workerStartCommands
        for (name, list) in [
            ("init", config.initializationCommands), ("setup", config.setupCommands), ("role-setup", setup),
            ("start", start),
        ] {
            lines.append("\(name) \(list.count)")
            lines += list
        }
        lines.append("content \(contentDigest)")
        return sha256(lines.joined(separator: "\n"))
    }

    package static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension NodeSetupPlan.Step {
    /// The step as the progress display and the node's log name it.
    package var name: String {
        switch self {
        case .waitForSSH: return "wait for SSH"
        case .syncFiles: return "file mounts"
        case .initialization: return "initialization"
        case .docker: return "docker"
        case .setup: return "setup"
        case .start: return "start"
        case .recordHash: return "record hash"
        }
    }
}
