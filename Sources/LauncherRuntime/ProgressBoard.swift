import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One line per node with its current step. On a terminal the lines are redrawn in place; in a
/// log (not a terminal) every change is printed as its own line, which is what tests read.
package final class ProgressBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var order: [String] = []
    private var lines: [String: String] = [:]
    private var drawn = 0
    private let live: Bool
    private let output: FileHandle
    private let quiet: Bool

    /// `quiet`: keep node lines to itself (for verbs whose output is the command's own).
    package init(output: FileHandle = .standardError, live: Bool? = nil, quiet: Bool = false) {
        self.output = output
        self.live = live ?? (isatty(output.fileDescriptor) != 0)
        self.quiet = quiet
    }

    package func update(_ node: String, _ state: String) {
        lock.lock()
        defer { lock.unlock() }
        if lines[node] == nil { order.append(node) }
        guard lines[node] != state else { return }
        lines[node] = state
        if quiet { return }
        if live {
            var text = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
            let width = order.map(\.count).max() ?? 0
            for name in order {
                text +=
                    "\u{1B}[2K  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + (lines[name] ?? "") + "\n"
            }
            drawn = order.count
            output.write(Data(text.utf8))
        } else {
            output.write(Data("  \(node): \(state)\n".utf8))
        }
    }

    /// A line outside the board (warnings, summaries).
    package func print(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        output.write(Data((line + "\n").utf8))
        if live { drawn = 0 }
    }
}
