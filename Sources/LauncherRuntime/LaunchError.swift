/// A launcher failure as the one line a user reads (file/key/node and what to do).
package struct LaunchError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
