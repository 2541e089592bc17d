/// Why an SSH step failed, as one line naming the node.
package struct SSHError: Error, CustomStringConvertible, Sendable {
    package enum Kind: Sendable {
        /// Nothing answered (refused, unreachable, timed out): worth retrying while a node boots.
        case unreachable
        /// The server answered but the key or host key was not accepted: retrying will not help.
        case refused
        /// The session broke or a remote operation failed.
        case failed
    }

    package let kind: Kind
    package let description: String

    package init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
