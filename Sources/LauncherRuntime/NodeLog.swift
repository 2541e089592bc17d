import Foundation
import Synchronization

/// The log file of one node's set-up: every command, its output and its exit status. Also keeps
/// the last lines of output, for the one-line error when a command fails.
package final class NodeLog: Sendable {
    package let path: String
    private let handle: FileHandle?
    private let lines = Mutex(Lines())

    private struct Lines {
        var tail: [String] = []
        var partial = ""
    }

    package init(path: String) {
        self.path = path
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        handle = FileHandle(forWritingAtPath: path)
    }

    deinit { try? handle?.close() }

    package func note(_ line: String) {
        write(Data("[\(Self.timestamp())] \(line)\n".utf8))
    }

    package func output(_ data: Data) {
        write(data)
        lines.withLock { state in
            state.partial += String(decoding: data, as: UTF8.self)
            var complete = state.partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            state.partial = complete.removeLast()
            let printed = complete.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            state.tail = Array((state.tail + printed).suffix(5))
        }
    }

    /// The last non-empty output line (of the command that just ran), for error messages.
    package func lastLine() -> String? {
        lines.withLock { state in
            let pending = state.partial.trimmingCharacters(in: .whitespaces)
            return pending.isEmpty ? state.tail.last : pending
        }
    }

    package func clearTail() {
        lines.withLock { $0 = Lines() }
    }

    private func write(_ data: Data) {
        lines.withLock { _ in handle?.write(data) }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}
