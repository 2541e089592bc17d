import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime

struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a shell command on the cluster's head (in its container with docker): `ray exec`.",
        discussion: "Output streams back as it comes; grow-head exits with the command's exit status.")

    @Argument(help: "The cluster.yaml.") var cluster: String
    @Argument(help: "The command (quote it as one argument).") var command: String
    @OptionGroup var options: ClusterOptions
    @OptionGroup var token: ClusterTokenOption

    func run() async throws {
        try await reportingUserErrors {
            let loaded = try options.context(cluster, tokenFile: token.tokenFile)
            let context = try UserError.wrap { try loaded.withLiveNodes() }
            guard let head = context.head else { throw UserError("\(cluster): no head node") }
            let runner = NodeRunner(context: context, node: head, board: ProgressBoard(live: false, quiet: true))
            let status = try UserError.wrap { try runner.execute(command) { Self.forward($0) } }
            if status != 0 { throw ExitCode(status) }
        }
    }

    static func forward(_ chunk: CommandOutput) {
        switch chunk {
        case .stdout(let data): FileHandle.standardOutput.write(data)
        case .stderr(let data): FileHandle.standardError.write(data)
        }
    }
}
