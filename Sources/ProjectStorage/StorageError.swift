import GrowBase

/// A failed storage operation, as one line that names what and where
/// (`s3://bucket/key: access denied (403 AccessDenied) at https://endpoint`).
package struct StorageError: RetryableError, Equatable, Sendable {
    package typealias Kind = FailureKind

    package var kind: Kind
    /// The object, bucket or folder the operation was about.
    package var location: String
    package var message: String

    package init(_ kind: Kind, _ location: String, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    package var description: String { "\(location): \(message)" }

    /// Only the store's or the network's failures may pass; bad credentials, a missing bucket or
    /// a bad key are the user's to fix.
    package var isRetryable: Bool { kind.isRetryable }
}
