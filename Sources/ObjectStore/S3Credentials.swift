/// An access key, its secret and an optional session token. `description` never shows the
/// secret or the token.
package struct S3Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// Where they came from, for error hints (`AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
    /// `profile "x" in ~/.aws/credentials`).
    package var source: CredentialSource

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: CredentialSource) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
    }

    package var description: String { "credentials from \(source) (secret hidden)" }
    package var debugDescription: String { description }
    /// No children: dumping a config (`dump`, `print` of a containing struct) shows no secret.
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Where credentials were found.
package enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
    case environment
    case profile(name: String, file: String)
    /// Given directly by code (tests, benchmarks).
    case explicit

    package var description: String {
        switch self {
        case .environment: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
        case .profile(let name, let file): "profile \"\(name)\" in \(file)"
        case .explicit: "the caller"
        }
    }

    /// What to check when the server rejects the secret.
    var secretHint: String {
        switch self {
        case .environment: "check AWS_SECRET_ACCESS_KEY"
        case .profile(let name, let file): "check aws_secret_access_key of profile \"\(name)\" in \(file)"
        case .explicit: "check the secret access key"
        }
    }

    /// What to check when the server does not know the access key.
    var keyHint: String {
        switch self {
        case .environment: "check AWS_ACCESS_KEY_ID and the endpoint"
        case .profile(let name, let file): "check aws_access_key_id of profile \"\(name)\" in \(file) and the endpoint"
        case .explicit: "check the access key id and the endpoint"
        }
    }

    var tokenHint: String {
        switch self {
        case .environment: "check AWS_SESSION_TOKEN (session credentials expire; get fresh ones)"
        case .profile(let name, let file):
            "check aws_session_token of profile \"\(name)\" in \(file) (session credentials expire)"
        case .explicit: "check the session token"
        }
    }
}
