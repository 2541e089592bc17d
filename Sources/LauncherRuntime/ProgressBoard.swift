import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One line per node with its current step. On a terminal the lines are redrawn in place; in a
/// log (not a terminal) every change is printed as its own line, which is what tests read.
package final class ProgressBoard: Sendable {
    private struct Board {
        var order: [String] = []
        var lines: [String: String] = [:]
        var drawn = 0
    }

    private let board = Mutex(Board())
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
        board.withLock { board in
            if board.lines[node] == nil { board.order.append(node) }
            guard board.lines[node] != state else { return }
            board.lines[node] = state
            if quiet { return }
            if live {
                var text = board.drawn > 0 ? "\u{1B}[\(board.drawn)A" : ""
                let width = board.order.map(\.count).max() ?? 0
                for name in board.order {
                    text +=
                        "\u{1B}[2K  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + (board.lines[name] ?? "") + "\n"
                }
                board.drawn = board.order.count
                output.write(Data(text.utf8))
            } else {
                output.write(Data("  \(node): \(state)\n".utf8))
            }
        }
    }

    /// A line outside the board (warnings, summaries).
    package func print(_ line: String) {
        board.withLock { board in
            output.write(Data((line + "\n").utf8))
            if live { board.drawn = 0 }
        }
    }
}
