/// What kind of failure a storage or network operation met, which decides who can fix it.
package enum FailureKind: Sendable, Equatable {
    /// The object, bucket, upload or policy does not exist.
    case notFound
    /// Credentials are missing, wrong, expired or not allowed (the user's to fix: exit 2).
    case denied
    /// A setting, address, key or argument that cannot be used as given (the user's to fix).
    case invalid
    /// The store or the network failed, also after retries: another attempt may pass.
    case failed

    package var isRetryable: Bool { self == .failed }
}
