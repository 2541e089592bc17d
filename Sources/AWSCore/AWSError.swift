import GrowBase

/// A failed AWS call (S3, EC2, ECR, the instance metadata service) as one line that names what
/// was asked where, what went wrong and what to check, e.g.
/// `s3://bucket/key at https://endpoint: signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY`
/// or `ec2 RunInstances at https://ec2.eu-central-1.amazonaws.com: ... (400 InsufficientInstanceCapacity)`.
/// `code` is AWS's own error code, which callers decide on (never the HTTP status alone).
/// Never contains a secret.
package struct AWSError: RetryableError, Equatable, Sendable {
    package typealias Kind = FailureKind

    package var kind: Kind
    /// What the line starts with: `s3://bucket/key at https://endpoint`, `ec2 RunInstances at ...`,
    /// a setting's value, or empty when the message names it itself.
    package var subject: String
    /// The rest of the line (without the subject).
    package var message: String
    /// The HTTP status, when the server answered.
    package var status: Int?
    /// AWS's error code (`NoSuchKey`, `InsufficientInstanceCapacity`), when it sent one.
    package var code: String?

    package init(_ kind: Kind, _ subject: String, _ message: String, status: Int? = nil, code: String? = nil) {
        self.kind = kind
        self.subject = subject
        self.message = message
        self.status = status
        self.code = code
    }

    package var description: String { subject.isEmpty ? message : "\(subject): \(message)" }

    /// Only the service's or the network's failures may pass; bad credentials, a missing bucket or
    /// a bad address are the user's to fix (exit code 2).
    package var isRetryable: Bool { kind.isRetryable }
}
