import ArgumentParser
import Foundation
import Launcher
import LauncherRuntime

struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop a cluster: `ray down` for grow.",
        discussion: """
            Runs `grow-head daemon stop --all` on every node (inside the container, which is then \
            stopped, when the cluster uses docker): workers first, then the head. provider local \
            machines stay on; nothing is deleted from them.
            """)

    @Argument(help: "The cluster.yaml.") var cluster: String
    @Flag(help: "Stop only the workers; the head keeps running.") var workersOnly = false
    @Flag(help: "Do not ask for confirmation (accepted for Ray users' scripts).") var yes = false
    @OptionGroup var options: ClusterOptions
    @OptionGroup var token: ClusterTokenOption

    func run() async throws {
        try await reportingUserErrors {
            let context = try options.context(cluster, tokenFile: token.tokenFile)
            let board = ProgressBoard()
            let outcome = try UserError.wrap {
                try ClusterOperations.down(context: context, workersOnly: workersOnly, board: board)
            }
            try outcome.finish("down")
            board.print("cluster \(context.config.clusterName): \(workersOnly ? "workers" : "all nodes") stopped")
        }
    }
}
