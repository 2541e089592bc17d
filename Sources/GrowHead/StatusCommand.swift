import AWSCore
import ArgumentParser
import Foundation
import HeadRuntime
import Launcher
import LauncherRuntime
import Wire

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the head's workers and jobs.",
        discussion: """
            With a cluster.yaml, asks that cluster's head over SSH (`ray status` for grow); for a \
            `provider: type: aws` cluster it first lists the cluster's instances (type, market, \
            zone, state, uptime, tiles their worker finished), found by their tags.
            """)

    @Argument(help: "A cluster.yaml: ask that cluster's head (over SSH) instead of --address.") var cluster: String?
    @Flag(help: "Print the workers and jobs as JSON (for scripts).") var json = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var clusterOptions: ClusterOptions

    func run() async throws {
        try await reportingUserErrors {
            if let cluster {
                try clusterStatus(cluster)
                return
            }
            let workers = try await connection.connect().workers()
            let jobs = try await connection.connect().jobs()
            print(
                json
                    ? StatusReport.json(workers: workers, jobs: jobs)
                    : StatusReport.render(workers: workers, jobs: jobs))
        }
    }

    /// The head's status over SSH; an aws cluster's instances before it.
    private func clusterStatus(_ cluster: String) throws {
        let loaded = try clusterOptions.context(cluster, tokenFile: connection.tokenFile)
        guard case .aws(let aws) = loaded.config.provider else {
            return try headStatus(
                NodeRunner(context: loaded, node: try head(of: loaded), board: ProgressBoard(quiet: true)))
        }
        // One listing of the instances serves both the login to the head and the table.
        let (context, instances) = try UserError.wrap {
            let provider = try EC2NodeProvider(
                config: loaded.config, ec2: EC2NodeProvider.client(config: loaded.config))
            let instances = try provider.instances()
            return (try EC2ClusterOperations.liveContext(loaded, provider: provider, instances: instances), instances)
        }
        let runner = NodeRunner(context: context, node: try head(of: context), board: ProgressBoard(quiet: true))
        if !json {
            var output = Data()
            _ = try UserError.wrap {
                try runner.execute("grow-head status --json") { chunk in
                    if case .stdout(let data) = chunk { output.append(data) }
                }
            }
            print(
                StatusReport.instances(
                    instances, cluster: loaded.config.clusterName, region: aws.region,
                    tilesDone: StatusReport.tilesDoneByNode(json: output),
                    nowMs: UInt64(Date().timeIntervalSince1970 * 1000)))
            print("")
        }
        try headStatus(runner)
    }

    private func head(of context: ClusterContext) throws -> NodeIdentity {
        guard let head = context.head else { throw UserError("\(context.configPath): no head node") }
        return head
    }

    /// The head's own `status` (or `status --json`) over SSH, its output passed on.
    private func headStatus(_ runner: NodeRunner) throws {
        let status = try UserError.wrap {
            try runner.execute("grow-head status" + (json ? " --json" : "")) { ExecCommand.forward($0) }
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// `status` as tables a person reads at a glance.
enum StatusReport {
    static func render(workers: [WorkerSummary], jobs: [JobSummary]) -> String {
        var lines: [String] = []
        let active = workers.filter { $0.state != .lost }
        let slots = active.reduce(0) { $0 + Int($1.slots) }
        let busy = active.reduce(0) { $0 + Int($1.busySlots) }
        lines.append("Workers: \(active.count) up, \(workers.count - active.count) lost; slots \(busy)/\(slots) busy")
        if !workers.isEmpty {
            lines.append(
                table(
                    ["WORKER", "HOST", "STATE", "SLOTS", "BUSY", "QUEUED", "LOAD", "RSS", "DONE", "HEARD"],
                    workers.map { worker in
                        [
                            worker.workerID, worker.host, "\(worker.state)", "\(worker.slots)", "\(worker.busySlots)",
                            "\(worker.queuedTiles)", String(format: "%.2f", worker.load), bytes(worker.rssBytes),
                            "\(worker.tilesDone)", ago(worker.lastHeartbeatAgoMs),
                        ]
                    }))
        }
        lines.append("")
        lines.append("Jobs: \(jobs.filter { $0.state == .running }.count) running, \(jobs.count) in all")
        if !jobs.isEmpty {
            lines.append(
                table(
                    ["JOB", "NAME", "STATE", "DONE", "FAILED", "QUAR", "RUNNING", "PENDING", "PROGRESS"],
                    jobs.map { job in
                        let finished = job.done + job.failed + job.quarantined
                        let percent = job.total == 0 ? 100 : Double(finished) * 100 / Double(job.total)
                        return [
                            "\(job.job)", job.name, "\(job.state)", "\(job.done)/\(job.total)", "\(job.failed)",
                            "\(job.quarantined)",
                            "\(job.running)", "\(job.pending)", String(format: "%.1f%%", percent),
                        ]
                    }))
        }
        return lines.joined(separator: "\n")
    }

    /// An aws cluster's instances, head first, then by launch time.
    static func instances(
        _ instances: [EC2Instance], cluster: String, region: String, tilesDone: [String: UInt64], nowMs: UInt64
    ) -> String {
        let sorted = instances.sorted {
            let kinds = ($0.tags[EC2NodeTags.kind] == "head" ? 0 : 1, $1.tags[EC2NodeTags.kind] == "head" ? 0 : 1)
            return kinds.0 != kinds.1 ? kinds.0 < kinds.1 : ($0.launchTime ?? 0, $0.id) < ($1.launchTime ?? 0, $1.id)
        }
        let workers = sorted.filter { $0.tags[EC2NodeTags.kind] != "head" }
        var lines = [
            "Instances of \(cluster) in \(region): \(sorted.count - workers.count) head, \(workers.count) worker(s), \(workers.filter(\.isSpot).count) spot"
        ]
        lines.append(
            table(
                ["INSTANCE", "KIND", "NODE TYPE", "TYPE", "MARKET", "ZONE", "STATE", "UPTIME", "ADDRESS", "DONE"],
                sorted.map { instance in
                    let uptime = instance.launchTime.map { nowMs > $0 ? duration(nowMs - $0) : "0s" } ?? "?"
                    let kind = instance.tags[EC2NodeTags.kind] ?? "?"
                    return [
                        instance.id, kind, instance.tags[EC2NodeTags.type] ?? "?", instance.type,
                        instance.isSpot ? "spot" : "on-demand", instance.zone, instance.state,
                        instance.state == "running" ? uptime : "-", instance.privateIP ?? "-",
                        kind == "head" ? "-" : "\(tilesDone[instance.id] ?? 0)",
                    ]
                }))
        return lines.joined(separator: "\n")
    }

    /// Tiles finished per node id, from `status --json` (all of a node's workers together).
    static func tilesDoneByNode(json: Data) -> [String: UInt64] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let workers = object["workers"] as? [[String: Any]]
        else { return [:] }
        var done: [String: UInt64] = [:]
        for worker in workers {
            guard let node = worker["node_id"] as? String, !node.isEmpty else { continue }
            done[node, default: 0] += (worker["tiles_done"] as? NSNumber)?.uint64Value ?? 0
        }
        return done
    }

    static func json(workers: [WorkerSummary], jobs: [JobSummary]) -> String {
        let object: [String: Any] = [
            "workers": workers.map { worker -> [String: Any] in
                [
                    "worker_id": worker.workerID, "host": worker.host, "state": "\(worker.state)",
                    "slots": worker.slots,
                    "busy_slots": worker.busySlots, "queued_tiles": worker.queuedTiles, "load": worker.load,
                    "rss_bytes": worker.rssBytes, "tiles_done": worker.tilesDone,
                    "last_heard_ms_ago": worker.lastHeartbeatAgoMs, "node_id": worker.nodeID,
                ]
            },
            "jobs": jobs.map { job -> [String: Any] in
                [
                    "job": job.job, "name": job.name, "state": "\(job.state)", "total": job.total,
                    "pending": job.pending,
                    "running": job.running, "done": job.done, "failed": job.failed, "quarantined": job.quarantined,
                    "retries": job.retries, "submitted_unix_ms": job.submittedUnixMs,
                    "finished_unix_ms": job.finishedUnixMs, "records": job.recordsPath,
                ]
            },
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func duration(_ ms: UInt64) -> String {
        let seconds = ms / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds / 60 % 60)m"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.map { "  " + $0 }.joined(separator: "\n")
    }

    static func bytes(_ value: UInt64) -> String {
        value >= 1 << 30 ? String(format: "%.1fG", Double(value) / Double(1 << 30)) : "\(value >> 20)M"
    }

    static func ago(_ ms: UInt64) -> String {
        ms < 1000 ? "\(ms)ms ago" : String(format: "%.0fs ago", Double(ms) / 1000)
    }
}
