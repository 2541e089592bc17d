import GrowCLI

/// A transfer's progress (`storage cp`): bytes done of the total, the rate and the time left.
/// Only transfers of 8 MiB and more show one. Called from transfer threads.
struct ByteProgressBar: Sendable {
    static let minimumSize: UInt64 = 8 << 20
    private let line = ProgressLine(window: 5)

    func update(done: UInt64, total: UInt64) {
        guard total >= Self.minimumSize else { return }
        line.update(done: done, total: total, final: done == total) { rate, eta in
            "\(ByteCount.format(done)) / \(ByteCount.format(total))  \(ByteCount.format(UInt64(max(rate, 0))))/s  ETA \(eta)"
        }
    }

    func finish() { line.finish() }
}
