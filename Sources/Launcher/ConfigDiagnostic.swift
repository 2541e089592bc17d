/// One finding about a cluster.yaml: where it is (file, line, key path) and what is wrong.
/// Its description is the one line a user sees: `cluster.yaml:12: provider.head_ip: ...`.
package struct ConfigDiagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    package let file: String
    /// 1-based; 0 when the finding is about the whole file.
    package let line: Int
    /// Dotted path of the key, e.g. `provider.worker_ips[1]`; empty for the whole file.
    package let key: String
    package let message: String

    package init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    package var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
