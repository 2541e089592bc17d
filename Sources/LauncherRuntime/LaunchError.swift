/// A launcher failure as the one line a user reads (file/key/node and what to do).
public struct LaunchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
