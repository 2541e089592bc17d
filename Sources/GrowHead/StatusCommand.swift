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
        discussion:
            "With a cluster.yaml, runs `grow-head status` on that cluster's head over SSH (`ray status` for grow).")

    @Argument(help: "A cluster.yaml: ask that cluster's head (over SSH) instead of --address.") var cluster: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var clusterOptions: ClusterOptions

    func run() async throws {
        try await reportingUserErrors {
            if let cluster {
                let loaded = try clusterOptions.context(cluster, tokenFile: connection.tokenFile)
                let context = try UserError.wrap { try loaded.withLiveNodes() }
                guard let head = context.head else { throw UserError("\(cluster): no head node") }
                let runner = NodeRunner(context: context, node: head, board: ProgressBoard(quiet: true))
                let status = try UserError.wrap { try runner.execute("grow-head status") { ExecCommand.forward($0) } }
                if status != 0 { throw ExitCode(status) }
                return
            }
            let workers = try await connection.connect().workers()
            let jobs = try await connection.connect().jobs()
            print(StatusReport.render(workers: workers, jobs: jobs))
        }
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
