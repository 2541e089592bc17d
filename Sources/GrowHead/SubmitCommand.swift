import ArgumentParser
import Foundation
import GDALRaster
import GrowJob
import HeadRuntime
import Launcher
import LauncherRuntime
import Wire

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a job file to a running head, or a pipeline to a cluster (what eogrow-ray did).",
        usage: """
            grow-head submit JOB [--wait] [--address HOST:PORT] [-v name:value ...]
            grow-head submit CLUSTER.yaml PIPELINE [--start] [--stop] [-v name:value ...]
            """,
        discussion: """
            With one job file: sends it to the head at --address; with --wait, follows the job with a \
            progress bar and exits 0 when every tile finished, 1 when some failed. A pipeline chain (a \
            list of {"pipeline_config": ...} entries) runs its pipelines one after the other, always \
            followed, and stops at the first pipeline with failed tiles.

            A pipeline grow does not implement (any other eo-grow class path, custom ones too) runs \
            through eo-grow: eo-grow's driver runs here with --python, does the pipeline's own steps and \
            submits its per-patch executions to the head as one job, followed to its end (docs/eogrow.md).

            Cluster mode (two arguments, or a first argument ending in .yaml/.yml): the pipeline is \
            resolved here (imports, variables), uploaded to the cluster's head over SSH and submitted \
            there with `grow-head submit --wait`, whose progress streams back. --start runs `up` \
            first, --stop runs `down` afterwards (eogrow-ray CLUSTER PIPELINE --start --stop).
            """
    )

    @Argument(
        help:
            "The job file (eo-grow config language: JSON with comments, **imports, ${var:name}); in cluster mode the cluster.yaml."
    ) var job: String
    @Argument(help: "Cluster mode: the pipeline (job) file.") var pipeline: String?
    @Option(name: .customShort("v"), help: "Set a config variable: -v name:value (repeatable).") var variable:
        [String] = []
    @Option(
        name: .customShort("t"),
        help: "Run only this patch, by index in the grid (repeatable), as eo-grow's -t: sets test_subset.")
    var test: [Int] = []
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Follow the job until it ends (always on in cluster mode).") var wait = false
    @Flag(help: "Cluster mode: bring the cluster up first (grow-head up).") var start = false
    @Flag(help: "Cluster mode: bring the cluster down when the job ends (grow-head down).") var stop = false
    @OptionGroup var cluster: ClusterOptions
    @Option(
        help: """
            The Python with eo-grow, for pipelines grow runs through eo-grow (default: $GROW_EOGROW_PYTHON, \
            else the eo-grow venv of a development build, else python3).
            """)
    var python: String?

    func run() async throws {
        try await reportingUserErrors {
            if pipeline != nil || ClusterFile.looksLikeCluster(job) {
                return try submitToCluster()
            }
            if start || stop { throw UserError("--start and --stop need a cluster: submit CLUSTER.yaml PIPELINE") }
            let jobs = try JobFile.load(job, variables: variable, testPatches: test)
            let eoGrow = EOGrowSteps(python: python, config: job, variables: variable, testPatches: test)
            try await eoGrow.check(jobs)
            // A chain runs in order: each pipeline needs the previous one's outputs.
            let follow = wait || jobs.count > 1
            for (position, next) in jobs.enumerated() {
                let step = jobs.count > 1 ? " (\(position + 1)/\(jobs.count) of the chain)" : ""
                if let pipeline = next.eoGrowPipeline {
                    // eo-grow's steps run here; the driver waits for its executions whatever --wait says.
                    print(
                        "pipeline \"\(next.name)\"\(step): eo-grow runs \(pipeline) here, its executions on the cluster"
                    )
                    let status = try await eoGrow.run(
                        next, address: connection.address, tokenFile: connection.tokenFile)
                    if status != 0 { throw ExitCode(status) }
                    continue
                }
                let client = try await connection.connect()
                let accepted = try await UserError.wrap { () async throws -> JobAccepted in
                    try await client.submit(name: next.name, spec: next.spec)
                }
                print(
                    "job \(accepted.job) \"\(next.name)\"\(step) accepted: \(accepted.tileCount) tiles; records in \(accepted.recordsPath)"
                )
                guard follow else { return }
                let watcher = try await connection.connect()
                let final = try await JobWatch.follow(accepted.job, with: watcher)
                if final.state == .cancelled || (next.raiseOnFailure && final.failed + final.quarantined > 0) {
                    throw ExitCode(1)
                }
            }
        }
    }
}

extension SubmitCommand {
    /// eogrow-ray: resolve the pipeline here, submit it on the head over SSH, follow it there.
    func submitToCluster() throws {
        guard let pipeline else {
            throw UserError("cluster mode needs the pipeline file too: submit \(job) PIPELINE")
        }
        let jobs = try JobFile.load(pipeline, variables: variable, testPatches: test)
        let loaded = try cluster.context(job, tokenFile: connection.tokenFile, createToken: start)
        let board = ProgressBoard()
        if start {
            let context = loaded
            board.print("grow-head submit --start: bringing cluster \(context.config.clusterName) up")
            let setup = SetupOptions(binaries: SetupOptions.defaultBinaries(for: context.config))
            let outcome = try UserError.wrap {
                try ClusterOperations.up(context: context, options: setup, board: board, home: DefaultPaths.home)
            }
            try outcome.finish("up", board: board)
        }
        // An aws cluster's nodes are its running instances, known once it is up.
        let context = try UserError.wrap { try loaded.withLiveNodes() }
        guard let head = context.head else { throw UserError("\(job): no head node") }
        let runner = NodeRunner(context: context, node: head, board: ProgressBoard(quiet: true))
        _ = try UserError.wrap { try runner.execute("true") { _ in } }
        // A chain's pipelines run one after the other on the head, each followed to its end.
        var status: Int32 = 0
        let stamp = Int(Date().timeIntervalSince1970)
        for (position, next) in jobs.enumerated() where status == 0 {
            let safeName = String(next.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
            let remote = try UserError.wrap {
                try runner.uploadToGrowFolder(Data(next.spec.utf8), name: "jobs/\(safeName)-\(stamp)-\(position).json")
            }
            board.print(
                "submitting \(pipeline)\(jobs.count > 1 ? " [\(position + 1)/\(jobs.count)]" : "") to \(head) as \(remote)"
            )
            status = try UserError.wrap {
                // An eo-grow pipeline's driver runs there, with the head's Python (or --python's).
                let interpreter = python.map { " --python \(ShellQuote.quote($0))" } ?? ""
                return try runner.execute("grow-head submit \(ShellQuote.quote(remote)) --wait\(interpreter)") {
                    ExecCommand.forward($0)
                }
            }
        }
        if stop {
            board.print("grow-head submit --stop: bringing cluster \(context.config.clusterName) down")
            let outcome = try UserError.wrap {
                try ClusterOperations.down(context: loaded, workersOnly: false, board: board)
            }
            try outcome.finish("down")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

enum JobWatch {
    /// Shows the job's progress until it ends and prints where its records are.
    static func follow(_ job: UInt32, with client: HeadClient) async throws -> JobSummary {
        let bar = ProgressBar()
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
