import GrowCLI
import Wire

/// A job's progress while `submit --wait` or `run` follows it: tiles done of the total, failures,
/// tiles running, the rate in tiles per second and the time left.
struct ProgressBar {
    private let line = ProgressLine()

    func update(_ job: JobSummary) {
        let finished = job.done + job.failed + job.quarantined
        line.update(done: finished, total: job.total, final: job.state != .running) { rate, eta in
            var text = "\(job.done)/\(job.total) done"
            if job.failed > 0 { text += "  \(job.failed) failed" }
            if job.quarantined > 0 { text += "  \(job.quarantined) quarantined" }
            return text + "  \(job.running) running  \(ProgressLine.format(rate: rate)) tiles/s  ETA \(eta)"
        }
    }

    func finish() { line.finish() }
}
