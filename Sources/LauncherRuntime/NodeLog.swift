import Foundation

/// The log file of one node's set-up: every command, its output and its exit status. Also keeps
/// the last lines of output, for the one-line error when a command fails.
package final class NodeLog: @unchecked Sendable {
    package let path: String
    private let handle: FileHandle?
    private let lock = NSLock()
    private var tail: [String] = []
    private var partial = ""

    package init(path: String) {
        self.path = path
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        handle = FileHandle(forWritingAtPath: path)
    }

    deinit { try? handle?.close() }

    package func note(_ line: String) {
        write(Data("[\(Self.timestamp())] \(line)\n".utf8))
    }

    package func output(_ data: Data) {
        write(data)
        lock.lock()
        partial += String(decoding: data, as: UTF8.self)
        var lines = partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        partial = lines.removeLast()
        tail = Array((tail + lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).suffix(5))
        lock.unlock()
    }

    /// The last non-empty output line (of the command that just ran), for error messages.
    package func lastLine() -> String? {
        lock.lock()
        defer { lock.unlock() }
        let pending = partial.trimmingCharacters(in: .whitespaces)
        return pending.isEmpty ? tail.last : pending
    }

    package func clearTail() {
        lock.lock()
        tail = []
        partial = ""
        lock.unlock()
    }

    private func write(_ data: Data) {
        lock.lock()
        handle?.write(data)
        lock.unlock()
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}
