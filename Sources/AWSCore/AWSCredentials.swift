/// An access key, its secret and an optional session token. `description` never shows the
/// secret or the token.
package struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// Where they came from, for error hints (`AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
    /// `profile "x" in ~/.aws/credentials`, `the instance profile (role r)`).
    package var source: CredentialSource
    /// When temporary credentials stop working (Unix milliseconds); nil for long-lived keys.
    package var expiration: UInt64?

    package init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: CredentialSource,
        expiration: UInt64? = nil
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
        self.expiration = expiration
    }

    package var description: String { "credentials from \(source) (secret hidden)" }
    package var debugDescription: String { description }
    /// No children: dumping a config (`dump`, `print` of a containing struct) shows no secret.
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}
