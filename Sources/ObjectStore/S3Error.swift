import GrowBase

/// A failed S3 operation as one line that names the object or bucket, the endpoint, what went
/// wrong and what to check:
/// `s3://bucket/key at https://endpoint: signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY`.
/// Never contains a secret.
package struct S3Error: RetryableError, Equatable, Sendable {
    package typealias Kind = FailureKind

    package var kind: Kind
    /// What the line starts with: `s3://bucket/key at https://endpoint`, a setting's value, or
    /// empty when the message names it itself (`bucket "x" does not exist at ...`).
    package var subject: String
    /// The rest of the line (without the subject).
    package var message: String
    /// The HTTP status, when the server answered.
    package var status: Int?
    /// S3's error code (`NoSuchKey`, `SignatureDoesNotMatch`), when it sent one.
    package var code: String?

    package init(_ kind: Kind, _ subject: String, _ message: String, status: Int? = nil, code: String? = nil) {
        self.kind = kind
        self.subject = subject
        self.message = message
        self.status = status
        self.code = code
    }

    package var description: String { subject.isEmpty ? message : "\(subject): \(message)" }

    /// Only the store's or the network's failures may pass; bad credentials, a missing bucket or
    /// a bad address are the user's to fix (exit code 2).
    package var isRetryable: Bool { kind.isRetryable }
}
