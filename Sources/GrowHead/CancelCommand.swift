import ArgumentParser
import HeadRuntime
import Wire

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: pending tiles are dropped, running ones stopped.")

    @Argument(help: "The job's number (see `grow-head status`).") var job: UInt32
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await reportingUserErrors {
            let client = try await connection.connect()
            let jobs = try await UserError.wrap { () async throws -> [JobSummary] in try await client.cancel(job) }
            for summary in jobs {
                print("job \(summary.job) \(summary.state): \(summary.done) done, \(summary.failed) failed")
            }
        }
    }
}
