import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime

struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open an interactive shell on the cluster's head: `ray attach` for grow.",
        discussion:
            "A terminal in raw mode over SSH with the window size kept in step; in the container (docker exec -it) when the cluster uses docker. Watch a job with `grow-head status` there."
    )

    @Argument(help: "The cluster.yaml.") var cluster: String
    @OptionGroup var options: ClusterOptions
    @OptionGroup var token: ClusterTokenOption

    func run() async throws {
        try await reportingUserErrors {
            let loaded = try options.context(cluster, tokenFile: token.tokenFile)
            let context = try UserError.wrap { try loaded.withLiveNodes() }
            guard let head = context.head else { throw UserError("\(cluster): no head node") }
            let runner = NodeRunner(context: context, node: head, board: ProgressBoard(quiet: true))
            let status = try UserError.wrap { try runner.attach() }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
