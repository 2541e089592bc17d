/// A command from cluster.yaml with the key it came from (`setup_commands[2]`), so a failure on a
/// node can name the line of the file to fix.
package struct ConfiguredCommand: Equatable, Sendable, CustomStringConvertible {
    package var key: String
    package var text: String

    package init(key: String, text: String) {
        self.key = key
        self.text = text
    }

    package var description: String { text }

    static func list(_ key: String, _ commands: [String]) -> [ConfiguredCommand] {
        commands.enumerated().map { ConfiguredCommand(key: "\(key)[\($0.offset)]", text: $0.element) }
    }
}
