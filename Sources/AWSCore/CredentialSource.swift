/// Where credentials were found, for messages that say what to check.
package enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
    case environment
    case profile(name: String, file: String)
    /// The EC2 instance's role, read from the instance metadata service.
    case instanceProfile(role: String)
    /// Given directly by code (tests, benchmarks).
    case explicit

    package var description: String {
        switch self {
        case .environment: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
        case .profile(let name, let file): "profile \"\(name)\" in \(file)"
        case .instanceProfile(let role): "the instance profile (role \(role))"
        case .explicit: "the caller"
        }
    }

    /// What to check when the server rejects the secret.
    package var secretHint: String {
        switch self {
        case .environment: "check AWS_SECRET_ACCESS_KEY"
        case .profile(let name, let file): "check aws_secret_access_key of profile \"\(name)\" in \(file)"
        case .instanceProfile(let role): "the instance profile's credentials (role \(role)) were refused"
        case .explicit: "check the secret access key"
        }
    }

    /// What to check when the server does not know the access key.
    package var keyHint: String {
        switch self {
        case .environment: "check AWS_ACCESS_KEY_ID and the endpoint"
        case .profile(let name, let file): "check aws_access_key_id of profile \"\(name)\" in \(file) and the endpoint"
        case .instanceProfile(let role): "check the instance profile (role \(role)) and the endpoint"
        case .explicit: "check the access key id and the endpoint"
        }
    }

    package var tokenHint: String {
        switch self {
        case .environment: "check AWS_SESSION_TOKEN (session credentials expire; get fresh ones)"
        case .profile(let name, let file):
            "check aws_session_token of profile \"\(name)\" in \(file) (session credentials expire)"
        case .instanceProfile(let role):
            "the instance profile's token (role \(role)) was refused; it is refreshed on the next call"
        case .explicit: "check the session token"
        }
    }
}
