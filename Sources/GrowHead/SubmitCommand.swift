import ArgumentParser
import Exec
import Foundation
import HeadCore
import Wire

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a job file to a running head.",
        discussion:
            "With --wait, follows the job with a progress bar and exits 0 when every tile finished, 1 when some failed. A pipeline chain (a list of {\"pipeline_config\": ...} entries) runs its pipelines one after the other and is always followed; it stops at the first pipeline with failed tiles."
    )

    @Argument(help: "The job file (eo-grow config language: JSON with comments, **imports, ${var:name}).") var job:
        String
    @Option(name: .customShort("v"), help: "Set a config variable: -v name:value (repeatable).") var variable:
        [String] = []
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Follow the job until it ends.") var wait = false

    func run() async throws {
        try await reportingUserErrors {
            let jobs = try JobFile.load(job, variables: variable)
            // A chain runs in order: each pipeline needs the previous one's outputs.
            let follow = wait || jobs.count > 1
            for (position, next) in jobs.enumerated() {
                let client = try await connection.connect()
                let accepted = try await UserError.wrap { () async throws -> JobAccepted in
                    try await client.submit(name: next.name, spec: next.spec)
                }
                let step = jobs.count > 1 ? " (\(position + 1)/\(jobs.count) of the chain)" : ""
                print("job \(accepted.job) \"\(next.name)\"\(step) accepted: \(accepted.tileCount) tiles; records in \(accepted.recordsPath)")
                guard follow else { return }
                let watcher = try await connection.connect()
                let final = try await JobWatch.follow(accepted.job, with: watcher)
                if final.failed + final.quarantined > 0 || final.state == .cancelled { throw ExitCode(1) }
            }
        }
    }
}

/// Reads and checks a job file before it goes to the head, so mistakes show up here with the
/// file's name. A pipeline chain (a list of `pipeline_config` entries) gives several jobs, run one
/// after the other.
enum JobFile {
    struct Job {
        var name: String
        var spec: String
    }

    static func load(_ path: String, variables: [String]) throws -> [Job] {
        let source = (path as NSString).lastPathComponent
        return try UserError.wrap {
            let assignments = try ConfigLoader.parseVariableAssignments(variables)
            let configs = try ConfigLoader.loadChain(path: path, variables: assignments)
            return try configs.enumerated().map { position, text in
                let spec = try JobSpec.parse(json: text, source: configs.count > 1 ? "\(source)[\(position)]" : source)
                return Job(name: spec.name, spec: spec.canonicalJSON())
            }
        }
    }
}

enum JobWatch {
    /// Shows the job's progress until it ends and prints where its records are.
    static func follow(_ job: UInt32, with client: HeadClient) async throws -> JobSummary {
        var bar = ProgressBar()
        let final = try await client.watch(job) { bar.update($0) }
        bar.finish()
        let seconds = Double(final.finishedUnixMs - final.submittedUnixMs) / 1000
        print(
            "job \(final.job) \(final.state == .cancelled ? "cancelled" : "finished") in \(String(format: "%.1f", seconds)) s: "
                + "\(final.done) done, \(final.failed) failed, \(final.quarantined) quarantined; records: \(final.recordsPath)"
        )
        return final
    }
}
