/// Arrays a kernel cannot work on (shapes that do not fit together, a channel that does not
/// exist, timestamps out of order), as one line that says what was expected.
public struct KernelError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
