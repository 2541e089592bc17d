import Foundation
import Synchronization

/// One progress line on stderr with a bar, the rate over the last seconds and the time left:
/// redrawn in place on a terminal (at most ten times a second), printed as a new line every
/// five seconds elsewhere (logs, CI), so both a person and a log read it well. Thread-safe.
package final class ProgressLine: Sendable {
    private struct State {
        var started = Date()
        var lastDraw = Date.distantPast
        var samples: [(time: Date, done: UInt64)] = []
        var drawn = false
        var finished = false
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    /// The rate is measured over this many seconds, so it follows changes in speed.
    private let window: TimeInterval

    package init(isTerminal: Bool = isatty(STDERR_FILENO) != 0, window: TimeInterval = 10) {
        self.isTerminal = isTerminal
        self.window = window
    }

    /// Shows `done` of `total`: the bar and the percentage, then `describe(rate, eta)` (the
    /// caller's counts and units). `final` draws even within the redraw interval.
    package func update(
        done: UInt64, total: UInt64, final: Bool = false, describe: (_ rate: Double, _ eta: String) -> String
    ) {
        let now = Date()
        let rate: Double? = state.withLock { state in
            guard !state.finished else { return nil }
            guard now.timeIntervalSince(state.lastDraw) >= (isTerminal ? 0.1 : 5) || final else { return nil }
            state.lastDraw = now
            state.samples.append((now, done))
            state.samples.removeAll { now.timeIntervalSince($0.time) > window }
            state.drawn = true
            if let first = state.samples.first, now.timeIntervalSince(first.time) > 0.2, done >= first.done {
                return Double(done - first.done) / now.timeIntervalSince(first.time)
            }
            return Double(done) / max(now.timeIntervalSince(state.started), 0.001)
        }
        guard let rate else { return }
        let remaining = total > done ? total - done : 0
        let eta = rate > 0 ? Self.format(seconds: Double(remaining) / rate) : "--:--"
        let line = Self.bar(done: done, total: total) + "  " + describe(rate, eta)
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K\(line)" : "\(line)\n").utf8))
    }

    /// Ends the line on a terminal; later updates are ignored.
    package func finish() {
        let drawn = state.withLock { state -> Bool in
            defer { state.finished = true }
            return state.drawn && !state.finished
        }
        if drawn, isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `██████░░░░  60.0%`
    static func bar(done: UInt64, total: UInt64, width: Int = 30) -> String {
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            + String(format: " %5.1f%%", fraction * 100)
    }

    /// `m:ss`, or `h:mm:ss` from an hour on.
    package static func format(seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%d:%02d:%02d", total / 3600, total % 3600 / 60, total % 60) }
        return String(format: "%d:%02d", total / 60, total % 60)
    }

    /// A rate with the precision that reads well: `1234`, `12.5`.
    package static func format(rate: Double) -> String {
        rate >= 100 ? String(format: "%.0f", rate) : String(format: "%.1f", rate)
    }
}
