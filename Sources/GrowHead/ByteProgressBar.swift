import Foundation
import ObjectStore

/// A transfer's progress on stderr: bar, bytes, rate over the last seconds, and ETA. Redrawn in
/// place on a terminal (at most 10 times a second); elsewhere a line every 5 s. Only transfers
/// of 8 MiB and more show one. Called from transfer threads.
final class ByteProgressBar: @unchecked Sendable {  // state behind `lock`
    private struct State {
        var started = Date()
        var lastDraw = Date.distantPast
        var samples: [(time: Date, done: UInt64)] = []
        var drawn = false
        var finished = false
    }

    private let lock = NSLock()
    private var state = State()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    static let minimumSize: UInt64 = 8 << 20

    func update(done: UInt64, total: UInt64) {
        guard total >= Self.minimumSize else { return }
        let line: String? = withState { state in
            guard !state.finished else { return nil }
            let now = Date()
            let interval = isTerminal ? 0.1 : 5
            guard now.timeIntervalSince(state.lastDraw) >= interval || done == total else { return nil }
            state.lastDraw = now
            state.samples.append((now, done))
            state.samples.removeAll { now.timeIntervalSince($0.time) > 5 }
            let rate: Double
            if let first = state.samples.first, now.timeIntervalSince(first.time) > 0.2, done >= first.done {
                rate = Double(done - first.done) / now.timeIntervalSince(first.time)
            } else {
                rate = Double(done) / max(now.timeIntervalSince(state.started), 0.001)
            }
            state.drawn = true
            return Self.line(done: done, total: total, rate: rate)
        }
        guard let line else { return }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K\(line)" : "\(line)\n").utf8))
    }

    func finish() {
        let drawn = withState { state -> Bool in
            defer { state.finished = true }
            return state.drawn && !state.finished
        }
        if drawn, isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// `██████░░░░  60.0%  120 MiB / 200 MiB  85.3 MiB/s  ETA 0:01`
    static func line(done: UInt64, total: UInt64, rate: Double) -> String {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let eta = rate > 0 ? ProgressBar.format(seconds: Double(total - min(done, total)) / rate) : "--:--"
        return
            "\(bar) \(String(format: "%5.1f", fraction * 100))%  \(ByteCount.format(done)) / \(ByteCount.format(total))  "
            + "\(ByteCount.format(UInt64(max(rate, 0))))/s  ETA \(eta)"
    }
}
