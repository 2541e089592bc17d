import Foundation
import HeadRuntime
import Wire

/// A one-line progress display: bar, counts, rate and ETA. Redraws in place on a terminal;
/// elsewhere (logs, CI) prints a line every few seconds instead.
struct ProgressBar {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let started = Date()
    private var lastLine = Date.distantPast
    private var samples: [(time: Date, finished: UInt64)] = []

    mutating func update(_ job: JobSummary) {
        let now = Date()
        let finished = job.done + job.failed + job.quarantined
        samples.append((now, finished))
        samples.removeAll { now.timeIntervalSince($0.time) > 10 }
        let rate: Double
        if let first = samples.first, now.timeIntervalSince(first.time) > 0.2 {
            rate = Double(finished - min(first.finished, finished)) / now.timeIntervalSince(first.time)
        } else {
            rate = Double(finished) / max(now.timeIntervalSince(started), 0.001)
        }
        let remaining = job.total > finished ? job.total - finished : 0
        let eta = rate > 0 ? Self.format(seconds: Double(remaining) / rate) : "--:--"
        let fraction = job.total == 0 ? 1 : Double(finished) / Double(job.total)
        let width = 30
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var line = "\(bar) \(String(format: "%5.1f", fraction * 100))%  \(job.done)/\(job.total) done"
        if job.failed > 0 { line += "  \(job.failed) failed" }
        if job.quarantined > 0 { line += "  \(job.quarantined) quarantined" }
        line += "  \(job.running) running  \(Self.format(rate: rate)) tiles/s  ETA \(eta)"
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
        } else if now.timeIntervalSince(lastLine) >= 5 || job.state != .running {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
            lastLine = now
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func format(seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%d:%02d:%02d", total / 3600, total % 3600 / 60, total % 60) }
        return String(format: "%d:%02d", total / 60, total % 60)
    }

    static func format(rate: Double) -> String {
        rate >= 100 ? String(format: "%.0f", rate) : String(format: "%.1f", rate)
    }
}
