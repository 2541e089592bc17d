import GrowBase

/// Arrays a kernel cannot work on (shapes that do not fit together, a channel that does not
/// exist, timestamps out of order), as one line that says what was expected.
package struct KernelError: RetryableError, Equatable, Sendable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }

    /// Arrays that do not fit stay so.
    package var isRetryable: Bool { false }
}
