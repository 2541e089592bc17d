import GrowBase

/// An EOPatch or `.npy` / `.npy.gz` file that cannot be read or written as asked, as one line
/// naming the patch folder or file and what was expected:
/// `data/eopatch-0/data/BANDS.npy: truncated data: the header promises 4800 bytes, found 4000`.
package struct EODataError: RetryableError, Equatable, Sendable {
    /// The patch folder or file (storage key or path).
    package var location: String
    package var message: String

    package init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    package var description: String { "\(location): \(message)" }
    /// Malformed or incomplete data reads the same on every attempt.
    package var isRetryable: Bool { false }
}
