import ArgumentParser
import Foundation
import GrowCLI

@main
struct GrowHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow-head",
        abstract: "The head of a grow cluster: schedules EO tiles onto workers.",
        discussion: """
            Start a head with `grow-head start`, point workers at it with
            `grow-worker --address HEAD:6379`, then `grow-head submit job.json --wait`.
            Or run everything on this machine at once: `grow-head run job.json --workers 2`.
            A whole cluster from a Ray cluster.yaml: `grow-head up cluster.yaml`, then
            `grow-head submit cluster.yaml pipeline.json`, `grow-head status cluster.yaml`,
            `grow-head down cluster.yaml` (docs/cluster.md).
            """,
        subcommands: [
            StartCommand.self, SubmitCommand.self, StatusCommand.self, CancelCommand.self, RunCommand.self,
            ValidateCommand.self, TemplateCommand.self,
            TokenCommand.self, StorageCommand.self, UpCommand.self, DownCommand.self,
            AttachCommand.self, ExecCommand.self, DaemonCommand.self, DashboardCommand.self, ImageCommand.self,
        ]
    )

    static func main() async { await mainExitingTwoOnUsageErrors() }
}
