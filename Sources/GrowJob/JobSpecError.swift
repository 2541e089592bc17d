/// A job spec that cannot be run, with where the problem is: the file (`source`), the key path
/// inside it (`sleep.alpha`, `command[2]`; empty for a document that is not JSON at all) and what
/// was expected.
package struct JobSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    package var source: String
    package var keyPath: String
    package var message: String

    package init(source: String, keyPath: String, message: String) {
        self.source = source
        self.keyPath = keyPath
        self.message = message
    }

    /// One line: `<source>: <keyPath>: <message>` (the key path is left out when empty).
    package var description: String {
        let line = keyPath.isEmpty ? "\(source): \(message)" : "\(source): \(keyPath): \(message)"
        return String(line.map { $0.isNewline ? " " : $0 })
    }
}
