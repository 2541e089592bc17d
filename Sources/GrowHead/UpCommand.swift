import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Bring a cluster up from a cluster.yaml (Ray's format): `ray up` for grow.",
        discussion: """
            Over SSH (libssh2, ed25519 or ECDSA key) every node is set up in Ray's order: wait for \
            SSH, file_mounts (only changed files are sent), initialization_commands, docker (pull, \
            run with --net=host), setup_commands and head_/worker_setup_commands, then the start \
            commands. The head first, then all workers in parallel; workers get GROW_HEAD_IP and \
            RAY_HEAD_IP. The cluster token goes to ~/.grow/token (0600) on every node, and after \
            `grow-head token rotate` the previous one to ~/.grow/token.previous. A node whose \
            set-up did not change since the last `up` only runs its start commands.

            Logs: ~/.grow/clusters/NAME/logs/. Exit 2 when a node fails (the others still come up).
            """)

    @Argument(help: "The cluster.yaml.") var cluster: String
    @Flag(help: "Do not ask for confirmation (grow never asks; accepted for Ray users' scripts).") var yes = false
    @Flag(help: "Do not restart grow on nodes that were set up before.") var noRestart = false
    @Flag(help: "Skip the set-up commands; only run the start commands.") var restartOnly = false
    @Option(
        help: ArgumentHelp(
            "How grow-head/grow-worker reach the nodes: copy (SFTP from this build; default without docker) or image (already in the docker image; default with docker).",
            valueName: "copy|image"))
    var binaries: String?
    @OptionGroup var options: ClusterOptions
    @OptionGroup var token: ClusterTokenOption

    func run() async throws {
        try await reportingUserErrors {
            guard !(noRestart && restartOnly) else {
                throw UserError("--no-restart and --restart-only exclude each other")
            }
            let context = try options.context(cluster, tokenFile: token.tokenFile, createToken: true)
            var setup = SetupOptions(binaries: SetupOptions.defaultBinaries(for: context.config))
            if let binaries {
                guard let mode = SetupOptions.Binaries(rawValue: binaries) else {
                    throw UserError("--binaries must be copy or image, not \"\(binaries)\"")
                }
                setup.binaries = mode
            }
            setup.restart = restartOnly ? .restartOnly : noRestart ? .noRestart : .always
            let board = ProgressBoard()
            if case .aws(let aws) = context.config.provider {
                board.print("grow-head up: cluster \(context.config.clusterName) on EC2 in \(aws.region)")
            } else {
                board.print(
                    "grow-head up: cluster \(context.config.clusterName), \(context.config.nodes.count) node(s)")
            }
            let outcome = try UserError.wrap {
                try ClusterOperations.up(context: context, options: setup, board: board, home: DefaultPaths.home)
            }
            try outcome.finish("up", board: board)
            board.print("cluster \(context.config.clusterName) is up; logs in \(context.logDirectory)")
        }
    }
}
