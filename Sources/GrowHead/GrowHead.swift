import ArgumentParser
import Foundation

@main
struct GrowHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow-head",
        abstract: "The head of a grow cluster: schedules EO tiles onto workers.",
        discussion: """
            Start a head with `grow-head start`, point workers at it with
            `grow-worker --address HEAD:6379`, then `grow-head submit job.json --wait`.
            Or run everything on this machine at once: `grow-head run job.json --workers 2`.
            """,
        subcommands: [Start.self, Submit.self, Status.self, Cancel.self, Run.self, Token.self]
    )

    /// Argument mistakes exit with 2 (ArgumentParser's default is 64), like every other user error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
